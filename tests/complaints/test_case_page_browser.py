"""In a real browser: on a tablet (768 px wide) and on a laptop, the case page's actions are on
screen as soon as it opens, without scrolling past the case's story and timeline."""

import pytest
from selenium.webdriver.common.by import By

from complaints.models import Status
from complaints.services.case_work import add_note
from complaints.services.transitions import change_status
from tests.factories import AgentFactory, ComplaintFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIRST_ACTION = "#case-actions a.btn, #case-actions button"


def first_action_box(browser) -> dict[str, float]:
    action = browser.driver.find_element(By.CSS_SELECTOR, FIRST_ACTION)
    return browser.driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,"
        " height: window.innerHeight, width: window.innerWidth, text: arguments[0].innerText};",
        action,
    )


@pytest.mark.parametrize(("width", "height", "label"), [(768, 1024, "tablet"), (1280, 800, "laptop")])
def test_the_first_action_is_in_the_first_viewport(browser, width, height, label) -> None:
    agent = AgentFactory(username="alex")
    case = ComplaintFactory(
        owner=agent,
        customer_words="The parcel arrived broken. " * 30,
        summary="Broken parcel, twice; no answer to emails.",
        desired_outcome="A refund.",
    )
    change_status(complaint=case, to_status=Status.INVESTIGATING, actor=agent)
    for number in range(12):  # a long timeline: the actions must not sit below it
        add_note(complaint=case, actor=agent, text=f"Called the courier, attempt {number}.")
    browser.driver.set_window_size(width, height)
    try:
        browser.login("alex", "correct horse battery")
        browser.visit(f"/cases/{case.reference}/")
        browser.wait_for_text("Timeline")

        box = first_action_box(browser)

        assert box["text"] == "Resolve"
        assert box["top"] >= 0 and box["bottom"] <= box["height"], box
        assert box["right"] <= box["width"], box
        browser.assert_page_is_clean()
        browser.screenshot(f"case-page-{label}")
    finally:
        browser.driver.set_window_size(1280, 900)
