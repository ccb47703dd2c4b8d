"""Security tests reuse the resolution fixtures (a case owned by an agent, a policy) and keep
files in a temporary folder."""

import pytest

from tests.resolutions.conftest import case, category, policy  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def _files_and_fast_passwords(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
