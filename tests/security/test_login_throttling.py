"""Repeated wrong passwords lock the account and the address for a while, on both login pages;
the person is told why, and an admin can unlock them at once."""

import pytest
from django.contrib.admin.sites import site
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.admin import LoginLockoutAdmin
from accounts.models import LoginLockout
from tests.factories import AdminUserFactory, AgentFactory

pytestmark = pytest.mark.django_db
RIGHT = "correct horse battery"


@pytest.fixture(autouse=True)
def _fresh_counts(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


def _login(
    client: Client, username: str, password: str, *, path: str = "/accounts/login/", address: str = "10.0.0.1"
):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in() -> None:
    AgentFactory(username="jordan")
    client = Client()
    for _ in range(30):
        _login(client, "jordan", "wrong")
    response = _login(client, "jordan", RIGHT)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Too many failed attempts to log in" in response.content.decode()
    assert response["Retry-After"] == str(15 * 60)


def test_the_lockout_starts_at_the_fifth_failure_and_keeps_the_username() -> None:
    AgentFactory(username="jordan")
    client = Client()
    answers = [_login(client, "jordan", "wrong").status_code for _ in range(5)]

    assert answers == [200, 200, 200, 200, 429]
    response = _login(client, "jordan", RIGHT)
    assert 'value="jordan"' in response.content.decode()


def test_an_account_is_locked_whatever_address_the_attempts_come_from() -> None:
    AgentFactory(username="jordan")
    for number in range(5):
        _login(Client(), "jordan", "wrong", address=f"10.0.1.{number}")

    assert _login(Client(), "jordan", RIGHT, address="10.0.2.1").status_code == 429


def test_an_address_trying_many_accounts_is_locked_for_all_of_them() -> None:
    AgentFactory(username="jordan")
    for number in range(5):
        _login(Client(), f"guess{number}", "wrong", address="10.9.9.9")

    assert _login(Client(), "jordan", RIGHT, address="10.9.9.9").status_code == 429
    assert _login(Client(), "jordan", RIGHT, address="10.9.9.8").status_code == 302


def test_the_admin_login_is_throttled_by_the_same_counts() -> None:
    AdminUserFactory(username="root")
    client = Client()
    for _ in range(3):
        _login(client, "root", "wrong")
    for _ in range(2):
        _login(client, "root", "wrong", path="/admin/login/")
    response = _login(client, "root", RIGHT, path="/admin/login/")

    assert response.status_code == 429
    assert "Too many failed attempts to log in" in response.content.decode()


def test_a_successful_login_forgets_earlier_failures() -> None:
    AgentFactory(username="jordan")
    for _ in range(4):
        _login(Client(), "jordan", "wrong")
    assert _login(Client(), "jordan", RIGHT).status_code == 302
    for _ in range(4):
        _login(Client(), "jordan", "wrong")

    assert _login(Client(), "jordan", RIGHT).status_code == 302


def test_the_lockout_is_listed_in_admin_and_unlocking_lets_the_person_in() -> None:
    AgentFactory(username="jordan")
    admin_user = AdminUserFactory(username="root")
    for _ in range(6):
        _login(Client(), "jordan", "wrong")
    (lockout,) = LoginLockout.objects.all()
    assert (lockout.username, lockout.ip_address, lockout.unlocked_at) == ("jordan", "10.0.0.1", None)

    staff = Client()
    staff.force_login(admin_user)
    listing = staff.get(reverse("admin:accounts_loginlockout_changelist"))
    assert listing.status_code == 200
    assert "jordan" in listing.content.decode()
    response = staff.post(
        reverse("admin:accounts_loginlockout_changelist"),
        {"action": "unlock", "_selected_action": [lockout.pk]},
        follow=True,
    )

    assert "1 login unlocked" in response.content.decode()
    lockout.refresh_from_db()
    assert lockout.unlocked_by == admin_user
    assert _login(Client(), "jordan", RIGHT).status_code == 302


def test_lockouts_are_records_nobody_adds_or_deletes_in_admin() -> None:
    admin_user = AdminUserFactory(username="root")
    request = type("Request", (), {"user": admin_user})()
    model_admin = LoginLockoutAdmin(LoginLockout, site)

    assert not model_admin.has_add_permission(request)  # type: ignore[arg-type]
    assert not model_admin.has_delete_permission(request)  # type: ignore[arg-type]
