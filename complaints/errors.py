class ComplaintError(Exception):
    """A rule of the complaint workflow refused the action; the message is for the user."""


class TransitionNotAllowed(ComplaintError):
    pass
