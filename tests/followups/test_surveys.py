"""The survey link shows a form on GET and records only on POST; "no" reopens the case."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from complaints.models import EventKind, Status
from followups.models import FollowUp, State
from followups.services.emails import survey_url, unsubscribe_url
from portal.signing import make_link_token
from tests.factories import AgentFactory, ComplaintFactory, CustomerFactory, resolve

pytestmark = pytest.mark.django_db
SENT = datetime(2025, 6, 9, 10, 0, tzinfo=UTC)


@pytest.fixture
def sent_followup() -> FollowUp:
    complaint = ComplaintFactory(owner=AgentFactory(), customer=CustomerFactory(name="Grace Hopper"))
    with time_machine.travel(SENT - timedelta(days=3), tick=False):
        (followup,) = resolve(complaint)
    FollowUp.objects.filter(pk=followup.pk).update(state=State.SENT, sent_at=SENT, attempts=1)
    followup.refresh_from_db()
    return followup


def path(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def answer(client, followup: FollowUp, **data: str):  # type: ignore[no-untyped-def]
    return client.post(path(survey_url(followup)), {"comment": "", **data}, follow=True)


@time_machine.travel(SENT + timedelta(hours=1), tick=False)
def test_opening_the_link_shows_the_form_and_records_nothing(client, sent_followup) -> None:
    response = client.get(path(survey_url(sent_followup)))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Is your complaint resolved?" in page and sent_followup.complaint.reference in page
    assert 'name="satisfaction"' in page and 'name="comment"' in page
    sent_followup.refresh_from_db()
    assert sent_followup.state == State.SENT and sent_followup.answered_at is None


@time_machine.travel(SENT + timedelta(hours=1), tick=False)
def test_a_yes_answer_is_recorded_on_the_followup_and_the_timeline(client, sent_followup) -> None:
    response = answer(client, sent_followup, resolved="yes", satisfaction="4", comment="Quick and kind.")

    assert "your answer is recorded" in response.content.decode()
    sent_followup.refresh_from_db()
    assert sent_followup.state == State.ANSWERED
    assert (sent_followup.answer_resolved, sent_followup.answer_satisfaction) == (True, 4)
    event = sent_followup.complaint.events.get(kind=EventKind.SURVEY)
    assert event.who == "Customer (survey)" and "satisfaction 4/5" in event.note
    assert sent_followup.complaint.status == Status.RESOLVED


@time_machine.travel(SENT + timedelta(hours=1), tick=False)
def test_a_no_answer_reopens_the_case_and_tells_the_owner(
    client, sent_followup, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer(client, sent_followup, resolved="no", satisfaction="1", comment="The refund never came.")

    complaint = sent_followup.complaint
    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED
    assert complaint.reopened_at == SENT + timedelta(hours=1)
    reopened = complaint.events.get(to_status=Status.REOPENED)
    assert reopened.who == "Customer (survey)" and "The refund never came." in reopened.note
    # The owner's email is enqueued once the answer commits (reopen_complaint's notification).
    assert len(callbacks) == 1

    # Reopened cases come first in the owner's queue.
    client.force_login(complaint.owner)
    home = client.get("/").content.decode()
    assert complaint.reference in home


@time_machine.travel(SENT + timedelta(hours=1), tick=False)
def test_an_incomplete_answer_is_explained_and_keeps_what_was_typed(client, sent_followup) -> None:
    response = client.post(path(survey_url(sent_followup)), {"resolved": "yes", "comment": "Mostly fine"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required" in page and "Mostly fine" in page
    sent_followup.refresh_from_db()
    assert sent_followup.answered_at is None


def test_an_answer_can_be_amended_for_a_while_then_not(client, sent_followup, settings) -> None:
    settings.FOLLOWUPS_SURVEY_AMEND_HOURS = 48
    with time_machine.travel(SENT + timedelta(hours=1), tick=False):
        answer(client, sent_followup, resolved="yes", satisfaction="5")
    with time_machine.travel(SENT + timedelta(hours=20), tick=False):
        page = client.get(path(survey_url(sent_followup))).content.decode()
        assert "You can change your answer until" in page
        answer(client, sent_followup, resolved="yes", satisfaction="3", comment="On reflection")
    sent_followup.refresh_from_db()
    assert sent_followup.answer_satisfaction == 3
    assert sent_followup.first_answered_at == SENT + timedelta(hours=1)
    assert sent_followup.complaint.events.filter(kind=EventKind.SURVEY).count() == 2
    with time_machine.travel(SENT + timedelta(hours=50), tick=False):
        page = answer(client, sent_followup, resolved="no", satisfaction="1").content.decode()
        assert "your answer of" in page
    sent_followup.refresh_from_db()
    assert sent_followup.answer_satisfaction == 3
    assert sent_followup.complaint.status == Status.RESOLVED


def test_an_expired_or_tampered_link_is_refused_politely(client, sent_followup, settings) -> None:
    settings.FOLLOWUPS_SURVEY_LINK_DAYS = 30
    url = path(survey_url(sent_followup))
    with time_machine.travel(datetime.now(UTC) + timedelta(days=31)):
        response = client.get(url)
    assert response.status_code == 403 and "This link has expired." in response.content.decode()
    response = client.get(url[:-3] + "abc/")
    assert response.status_code == 403 and "This link is not valid." in response.content.decode()
    other_purpose = make_link_token(purpose="followup-unsubscribe", value=sent_followup.pk)
    assert client.get(reverse("followups:survey", args=[other_purpose])).status_code == 403


def test_a_cancelled_followup_cannot_be_answered(client, sent_followup) -> None:
    FollowUp.objects.filter(pk=sent_followup.pk).update(state=State.CANCELLED)
    response = answer(client, sent_followup, resolved="no", satisfaction="1")
    assert "no longer open" in response.content.decode()
    sent_followup.refresh_from_db()
    assert sent_followup.answered_at is None


def test_unsubscribing_needs_a_confirmation_and_stops_every_pending_followup(client) -> None:
    customer = CustomerFactory()
    complaints = [ComplaintFactory(customer=customer) for _ in range(2)]
    for complaint in complaints:
        resolve(complaint)
    url = path(unsubscribe_url(customer))

    page = client.get(url).content.decode()
    customer.refresh_from_db()
    assert "Unsubscribe from follow-ups" in page and customer.followups_opted_out_at is None

    response = client.post(url, follow=True)
    assert "no more follow-up messages" in response.content.decode()
    customer.refresh_from_db()
    assert customer.followups_opted_out_at is not None
    assert set(FollowUp.objects.values_list("state", flat=True)) == {State.SKIPPED}
    assert resolve(ComplaintFactory(customer=customer)) == []


def test_a_mailbox_providers_one_click_unsubscribe_works_on_the_token_alone_and_twice(sent_followup) -> None:
    from django.test import Client

    customer = sent_followup.customer
    url = path(unsubscribe_url(customer))
    provider = Client(enforce_csrf_checks=True)  # no cookie, no CSRF token: only the signed URL

    first = provider.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    again = provider.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    assert (first.status_code, again.status_code) == (200, 200)
    customer.refresh_from_db()
    assert customer.followups_opted_out_at is not None
    tampered = provider.post(
        url[:-3] + "xx/", "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert tampered.status_code == 403
