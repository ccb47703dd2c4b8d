"""The one way resolution and compensation services refuse an action.

A refusal carries messages written for the person who asked (an agent, a supervisor, a customer on
their choice page), each optionally about one form field, so a view can show it beside the field
or above the form. Anything else a service raises is a programming error and must surface as one.
"""

NON_FIELD = "__all__"


class ResolutionError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors: dict[str, list[str]] = {field or NON_FIELD: [message]}

    @classmethod
    def about_fields(cls, messages: dict[str, str]) -> "ResolutionError":
        """Several fields refused at once (every recovery step not confirmed, say)."""
        field, first = next(iter(messages.items()))
        error = cls(first, field=field)
        error.errors = {name: [text] for name, text in messages.items()}
        return error

    @property
    def messages(self) -> list[str]:
        return [text for texts in self.errors.values() for text in texts]

    def __str__(self) -> str:
        return " ".join(self.messages)
