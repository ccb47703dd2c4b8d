import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone

from complaints.models.cases import Complaint


def attachment_path(instance: "Attachment", filename: str) -> str:
    """Files are stored under a random name: what the uploader called a file never becomes a path."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file on a case, sent by the customer from their status page or attached by staff."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, help_text="Detected from the file's content.")
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by_label = models.CharField(
        max_length=100, blank=True, help_text="Who sent it when it was not a staff user (customer)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="attachment_by_case")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def from_customer(self) -> bool:
        return self.uploaded_by_id is None
