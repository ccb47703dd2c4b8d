"""In a real browser: a supervisor reads the insights page with its charts and downloads a table."""

import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from tests.factories import SupervisorFactory
from tests.insights.known_data import build_known_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _downloaded(folder: Path, name: str, timeout: float = 15) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        path = folder / name
        if path.exists() and path.stat().st_size:
            return path
        time.sleep(0.2)
    raise AssertionError(f"{name} was not downloaded; found {sorted(p.name for p in folder.iterdir())}")


def test_a_supervisor_sees_the_charts_and_downloads_a_table_as_csv(browser, tmp_path) -> None:
    build_known_data()
    SupervisorFactory(username="sam")
    browser.login("sam", "correct horse battery")
    browser.click_link("Insights")
    browser.wait_for_text("Insights")
    browser.fill("From", "03/02/2026")
    browser.fill("To", "03/15/2026")
    browser.click_button("Show")
    browser.wait_for_text("From 2 Mar 2026 to 15 Mar 2026")

    charts = browser.driver.find_elements(By.CSS_SELECTOR, "main svg[role=img]")
    assert len(charts) == 5
    bars = browser.driver.find_elements(By.CSS_SELECTOR, "#chart-volume-category-title ~ rect")
    assert len(bars) == 3  # Deliveries and Billing in the first week, Deliveries in the second
    assert all(float(bar.get_attribute("height")) > 0 for bar in bars)
    assert charts[0].size["height"] > 150  # drawn to scale, not collapsed
    browser.assert_page_is_clean()
    browser.screenshot("insights-page")

    browser.driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    link = browser.driver.find_element(By.CSS_SELECTOR, "a[href^='/insights/export/volume-category.csv']")
    browser.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", link
    )
    link.click()
    csv_file = _downloaded(tmp_path, "insights-volume-category-2026-03-02-2026-03-15.csv")
    assert csv_file.read_text().splitlines() == [
        "week,Deliveries,Billing",
        "2026-03-02,2,1",
        "2026-03-09,1,0",
    ]
    assert not browser.console_errors()
