"""Each figure of the insights page on known data, worked out by hand (see known_data.py)."""

from datetime import date
from decimal import Decimal

import pytest

from insights.selectors import compensation, figures
from insights.selectors.filters import Filters, percentile_hours
from tests.insights.known_data import WEEK_1, WEEK_2, build_known_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def known():
    return build_known_data()


def test_volume_is_counted_per_week_with_sub_categories_under_their_parent(known) -> None:
    series = figures.volume_by_category(known.filters)
    assert series.weeks == [WEEK_1, WEEK_2]
    assert series.labels == ["Deliveries", "Billing"]
    assert series.rows() == [[WEEK_1, 2, 1], [WEEK_2, 1, 0]]


def test_volume_is_counted_per_week_and_channel(known) -> None:
    series = figures.volume_by_channel(known.filters)
    assert series.labels == ["Email", "Phone"]
    assert series.rows() == [[WEEK_1, 1, 2], [WEEK_2, 1, 0]]


def test_a_category_filter_takes_its_sub_categories_and_a_team_filter_its_members_cases(known) -> None:
    deliveries = Filters(start=known.filters.start, end=known.filters.end, category=known.deliveries)
    assert figures.volume_by_category(deliveries).totals() == {"Deliveries": 3}
    team = Filters(start=known.filters.start, end=known.filters.end, team=known.team)
    assert figures.volume_by_channel(team).totals() == {"Phone": 2, "Email": 1}


def test_first_response_median_p90_and_share_within_target(known) -> None:
    first, _ = figures.response_times(known.filters)
    # Waits of 1 h, 3 h, 10 h and 1 h: buckets ≤1 h (2), ≤4 h (1), ≤12 h (1).
    assert (first.count, first.median_hours, first.p90_hours) == (4, 1, 12)
    # A and B answered before their due time, C after it; D had no target.
    assert (first.with_target, first.within_target, first.within_share) == (3, 2, 66.7)


def test_resolution_median_p90_and_share_within_target(known) -> None:
    _, resolution = figures.response_times(known.filters)
    # 20 h, 60 h and 100 h: buckets ≤24 h, ≤72 h, ≤120 h.
    assert (resolution.count, resolution.median_hours, resolution.p90_hours) == (3, 72, 120)
    assert (resolution.with_target, resolution.within_target, resolution.within_share) == (2, 1, 50.0)


def test_follow_up_outcomes_count_answers_satisfaction_reopenings_timeliness_and_failures(known) -> None:
    outcomes = figures.followup_outcomes(known.filters)
    assert (outcomes.sent, outcomes.on_time, outcomes.on_time_share) == (3, 2, 66.7)
    assert outcomes.failed == 1
    assert (outcomes.answered, outcomes.confirmed_share, outcomes.reopen_rate) == (3, 66.7, 33.3)
    assert outcomes.distribution == [0, 1, 0, 1, 1]
    assert outcomes.satisfaction_average == 3.67


def test_satisfaction_is_averaged_per_week(known) -> None:
    # All three answers came in the first week (the call on its Sunday).
    assert figures.satisfaction_by_week(known.filters) == [(WEEK_1, 3.67, 3), (WEEK_2, None, 0)]


def test_root_causes_are_counted_per_week_most_frequent_first(known) -> None:
    series = figures.root_causes(known.filters)
    assert series.labels == ["Delivery", "Billing"]
    assert series.rows() == [[WEEK_1, 2, 1], [WEEK_2, 0, 0]]  # all three resolved in the first week


def test_outcomes_count_the_cases_received_by_status(known) -> None:
    assert figures.outcomes(known.filters) == [("Resolved", 3), ("Investigating", 1)]


def test_each_agent_has_cases_handled_median_time_satisfaction_and_checklist_adherence(known) -> None:
    rows = {row.name: row for row in figures.agents(known.filters)}
    ada, bob = rows["Ada Lovelace"], rows["Bob Hope"]
    assert (ada.handled, ada.median_hours, ada.checklist_share) == (2, 24, 50.0)
    assert (ada.satisfaction, ada.answers) == (3.67, 3)
    assert (bob.handled, bob.median_hours, bob.checklist_share, bob.satisfaction) == (1, 120, 100.0, None)
    team = Filters(start=known.filters.start, end=known.filters.end, team=known.team)
    assert [row.name for row in figures.agents(team)] == ["Ada Lovelace"]


def test_compensation_is_spent_by_kind_and_category_against_the_budget(known) -> None:
    by_kind = [(r["kind__name"], r["spent"], r["grants"]) for r in compensation.spend_by_kind(known.filters)]
    assert by_kind == [("Discount", Decimal("100.00"), 1), ("Refund", Decimal("50.00"), 2)]
    by_category = [
        (r.category, r.spent, r.budget, r.used_share) for r in compensation.spend_by_category(known.filters)
    ]
    assert by_category == [
        ("Billing", Decimal("100.00"), Decimal("5000.00"), 2.0),
        ("Deliveries", Decimal("50.00"), Decimal("5000.00"), 1.0),
    ]


def test_the_customers_who_received_the_most_are_listed_first(known) -> None:
    extremes = compensation.customer_extremes(known.filters)
    assert extremes["customers"] == 2
    assert [(r["complaint__customer__name"], r["total"], r["largest"]) for r in extremes["top"]] == [
        ("Alan Turing", Decimal("100.00"), Decimal("100.00")),
        ("Grace Hopper", Decimal("50.00"), Decimal("30.00")),
    ]


def test_nothing_outside_the_dates_is_counted(known) -> None:
    later = Filters(start=date(2026, 3, 16), end=date(2026, 3, 20))
    assert figures.volume_by_category(later).totals() == {}
    assert figures.response_times(later)[0].median_hours is None


@pytest.mark.parametrize(
    ("buckets", "share", "hours"),
    [
        ([1, 0, 0], 0.5, 1),
        ([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0.5, 1),
        ([0] * 12 + [3], 0.9, -1),
        ([0] * 13, 0.5, None),
    ],
)
def test_a_percentile_is_the_upper_bound_of_the_bucket_holding_its_rank(buckets, share, hours) -> None:
    assert percentile_hours(buckets, share) == hours
