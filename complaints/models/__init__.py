from complaints.models.attachments import Attachment
from complaints.models.cases import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    Complaint,
    ReferenceCounter,
    Source,
    Status,
)
from complaints.models.customers import Customer
from complaints.models.lists import SavedFilter
from complaints.models.messages import CannedPurpose, CannedResponse
from complaints.models.targets import Holiday, HoursKind, OpeningHours, ResponseTarget, Weekday
from complaints.models.taxonomy import Category, Channel, Emotion, Product, Severity
from complaints.models.timeline import EventKind, TimelineEvent
from complaints.models.urgency import Urgency

__all__ = [
    "FINISHED_STATUSES",
    "OPEN_STATUSES",
    "Attachment",
    "CannedPurpose",
    "CannedResponse",
    "Category",
    "Channel",
    "Complaint",
    "Customer",
    "Emotion",
    "EventKind",
    "Holiday",
    "HoursKind",
    "OpeningHours",
    "Product",
    "ReferenceCounter",
    "ResponseTarget",
    "SavedFilter",
    "Severity",
    "Source",
    "Status",
    "TimelineEvent",
    "Urgency",
    "Weekday",
]
