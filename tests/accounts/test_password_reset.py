"""Password reset by email: the email leaves through Celery, and its link sets a new password."""

import re

import pytest
from django.core import mail

from accounts.tasks import send_password_reset_email_task
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def test_asking_for_a_reset_queues_the_email_after_commit(client, django_capture_on_commit_callbacks) -> None:
    AgentFactory(username="robin", email="robin@staff.example.com")

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/accounts/password/reset/", {"email": "robin@staff.example.com"})

    assert response.status_code == 302
    assert len(mail.outbox) == 0, "the request itself must not send mail"
    assert len(callbacks) == 1


def test_the_reset_link_lets_the_user_choose_a_new_password(client) -> None:
    user = AgentFactory(username="robin", email="robin@staff.example.com")

    send_password_reset_email_task.run(user.pk)

    (message,) = mail.outbox
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body)
    assert link, message.body
    response = client.get(link.group(1), follow=True)
    assert b"Choose a new password" in response.content
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a brand new passphrase")


def test_an_unknown_address_sends_nothing_and_reveals_nothing(
    client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_signed_in_user_changes_their_password(client) -> None:
    user = AgentFactory()
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "correct horse battery",
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another long passphrase")


def test_a_wrong_current_password_is_refused_beside_the_field(client) -> None:
    client.force_login(AgentFactory())
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": "x" * 12, "new_password2": "x" * 12},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
