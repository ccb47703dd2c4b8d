"""Fixtures for the customer side: uploaded files in a temporary storage, a fresh rate limit."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media_and_limits(settings, tmp_path):
    """Files land in a temporary folder; every test starts with an empty rate-limit counter."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.ATTACHMENT_MAX_BYTES = 64 * 1024
    settings.PUBLIC_FORM_MAX_POSTS = 5
    settings.PUBLIC_FORM_WINDOW_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
