"""An agent logs in with a real browser and lands on their queue."""

import pytest

from tests.factories import AgentFactory, ComplaintFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_agent_logs_in_and_sees_their_queue(browser) -> None:
    agent = AgentFactory(username="jordan")
    complaint = ComplaintFactory(owner=agent)

    browser.visit("/")
    browser.assert_page_is_clean()
    browser.click_link("log in")
    browser.find("#id_username")
    browser.assert_page_is_clean()
    browser.fill("Username*", "jordan")
    browser.fill("Password*", "correct horse battery")
    browser.click_button("Log in")

    browser.wait_for_text("My queue")
    assert complaint.reference in browser.text()
    browser.assert_page_is_clean()
    browser.screenshot("queue")


def test_a_wrong_password_is_explained_beside_the_form(browser) -> None:
    AgentFactory(username="jordan")
    browser.visit("/accounts/login/")
    browser.fill("Username*", "jordan")
    browser.fill("Password*", "wrong")
    browser.click_button("Log in")

    browser.wait_for_text("Please enter a correct username and password")
    assert browser.field("Username*").get_attribute("value") == "jordan"
    browser.assert_page_is_clean()
