"""In a real browser the Content-Security-Policy holds: our own script runs, an injected inline
one does not, and the pages added for security are clean (axe-core, no console error)."""

import pytest

from tests.factories import AgentFactory, public_category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_public_form_fills_the_time_zone_from_our_script_file(browser) -> None:
    public_category("Deliveries")
    browser.visit("/complain/")
    zone = browser.find("#id_time_zone")
    assert zone.get_attribute("value"), "time-zone.js did not run"
    browser.assert_page_is_clean()


def test_an_injected_inline_script_is_refused_by_the_browser(browser) -> None:
    browser.visit("/complain/")
    browser.find("main")
    ran = browser.driver.execute_script(
        "var s = document.createElement('script'); s.textContent = 'window.injected = 1;';"
        "document.body.appendChild(s); return window.injected || null;"
    )
    assert ran is None
    errors = browser.console_errors()
    assert any("Content Security Policy" in error for error in errors), errors


def test_a_locked_out_login_is_explained_on_a_clean_page(browser, settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    AgentFactory(username="jordan")
    for _ in range(5):
        browser.visit("/accounts/login/")
        browser.fill("Username*", "jordan")
        browser.fill("Password*", "wrong")
        browser.submit_and_wait("Log in")  # each failed attempt answered before the next one
    browser.wait_for_text("Too many failed attempts to log in")
    assert browser.field("Username*").get_attribute("value") == "jordan"
    browser.console_errors()  # the 429 answer itself is logged by the browser as a failed load
    browser.driver.refresh()
    browser.find("main")
    violations = browser.axe_violations()
    assert not violations, violations


def test_the_new_link_page_is_clean_and_answers_the_same_for_anyone(browser) -> None:
    browser.visit("/followups/survey/not-a-valid-token/")
    browser.find("main")
    browser.console_errors()  # the bad link's 403 is logged by the browser as a failed load
    browser.driver.find_element("link text", "Send me a new link").click()
    browser.fill("Complaint reference*", "RD-2099-000001")
    browser.fill("Email address*", "someone@example.com")
    browser.click_button("Email me a new link")
    browser.wait_for_text("If the reference and email address match a complaint we hold")
    browser.assert_page_is_clean()
