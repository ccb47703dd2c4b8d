from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from complaints.models import Complaint, Customer


class ComplaintError(Exception):
    """A rule of the complaint workflow refused the action; the message is for the user."""


class TransitionNotAllowed(ComplaintError):
    pass


class NotAllowed(ComplaintError):
    """This person may not do this on this case (not its owner, not staff)."""


class OwnershipError(ComplaintError):
    """Claiming, transferring or reassigning was refused."""


class DuplicateComplaint(ComplaintError):
    """The customer already has an open case in this category; the agent may confirm to go ahead."""

    def __init__(self, existing: "Complaint") -> None:
        self.existing = existing
        super().__init__(
            f"{existing.customer.name} already has an open {existing.category} case: {existing.reference}."
        )


class CustomerExists(ComplaintError):
    """Another customer already holds this email address (recorded at the same moment, since the
    form checked just before); the agent takes the complaint for them instead."""

    def __init__(self, existing: "Customer") -> None:
        self.existing = existing
        super().__init__(f"{existing.name} already has this email: take the complaint for them.")
