class OutboxError(Exception):
    """The outbox refused an action on a message; the message is for the person who tried it."""
