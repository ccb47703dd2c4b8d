"""File fields shared by the public form and the case page: several files in one field, each
checked on its content and size before anything is stored."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from complaints.services.attachments import ALLOWED_DESCRIPTION, check_upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked on its content and size, and every refusal
    is listed beside the field with the file's name and the reason."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,.txt"

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(items) > settings.ATTACHMENT_MAX_FILES:
            raise ValidationError(f"Please send at most {settings.ATTACHMENT_MAX_FILES} files at a time.")
        errors: list[ValidationError] = []
        files: list[UploadedFile] = []
        for item in items:
            try:
                uploaded = super().clean(item, initial)
                check_upload(uploaded)
                files.append(uploaded)
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return files


def files_field() -> MultipleFileField:
    return MultipleFileField(
        label="Files (optional)",
        help_text=(
            f"{ALLOWED_DESCRIPTION}, up to {settings.ATTACHMENT_MAX_FILES} files of at most "
            f"{settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB each. If the form shows an error, "
            "please choose your files again: browsers do not keep them."
        ),
    )


class StaffAttachmentForm(forms.Form):
    attachments = files_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"] = files_field()
        self.fields["attachments"].label = "Attach files"

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        if not files:
            raise ValidationError("Please choose a file to attach.")
        return files
