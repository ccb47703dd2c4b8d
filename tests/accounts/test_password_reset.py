"""Password reset by email: the email leaves through the outbox, and its link sets a new password."""

import re

import pytest
from django.core import mail

from outbox.models import Message
from outbox.testing import flush_outbox
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def test_asking_for_a_reset_writes_the_email_to_the_outbox_without_its_secret(client) -> None:
    AgentFactory(username="robin", email="robin@staff.example.com")

    response = client.post("/accounts/password/reset/", {"email": "robin@staff.example.com"})

    assert response.status_code == 302
    assert len(mail.outbox) == 0, "the request itself must not send mail"
    message = Message.objects.get()
    assert message.to == "robin@staff.example.com"
    assert (message.text, message.html) == ("", ""), "the reset link is made when the email leaves"


def test_asking_again_within_minutes_sends_one_email(client) -> None:
    AgentFactory(username="robin", email="robin@staff.example.com")
    for _ in range(3):
        client.post("/accounts/password/reset/", {"email": "robin@staff.example.com"})
    flush_outbox()
    assert len(mail.outbox) == 1


def test_the_reset_link_lets_the_user_choose_a_new_password(client) -> None:
    user = AgentFactory(username="robin", email="robin@staff.example.com")
    client.post("/accounts/password/reset/", {"email": "robin@staff.example.com"})

    flush_outbox()

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


def test_a_reset_for_an_account_deactivated_meanwhile_is_not_sent(client) -> None:
    user = AgentFactory(username="robin", email="robin@staff.example.com")
    client.post("/accounts/password/reset/", {"email": "robin@staff.example.com"})
    user.is_active = False
    user.save()

    result = flush_outbox()

    assert mail.outbox == [] and len(result.cancelled) == 1


def test_an_unknown_address_sends_nothing_and_reveals_nothing(client) -> None:
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert not Message.objects.exists()


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
