"""End to end: a customer files on the public form in Chromium, the acknowledgement travels
through a real Celery worker to a real SMTP server, and its link opens the status page."""

import re

import pytest
from selenium.webdriver.common.by import By

from complaints.models import Complaint, EventKind
from tests.factories import public_category
from tests.support.smtp import text_body

pytestmark = [
    pytest.mark.integration,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def press(browser, text: str) -> None:
    """Click a button below the fold: Bootstrap scrolls smoothly, so bring it into view at once."""
    button = browser.driver.find_element(By.XPATH, f"//button[normalize-space(.)='{text}']")
    browser.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button
    )
    button.click()


def test_a_customer_files_a_complaint_gets_the_email_and_adds_information(
    browser, celery_worker, smtp_server
):
    public_category("Deliveries")

    browser.visit("/complain/")
    browser.find("#id_name")
    browser.assert_page_is_clean()
    browser.fill("Your name*", "Dana Okafor")
    browser.fill("Email*", "dana@example.com")
    browser.fill("Phone (optional)", "020 7946 0958")
    browser.select("What is it about?*", "Deliveries")
    browser.fill("What happened?*", "The parcel was left in the rain <b>twice</b>.")
    browser.fill("What would you like us to do?*", "Refund the delivery fee.")
    browser.screenshot("form-filled")
    press(browser, "Send complaint")

    browser.wait_for_text("Your reference is")
    complaint = Complaint.objects.get()
    assert complaint.reference in browser.text()
    browser.assert_page_is_clean()
    browser.screenshot("reference")

    (message,) = smtp_server.wait_for(1, timeout=60)
    assert message["To"] == "dana@example.com"
    assert complaint.reference in message["Subject"]
    assert message.get_body(preferencelist=("html",)) is not None
    link = re.search(r"https?://[^/\s]+(/my-complaint/\S+/)", text_body(message))
    assert link, text_body(message)
    assert "outbox.tasks.send_messages" in celery_worker.output

    browser.visit(link.group(1))
    browser.wait_for_text(f"Your complaint {complaint.reference}")
    assert "The parcel was left in the rain <b>twice</b>." in browser.text()
    assert "We emailed you" in browser.text()
    browser.assert_page_is_clean()
    browser.fill("Anything to add?", "The courier left a card saying nobody was home.")
    press(browser, "Send to our team")

    browser.wait_for_text("Thank you: we have added this to your complaint.")
    assert "You added information" in browser.text()
    assert complaint.events.filter(kind=EventKind.CUSTOMER_ADDED).count() == 1
    browser.assert_page_is_clean()
    browser.screenshot("status-page")


def test_a_mistake_on_the_form_is_explained_beside_the_field_in_the_browser(browser) -> None:
    public_category("Deliveries")

    browser.visit("/complain/")
    browser.fill("Your name*", "Dana Okafor")
    browser.fill("Email*", "not-an-address")
    browser.select("What is it about?*", "Deliveries")
    browser.fill("What happened?*", "Broken kettle.")
    browser.fill("What would you like us to do?*", "A new one.")
    press(browser, "Send complaint")

    browser.wait_for_text("Enter a valid email address.")
    assert browser.field("Email*").get_attribute("value") == "not-an-address"
    assert browser.field("What happened?*").get_attribute("value") == "Broken kettle."
    browser.assert_page_is_clean()
    browser.screenshot("errors")
