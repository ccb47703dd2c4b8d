"""The insights page shows the figures with their charts, and every table downloads as CSV."""

import csv
import io

import pytest

from tests.factories import SupervisorFactory
from tests.insights.known_data import build_known_data

pytestmark = pytest.mark.django_db
RANGE = {"start": "2026-03-02", "end": "2026-03-15"}


@pytest.fixture
def supervisor_client(client):
    client.force_login(SupervisorFactory())
    return client


def test_the_page_shows_charts_with_text_alternatives_and_the_figures(supervisor_client) -> None:
    build_known_data()
    page = supervisor_client.get("/insights/", RANGE).content.decode()
    assert page.count("<svg viewBox=") == 5
    assert '<title id="chart-volume-category-title">Cases received per week by category</title>' in page
    assert "Ada Lovelace" in page and "at most 72" in page
    assert "style=" not in page.split("<main", 1)[1]


def test_every_table_downloads_as_csv_with_the_same_numbers(supervisor_client) -> None:
    build_known_data()
    response = supervisor_client.get("/insights/export/volume-category.csv", RANGE)
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="insights-volume-category-2026-03-02-2026-03-15.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["week", "Deliveries", "Billing"], ["2026-03-02", "2", "1"], ["2026-03-09", "1", "0"]]
    for table in (
        "volume-channel",
        "outcomes",
        "root-causes",
        "times",
        "followups",
        "satisfaction",
        "compensation-kind",
        "compensation-category",
        "compensation-customers",
        "agents",
    ):
        assert supervisor_client.get(f"/insights/export/{table}.csv", RANGE).status_code == 200


def test_an_unknown_table_is_not_found(supervisor_client) -> None:
    assert supervisor_client.get("/insights/export/nothing.csv").status_code == 404


def test_a_team_filter_narrows_the_download_to_its_members_cases(supervisor_client) -> None:
    known = build_known_data()
    response = supervisor_client.get("/insights/export/volume-channel.csv", {**RANGE, "team": known.team.pk})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["week", "Phone", "Email"], ["2026-03-02", "2", "0"], ["2026-03-09", "0", "1"]]


def test_a_reversed_date_range_is_explained_and_the_default_shown(supervisor_client) -> None:
    response = supervisor_client.get("/insights/", {"start": "2026-03-15", "end": "2026-03-01"})
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
