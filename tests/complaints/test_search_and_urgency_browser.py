"""In a real browser: an agent finds a case from what the caller says, and sees what is overdue."""

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from complaints.models import Status
from complaints.services.case_work import add_note
from tests.factories import AgentFactory, ComplaintFactory, CustomerFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def search_from_the_nav(browser, text: str) -> None:
    box = browser.driver.find_element(By.ID, "nav-search")
    box.clear()
    box.send_keys(text)
    box.submit()
    browser.wait_for_text("Best matches first")


def listed(browser) -> list[str]:
    return [a.text for a in browser.driver.find_elements(By.CSS_SELECTOR, "main table tbody a")]


def test_an_agent_finds_a_case_by_a_word_of_the_customers_text_a_surname_and_a_national_phone_number(
    browser,
) -> None:
    AgentFactory(username="jordan")
    okafor = CustomerFactory(name="Chinwe Okafor", phone="+447700900123")
    theirs = ComplaintFactory(
        customer=okafor, customer_words="The engineer never came and my boiler has been broken for a week."
    )
    other = ComplaintFactory(customer=CustomerFactory(name="Tom Smith"), customer_words="Wrong bill again.")
    add_note(complaint=other, actor=AgentFactory(), text="Customer asked about a refund.")
    browser.login("jordan", "correct horse battery")

    search_from_the_nav(browser, "boiler")
    assert listed(browser) == [theirs.reference]
    browser.assert_page_is_clean()
    browser.screenshot("by-word")

    search_from_the_nav(browser, "Okafor")
    assert listed(browser) == [theirs.reference]
    browser.screenshot("by-surname")

    search_from_the_nav(browser, "07700 900123")  # national form, no +44
    assert listed(browser) == [theirs.reference]
    browser.screenshot("by-national-phone")

    search_from_the_nav(browser, "refund")  # a word of an internal note
    assert listed(browser) == [other.reference]
    browser.assert_page_is_clean()


def test_an_overdue_case_is_marked_in_words_on_the_home_page_and_in_the_list(browser) -> None:
    agent = AgentFactory(username="jordan")
    now = timezone.now()
    late = ComplaintFactory(
        owner=agent,
        status=Status.INVESTIGATING,
        received_at=now - timedelta(days=9),
        first_responded_at=now - timedelta(days=9),
        resolution_due_at=now - timedelta(days=7),  # a week late
    )
    fine = ComplaintFactory(
        owner=agent,
        status=Status.INVESTIGATING,
        received_at=now,
        first_responded_at=now,
        resolution_due_at=now + timedelta(days=5),
    )
    browser.login("jordan", "correct horse battery")

    browser.visit("/")
    browser.wait_for_text("My queue")
    summary = browser.driver.find_element(By.ID, "queue-summary").text
    assert "2 open cases" in summary and "1 overdue" in summary
    late_row = browser.driver.find_element(By.XPATH, f"//tr[td/a[text()='{late.reference}']]").text
    fine_row = browser.driver.find_element(By.XPATH, f"//tr[td/a[text()='{fine.reference}']]").text
    assert "Overdue" in late_row and "Overdue" not in fine_row
    browser.assert_page_is_clean()
    browser.screenshot("home")

    browser.driver.find_element(By.LINK_TEXT, "1 overdue").click()
    browser.wait_for_text("Cases")
    assert listed(browser) == [late.reference]
    row = browser.driver.find_element(By.XPATH, f"//tr[td/a[text()='{late.reference}']]").text
    assert "Overdue" in row
    browser.assert_page_is_clean()
    browser.screenshot("list-overdue")

    browser.visit("/cases/")
    browser.wait_for_text("In this list:")
    assert "1 overdue" in browser.driver.find_element(By.ID, "list-urgency").text
    browser.screenshot("list")
