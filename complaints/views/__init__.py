"""Agent views, by concept: the queue and case page, intake, the case list."""

from complaints.views.cases import complaint_detail
from complaints.views.home import home

__all__ = ["complaint_detail", "home"]
