"""Recurring problems: candidates, linking cases, the corrective action and the weeks around it;
lessons learned searched and linked."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from insights.errors import InsightsError
from insights.models import Problem
from insights.selectors.problems import (
    candidate_problems,
    lessons,
    similar_wording,
    suggested_cases,
    weekly_before_after,
)
from insights.services.problems import link_cases, link_lesson, open_problem, record_corrective_action
from insights.services.rollups import refresh_rollups
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    ComplaintFactory,
    ResolutionFactory,
    SupervisorFactory,
    root_cause,
)

pytestmark = pytest.mark.django_db
FIX = date(2026, 3, 2)  # a Monday


def _case_on(day: date, **fields):
    return ComplaintFactory(received_at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC), **fields)


def test_a_problem_shows_linked_complaints_per_week_before_and_after_its_fix() -> None:
    boss = SupervisorFactory()
    problem = open_problem(actor=boss, title="Parcels left in the rain")
    weeks_before = [3, 2, 4, 3]  # the four weeks before the fix
    weeks_after = [1, 0]
    cases = []
    for n, count in enumerate(weeks_before):
        cases += [_case_on(FIX - timedelta(weeks=4 - n)) for _ in range(count)]
    for n, count in enumerate(weeks_after):
        cases += [_case_on(FIX + timedelta(weeks=n, days=2)) for _ in range(count)]
    assert link_cases(actor=boss, problem=problem, references=[c.reference for c in cases]) == 13
    problem = record_corrective_action(actor=boss, problem=problem, action="Covered drop boxes", taken_on=FIX)

    weekly = weekly_before_after(problem, weeks=4)
    assert [(week, n, side) for week, n, side in weekly["series"]] == [
        (FIX - timedelta(weeks=4), 3, "before"),
        (FIX - timedelta(weeks=3), 2, "before"),
        (FIX - timedelta(weeks=2), 4, "before"),
        (FIX - timedelta(weeks=1), 3, "before"),
        (FIX, 1, "after"),
        (FIX + timedelta(weeks=1), 0, "after"),
        (FIX + timedelta(weeks=2), 0, "after"),
        (FIX + timedelta(weeks=3), 0, "after"),
    ]
    assert (weekly["before_average"], weekly["after_average"]) == (3.0, 0.25)
    assert problem.status == "fixed"


def test_the_problem_page_shows_the_averages_and_suggests_new_matching_cases(client) -> None:
    boss = SupervisorFactory()
    deliveries = CategoryFactory(name="Deliveries")
    problem = open_problem(actor=boss, title="Wet parcels", category=deliveries)
    linked, fresh = ComplaintFactory(category=deliveries), ComplaintFactory(category=deliveries)
    ComplaintFactory()  # another category: not suggested
    link_cases(actor=boss, problem=problem, references=[linked.reference])
    assert suggested_cases(problem) == [fresh]
    client.force_login(boss)
    page = client.get(f"/insights/problems/{problem.pk}/").content.decode()
    assert fresh.reference in page and "Link all suggested" in page


def test_linking_an_unknown_reference_links_nothing_and_says_which() -> None:
    boss = SupervisorFactory()
    problem = open_problem(actor=boss, title="Late refunds")
    known = ComplaintFactory()
    with pytest.raises(InsightsError, match="RD-1999-999999"):
        link_cases(actor=boss, problem=problem, references=[known.reference, "RD-1999-999999"])
    assert problem.links.count() == 0


def test_an_unknown_reference_typed_on_the_page_is_named_beside_the_field_and_kept(client) -> None:
    boss = SupervisorFactory()
    problem = open_problem(actor=boss, title="Late refunds")
    known = ComplaintFactory()
    client.force_login(boss)
    typed = f"{known.reference} RD-1999-999999"

    response = client.post(f"/insights/problems/{problem.pk}/link/", {"references": typed})

    page = response.content.decode()
    assert response.status_code == 400
    assert "No case with the reference RD-1999-999999" in page
    assert typed in page  # what was typed is still in the field
    assert problem.links.count() == 0


def test_a_corrective_action_without_its_date_comes_back_with_the_text_kept(client) -> None:
    boss = SupervisorFactory()
    problem = open_problem(actor=boss, title="Late refunds")
    client.force_login(boss)

    response = client.post(
        f"/insights/problems/{problem.pk}/action/",
        {"corrective_action": "Courier changed", "corrective_action_on": ""},
    )

    assert response.status_code == 400
    assert "Courier changed" in response.content.decode()
    problem.refresh_from_db()
    assert problem.corrective_action == ""


def test_an_agent_cannot_open_a_problem() -> None:
    with pytest.raises(InsightsError):
        open_problem(actor=AgentFactory(), title="Nope")


def test_posting_a_problem_through_the_page_needs_the_csrf_token(client) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(SupervisorFactory())
    assert strict.post("/insights/problems/new/", {"title": "X"}).status_code == 403
    assert not Problem.objects.exists()


@time_machine.travel(datetime(2026, 3, 20, 12, tzinfo=UTC), tick=False)
def test_candidate_problems_group_resolutions_by_category_product_and_root_cause_with_a_trend() -> None:
    deliveries = CategoryFactory(name="Deliveries")
    for days_ago in (1, 2, 3, 40):  # three in the last four weeks, one in the four before
        day = datetime(2026, 3, 20, 9, tzinfo=UTC) - timedelta(days=days_ago)
        ResolutionFactory(
            complaint=ComplaintFactory(category=deliveries),
            completed_at=day,
            root_cause=root_cause("delivery"),
        )
    ResolutionFactory(
        completed_at=datetime(2026, 3, 19, tzinfo=UTC), root_cause=root_cause("billing")
    )  # alone
    refresh_rollups(start=date(2026, 1, 1), end=date(2026, 3, 20))
    [candidate] = candidate_problems(today=date(2026, 3, 20))
    assert (candidate.category, candidate.root_cause, candidate.count) == ("Deliveries", "Delivery", 4)
    assert (candidate.first_seen, candidate.last_seen) == (date(2026, 2, 8), date(2026, 3, 19))
    assert (candidate.recent, candidate.before, candidate.trend) == (3, 1, "rising")


def test_cases_in_similar_words_are_grouped_by_trigram_similarity() -> None:
    a = ComplaintFactory(issue="Parcel left outside in the rain and soaked")
    b = ComplaintFactory(issue="Parcel left outside in the rain, soaked through")
    ComplaintFactory(issue="Charged twice for one monthly subscription")
    groups = similar_wording(today=date.today())
    assert [{c.pk for c in group} for group in groups] == [{a.pk, b.pk}]


def test_lessons_are_searched_by_every_word_and_linked_to_a_problem() -> None:
    boss = SupervisorFactory()
    kept = ResolutionFactory(lesson_learned="Check the courier's scan before promising a date.")
    ResolutionFactory(lesson_learned="Refund the fee at once.")
    ResolutionFactory(lesson_learned="")
    assert list(lessons(q="courier scan")) == [kept]
    assert len(lessons()) == 2
    problem = open_problem(actor=boss, title="Promised dates")
    link_lesson(actor=boss, problem=problem, resolution=kept)
    assert list(problem.lessons.all()) == [kept]
