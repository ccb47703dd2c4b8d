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


def env_example() -> dict[str, str]:
    """The documented production values, as an operator copies them."""
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def test_the_deploy_check_is_clean_with_the_values_of_env_example() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env_example())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_example_key_is_long_and_varied_enough_for_the_deploy_check() -> None:
    key = env_example()["DJANGO_SECRET_KEY"]
    assert len(key) >= 50 and len(set(key)) >= 5 and not key.startswith("django-insecure-")


def _printed_key(var_dir: Path) -> str:
    env = {"DJANGO_DEBUG": "1", "REDRESS_VAR_DIR": str(var_dir), "DJANGO_SECRET_KEY": ""}
    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_embedded_default_makes_a_random_key_once_and_keeps_it_private(tmp_path) -> None:
    first, second = _printed_key(tmp_path / "a"), _printed_key(tmp_path / "a")
    other = _printed_key(tmp_path / "b")

    key = first
    assert len(key) >= 60 and key == second
    assert other != key  # each installation its own
    key_file = tmp_path / "a" / "secret_key"
    assert key_file.read_text().strip() == key
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert key not in (ROOT / "portal" / "settings.py").read_text()


def test_processes_starting_together_share_one_key(tmp_path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=3) as pool:
        keys = set(pool.map(_printed_key, [tmp_path] * 3))
    assert len(keys) == 1 and len(keys.pop()) >= 60
    assert not [path.name for path in tmp_path.iterdir() if path.name.startswith(".secret_key")]


def test_a_malformed_boolean_is_named_in_the_error() -> None:
    result = run_manage("check", env={**PRODUCTION_ENV, "EMAIL_USE_TLS": "maybe"})
    assert result.returncode != 0
    assert "EMAIL_USE_TLS must be one of" in result.stderr
