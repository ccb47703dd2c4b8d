class FollowUpError(Exception):
    """A follow-up rule refused the action; the message is for the person who tried it."""
