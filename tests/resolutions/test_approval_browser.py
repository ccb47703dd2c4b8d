"""In a real browser: a supervisor decides from a request that shows its context, and the agent
who proposed it finds the decision on their home page and on the case."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from complaints.models import Status
from complaints.services.transitions import change_status
from resolutions.models import CompensationPolicy
from resolutions.services.compensation import issue_compensation
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    CompensationPolicyFactory,
    ComplaintFactory,
    CustomerFactory,
    SupervisorFactory,
    propose_refund,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def propose(case, agent, amount: str, reason: str):  # type: ignore[no-untyped-def]
    return propose_refund(case, agent, amount, reason=reason)


def test_a_supervisor_approves_from_a_request_with_its_context_and_the_agent_sees_the_decision(
    browser,
) -> None:
    agent = AgentFactory(username="alex", first_name="Alex", last_name="Agent")
    SupervisorFactory(username="morgan", first_name="Morgan", last_name="Lead")
    category = CategoryFactory(name="Deliveries")
    CompensationPolicy.objects.all().delete()
    CompensationPolicyFactory(name="Deliveries policy", category=category)
    customer = CustomerFactory(name="Chinwe Okafor")
    earlier = ComplaintFactory(customer=customer, owner=agent, category=category)
    issue_compensation(
        compensation=propose(earlier, agent, "45.40", "Late once"), actor=agent, external_reference="TX-1"
    )
    case = ComplaintFactory(
        customer=customer,
        owner=agent,
        category=category,
        summary="Kettle arrived broken twice.",
        desired_outcome="A refund and an apology.",
    )
    change_status(complaint=case, to_status=Status.INVESTIGATING, actor=agent)
    waiting = propose(case, agent, "120", "Third failed delivery")

    browser.login("morgan", "correct horse battery")
    browser.visit("/approvals/")
    browser.wait_for_text("Compensation awaiting your decision")
    card = browser.driver.find_element(By.CSS_SELECTOR, ".approval-request").text
    for shown in (
        "Chinwe Okafor",
        "Kettle arrived broken twice.",
        "A refund and an apology.",
        f"Refund of 45.40 GBP on {earlier.reference}",
        "supervisors 250.00 GBP",
        "4,954.60 GBP of 5,000.00 GBP",
    ):
        assert shown in card, shown
    browser.assert_page_is_clean()
    browser.screenshot("request-with-context")
    Select(browser.driver.find_element(By.ID, f"id_c{waiting.pk}-decision")).select_by_visible_text("Approve")
    browser.driver.find_element(By.ID, f"id_c{waiting.pk}-reason").send_keys("Fair after three failures")
    browser.click_button("Record decision")
    browser.wait_for_text(f"Compensation on {case.reference} approved; Alex Agent is told.")

    browser.driver.delete_all_cookies()
    browser.login("alex", "correct horse battery")
    browser.wait_for_text("Decisions on compensation you proposed")
    panel = browser.driver.find_element(By.ID, "decisions").text
    assert case.reference in panel and "approved by Morgan Lead" in panel
    assert "Fair after three failures" in panel
    browser.assert_page_is_clean()
    browser.screenshot("agent-home-decision")
    browser.driver.find_element(By.ID, "decisions").find_element(By.LINK_TEXT, case.reference).click()
    browser.wait_for_text("Resolution and compensation")
    assert "Approved by Morgan Lead" in browser.text()
    assert "Compensation approved: Fair after three failures" in browser.text()
    browser.assert_page_is_clean()
