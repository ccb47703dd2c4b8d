"""In a real browser: an agent resolves with two solutions and a compensation above their limit;
a supervisor approves it and the case is resolved."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from complaints.models import Status
from complaints.services.transitions import change_status
from resolutions.models import Compensation, CompensationStatus, Resolution
from tests.factories import AgentFactory, CategoryFactory, ComplaintFactory, SupervisorFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def by_id(browser, element_id: str):
    return browser.driver.find_element(By.ID, element_id)


def submit(browser, text: str) -> None:
    button = browser.driver.find_element(By.XPATH, f"//button[normalize-space(.)='{text}']")
    browser.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", button
    )
    button.click()


def test_an_agent_resolves_with_two_solutions_and_a_supervisor_approves_the_compensation(browser) -> None:
    agent = AgentFactory(username="alex", first_name="Alex", last_name="Agent")
    supervisor = SupervisorFactory(username="morgan", first_name="Morgan", last_name="Lead")
    case = ComplaintFactory(owner=agent, category=CategoryFactory(name="Deliveries"))
    change_status(complaint=case, to_status=Status.INVESTIGATING, actor=agent)

    browser.login("alex", "correct horse battery")
    browser.visit(f"/cases/{case.reference}/")
    browser.wait_for_text("Resolution and compensation")
    browser.assert_page_is_clean()
    browser.driver.find_element(By.LINK_TEXT, "Resolve").click()
    browser.wait_for_text("Compensation policy")
    assert "Budget left for Deliveries" in browser.text()
    browser.assert_page_is_clean()

    for step in ("listened", "emotion_acknowledged", "apology_given", "ownership_taken"):
        by_id(browser, f"id_{step}").click()
    Select(by_id(browser, "id_solutions-0-kind")).select_by_visible_text("Replacement")
    by_id(browser, "id_solutions-0-details").send_keys("New kettle delivered by Friday")
    by_id(browser, "id_solutions-0-value").send_keys("39.99")
    Select(by_id(browser, "id_solutions-1-kind")).select_by_visible_text("Refund")
    by_id(browser, "id_solutions-1-details").send_keys("Full refund to the card")
    by_id(browser, "id_solutions-1-value").send_keys("39.99")
    browser.select("Customer's choice*", "Solution 2 below")
    browser.fill("Outcome*", "Full refund agreed and the courier briefed.")
    browser.select("Root cause*", "Delivery")
    by_id(browser, "id_preventable_0").click()
    Select(by_id(browser, "id_compensation-kind")).select_by_visible_text("Store credit")
    by_id(browser, "id_compensation-amount").send_keys("120")
    by_id(browser, "id_compensation-reason").send_keys("Third failed delivery in a month")
    browser.screenshot("resolve-form")
    submit(browser, "Resolve the case")

    browser.wait_for_text("the case resolves when a supervisor approves it")
    assert "Awaiting approval" in browser.text()
    browser.assert_page_is_clean()
    browser.screenshot("awaiting-approval")
    compensation = Compensation.objects.get(complaint=case)
    assert compensation.status == CompensationStatus.PROPOSED

    browser.driver.delete_all_cookies()
    browser.login("morgan", "correct horse battery")
    browser.wait_for_text("Approvals waiting: 1")
    browser.driver.find_element(By.LINK_TEXT, "Open the approval queue").click()
    browser.wait_for_text("Compensation awaiting your decision")
    browser.assert_page_is_clean()
    Select(by_id(browser, f"id_c{compensation.pk}-decision")).select_by_visible_text("Approve")
    by_id(browser, f"id_c{compensation.pk}-reason").send_keys("Fair after three failures")
    submit(browser, "Record decision")
    browser.wait_for_text(f"Compensation on {case.reference} approved; Alex Agent is told.")
    browser.assert_page_is_clean()

    browser.visit(f"/cases/{case.reference}/")
    browser.wait_for_text("Resolution and compensation")
    text = browser.text()
    assert "Approved" in text and "Full refund to the card (39.99 GBP) — chosen" in text
    browser.assert_page_is_clean()
    browser.screenshot("resolved")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.compensation_given
    assert Resolution.objects.get(complaint=case).status == "completed"
    compensation.refresh_from_db()
    assert compensation.approved_by == supervisor
