"""Files on cases: what is accepted (checked on the content, not the name) and how it is stored."""

from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from complaints.access import ensure_may_work_on
from complaints.models import Attachment, Complaint, EventKind
from complaints.services.timeline import record_event


@dataclass(frozen=True)
class FileKind:
    content_type: str
    label: str
    extensions: tuple[str, ...]


PDF = FileKind("application/pdf", "PDF", (".pdf",))
PNG = FileKind("image/png", "PNG image", (".png",))
JPEG = FileKind("image/jpeg", "JPEG image", (".jpg", ".jpeg"))
TEXT = FileKind("text/plain", "plain text", (".txt",))
ALLOWED = (PDF, PNG, JPEG, TEXT)
ALLOWED_DESCRIPTION = "PDF, PNG, JPEG or plain text (.txt)"
# Text files may hold tabs, line breaks and form feeds; any other control byte means binary.
_TEXT_CONTROL_OK = {9, 10, 12, 13}


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < len(head) - 3:
            return False
        text = head[: error.start].decode("utf-8")
    return not any(ord(ch) < 32 and ord(ch) not in _TEXT_CONTROL_OK for ch in text)


def sniff(head: bytes) -> FileKind | None:
    """The kind of file these first bytes begin, from magic numbers; None when not allowed."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head and _looks_like_text(head):
        return TEXT
    return None


def check_upload(uploaded_file: UploadedFile) -> FileKind:
    """Raise ValidationError saying why a file is refused (size or type); return its kind."""
    name = uploaded_file.name or "file"
    limit = settings.ATTACHMENT_MAX_BYTES
    if uploaded_file.size is None or uploaded_file.size == 0:
        raise ValidationError(f"“{name}” is empty.", code="empty")
    if uploaded_file.size > limit:
        raise ValidationError(
            f"“{name}” is {filesizeformat(uploaded_file.size)}; "
            f"files may be at most {filesizeformat(limit)}.",
            code="too_big",
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    kind = sniff(head)
    suffix = PurePosixPath(name).suffix.lower()
    if kind is None:
        raise ValidationError(
            f"“{name}” is not a file type we accept. Please send {ALLOWED_DESCRIPTION}.", code="type"
        )
    if suffix not in kind.extensions:
        raise ValidationError(
            f"“{name}” contains a {kind.label} but its name ends in “{suffix or 'nothing'}”. "
            f"Please send {ALLOWED_DESCRIPTION} with a matching name.",
            code="type",
        )
    return kind


@transaction.atomic
def attach_file(
    *,
    complaint: Complaint,
    uploaded_file: UploadedFile,
    actor: User | None = None,
    actor_label: str = "",
) -> Attachment:
    """Store a file on a case through the default storage and note it on the timeline.

    Raises NotAllowed for staff who may not work on the case, ValidationError (type or size),
    before anything is stored. `actor=None` is the customer, through their signed link.
    """
    if actor is not None:
        ensure_may_work_on(actor, complaint)
    kind = check_upload(uploaded_file)
    original_name = PurePosixPath((uploaded_file.name or "file").replace("\\", "/")).name[:255]
    attachment = Attachment(
        complaint=complaint,
        original_name=original_name,
        content_type=kind.content_type,
        size=uploaded_file.size or 0,
        uploaded_by=actor,
        uploaded_by_label="" if actor else (actor_label or "Customer"),
    )
    # FileField.save stores through default_storage under a random name, then saves the row.
    attachment.file.save(original_name, uploaded_file, save=True)
    record_event(
        complaint=complaint,
        kind=EventKind.ATTACHMENT,
        actor=actor,
        actor_label=attachment.uploaded_by_label,
        note=original_name,
        data={"attachment_id": attachment.pk, "size": attachment.size, "content_type": kind.content_type},
    )
    return attachment
