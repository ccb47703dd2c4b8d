"""Headless Chromium (Debian's chromium and chromedriver) driven by Selenium, with axe-core."""

import json
import re
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
AXE = (ROOT / "tests" / "browser" / "vendor" / "axe.min.js").read_text(encoding="utf-8")
SCREENSHOTS = ROOT / "var" / "test-artifacts" / "screenshots"


def make_driver() -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        # Bootstrap scrolls smoothly unless motion is reduced; a click mid-scroll misses its target.
        "--force-prefers-reduced-motion",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    driver.implicitly_wait(0)
    return driver


# What asking about a page that is being replaced may raise: a stale element, or (Chromium 156)
# "unhandled inspector error: Node with given id does not belong to the document". A wait asks
# again; it still fails with its own message when the time is up.
PAGE_REPLACED = (StaleElementReferenceException, WebDriverException)


class Browser:
    def __init__(self, driver: WebDriver, base_url: str, *, name: str) -> None:
        self.driver = driver
        self.base_url = base_url
        self.name = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:100]
        self.driver.get_log("browser")  # discard what an earlier test left

    def visit(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def find(self, css: str, *, timeout: float = 10) -> WebElement:
        return WebDriverWait(self.driver, timeout, ignored_exceptions=PAGE_REPLACED).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
        )

    def field(self, label: str) -> WebElement:
        """The form control labelled `label`: tests find fields the way a person reads them."""
        label_el = self.driver.find_element(By.XPATH, f"//label[normalize-space(.)={json.dumps(label)}]")
        return self.driver.find_element(By.ID, label_el.get_attribute("for") or "")

    def fill(self, label: str, value: str) -> None:
        element = self.field(label)
        element.clear()
        element.send_keys(value)

    def select(self, label: str, visible_text: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.field(label)).select_by_visible_text(visible_text)

    def click_button(self, text: str) -> None:
        quoted = json.dumps(text)
        xpath = f"//button[normalize-space(.)={quoted}] | //input[@type='submit' and @value={quoted}]"
        button = self.driver.find_element(By.XPATH, xpath)
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", button
        )
        button.click()

    def submit_and_wait(self, text: str) -> None:
        """Click a form's button and wait for the answer to the POST (the next page, or the form
        again with its errors): a new document, which has not the mark set on this one."""
        self.driver.execute_script("window.formPage = true;")
        self.click_button(text)
        WebDriverWait(self.driver, 15, ignored_exceptions=PAGE_REPLACED).until(
            lambda d: d.execute_script("return window.formPage === undefined;"),
            message=f"the form's {text!r} was never answered",
        )

    def click_link(self, text: str) -> None:
        link = self.driver.find_element(By.XPATH, f"//a[normalize-space(.)={json.dumps(text)}]")
        link.click()

    def text(self) -> str:
        found: str = WebDriverWait(self.driver, 10, ignored_exceptions=PAGE_REPLACED).until(
            lambda d: d.find_element(By.TAG_NAME, "body").text, message="the page has no text"
        )
        return found

    def wait_for_text(self, text: str, *, timeout: float = 15) -> None:
        # The page may be replaced between finding <body> and reading it: try again, not fail.
        WebDriverWait(self.driver, timeout, ignored_exceptions=PAGE_REPLACED).until(
            lambda d: text in d.find_element(By.TAG_NAME, "body").text,
            message=f"{text!r} never appeared on {self.driver.current_url}",
        )

    def login(self, username: str, password: str) -> None:
        self.visit("/accounts/login/")
        self.fill("Username*", username)
        self.fill("Password*", password)
        # A visit made before the answer arrives is overtaken by the login's redirect.
        self.submit_and_wait("Log in")
        self.find("main")

    def axe_violations(self) -> list[dict[str, Any]]:
        """Serious and critical axe-core findings on the current page."""
        self.driver.execute_script(AXE)
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations))"
            ".catch(e => done([{id: 'axe-error', impact: 'critical', description: String(e)}]));"
        )
        return [v for v in result if v.get("impact") in ("serious", "critical")]

    def console_errors(self) -> list[str]:
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def assert_page_is_clean(self) -> None:
        """No serious or critical accessibility finding and no JavaScript error on this page."""
        violations = self.axe_violations()
        assert not violations, json.dumps(
            [
                {
                    "id": v["id"],
                    "help": v.get("help"),
                    "nodes": [n["target"] for n in v.get("nodes", [])],
                }
                for v in violations
            ],
            indent=1,
        )
        errors = self.console_errors()
        assert not errors, errors

    def screenshot(self, label: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.name}-{label}.png"
        self.driver.save_screenshot(str(path))
        return path
