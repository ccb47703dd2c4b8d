"""Settings come from the environment, refuse to start unsafely, and pass Django's deploy check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-production-like-secret-key-of-sufficient-length-and-randomness-0123456789",
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "redress.example.com",
    "SITE_URL": "https://redress.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/redress",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off() -> None:
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_the_deploy_check_is_clean_with_production_settings() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_malformed_boolean_is_named_in_the_error() -> None:
    result = run_manage("check", env={**PRODUCTION_ENV, "EMAIL_USE_TLS": "maybe"})
    assert result.returncode != 0
    assert "EMAIL_USE_TLS must be one of" in result.stderr
