"""An agent takes a phone complaint end to end in a real browser."""

import pytest

from complaints.models import Complaint
from tests.factories import AgentFactory, CategoryFactory, ComplaintFactory, CustomerFactory


def press(browser, element) -> None:
    """Click like a person: bring the control into view first. The form is longer than the window,
    and Bootstrap scrolls smoothly, so jump instead of waiting for the animation."""
    browser.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
    )
    element.click()


def submit(browser, text: str) -> None:
    quoted = f'"{text}"'
    press(browser, browser.driver.find_element("xpath", f"//button[normalize-space(.)={quoted}]"))


pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_agent_takes_a_phone_complaint_from_a_new_customer(browser) -> None:
    AgentFactory(username="jordan", first_name="Jordan", last_name="Lee")
    CategoryFactory(name="Delivery")
    browser.login("jordan", "correct horse battery")

    browser.visit("/intake/")
    browser.fill("Name, email, phone or reference", "Noah Johnson")
    browser.click_button("Find customer")
    browser.wait_for_text("Nobody matches")
    browser.assert_page_is_clean()
    browser.driver.find_element("link text", "record a new customer").click()

    browser.wait_for_text("Complaint from a new customer")
    assert browser.field("Name*").get_attribute("value") == "Noah Johnson"
    browser.fill("Email", "noah@example.com")
    browser.fill("Phone", "not a phone")
    browser.select("Category*", "Delivery")
    browser.fill("Customer's own words*", "The parcel was left in the rain and everything is ruined.")
    submit(browser, "Record complaint")

    browser.wait_for_text("Enter a valid phone number")
    assert "everything is ruined" in browser.field("Customer's own words*").get_attribute("value")
    browser.assert_page_is_clean()
    browser.screenshot("refused-phone")
    browser.fill("Phone", "020 7946 0321")
    browser.fill("Your summary, as read back to the customer", "Parcel left outside in the rain.")
    press(browser, browser.field("The customer confirmed the summary"))
    browser.select("Emotion expressed", "Frustrated")
    browser.fill("Outcome the customer wants", "A refund.")
    submit(browser, "Record complaint")

    browser.wait_for_text("Read the reference to the customer")
    complaint = Complaint.objects.get(customer__name="Noah Johnson")
    assert complaint.reference in browser.text()
    assert "Response targets" in browser.text()
    assert complaint.owner.username == "jordan"
    browser.assert_page_is_clean()
    browser.screenshot("case-page")


def test_an_agent_takes_a_complaint_from_a_repeat_complainer_and_sees_the_open_case(browser) -> None:
    AgentFactory(username="jordan")
    customer = CustomerFactory(name="Maria Garcia", phone="+442079460999")
    category = CategoryFactory(name="Billing")
    earlier = ComplaintFactory(customer=customer, category=category)
    browser.login("jordan", "correct horse battery")

    browser.visit("/intake/")
    browser.fill("Name, email, phone or reference", "020 7946 0999")
    browser.click_button("Find customer")
    browser.wait_for_text("Maria Garcia")
    browser.driver.find_element("link text", "Take complaint for Maria Garcia").click()

    browser.wait_for_text("Repeat complainer")
    assert earlier.reference in browser.text()
    browser.assert_page_is_clean()
    browser.select("Category*", "Billing")
    browser.fill("Customer's own words*", "I was charged twice this month.")
    submit(browser, "Record complaint")

    browser.wait_for_text("already has an open Billing case")
    browser.assert_page_is_clean()
    browser.screenshot("duplicate-warning")
    press(browser, browser.field("Record it as a new case anyway"))
    submit(browser, "Record complaint")

    browser.wait_for_text("Read the reference to the customer")
    assert customer.complaints.count() == 2
    browser.assert_page_is_clean()
