"""A customer answers the follow-up check in a real browser; an agent sees the calls due."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Status
from followups.models import FollowUp, State
from followups.services.emails import survey_url
from tests.factories import (
    AgentFactory,
    ComplaintFactory,
    CustomerFactory,
    FollowUpStepFactory,
    only_policy,
    resolve,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_customer_answers_no_on_the_survey_page_and_the_case_reopens(browser) -> None:
    complaint = ComplaintFactory(owner=AgentFactory(), customer=CustomerFactory(name="Mary Somerville"))
    (followup,) = resolve(complaint)
    FollowUp.objects.filter(pk=followup.pk).update(state=State.SENT, sent_at=timezone.now())

    browser.visit(path_of(survey_url(followup)))
    browser.wait_for_text("Is your complaint resolved?")
    assert complaint.reference in browser.text()
    browser.assert_page_is_clean()
    browser.screenshot("form")

    browser.field("No, it is not resolved").click()
    browser.field("2: Dissatisfied").click()
    browser.fill("Anything you want to tell us? (optional)", "The replacement never arrived.")
    browser.click_button("Send my answer")

    browser.wait_for_text("your answer is recorded")
    browser.assert_page_is_clean()
    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED


def test_an_agent_opens_a_call_due_from_the_list(browser) -> None:
    FollowUpStepFactory(policy=only_policy(name="Call now"), channel="call", delay=0, delay_unit="seconds")
    agent = AgentFactory(username="robin")
    complaint = ComplaintFactory(owner=agent, customer=CustomerFactory(phone="+442079460000"))
    resolve(complaint, now=timezone.now() - timedelta(minutes=1))

    browser.login("robin", "correct horse battery")
    browser.visit("/followups/calls/")
    browser.wait_for_text(f"Call about {complaint.reference}")
    browser.assert_page_is_clean()
    browser.driver.find_element("link text", f"Call about {complaint.reference}").click()
    browser.wait_for_text("Record the outcome")
    browser.assert_page_is_clean()
    browser.field("Reached, satisfied").click()
    browser.field("4: Satisfied").click()
    browser.click_button("Record outcome")
    browser.wait_for_text("Call outcome recorded")
    assert FollowUp.objects.get().state == State.ANSWERED
