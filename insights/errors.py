class InsightsError(Exception):
    """A refused insights action; the message is shown to the person as it is."""
