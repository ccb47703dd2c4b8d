"""The newest cases with a word, read through the periods each case's document names (PostgreSQL)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Complaint
from complaints.selectors.search import search_cases
from complaints.selectors.text_search import (
    DAY,
    FOUR_WEEKS,
    WEEK,
    first_window,
    newest_matches,
    period_lexemes,
    wider_window,
)
from portal.baked import Over
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def _document_has(case: Complaint, lexeme: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_document @@ %s::tsquery FROM complaints_complaint WHERE id = %s",
            [f"'{lexeme}'", case.pk],
        )
        return bool(cursor.fetchone()[0])


def _newest(text: str, limit: int) -> tuple[list[int], int]:
    with CaptureQueriesContext(connection) as queries:
        found = newest_matches(Over(Complaint.objects.all()), text, limit=limit)
    return [pk for pk, _, _ in found], len(queries)


@pytest.mark.parametrize(
    "instant",
    [
        datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 12, 1, 0, 0, 0, tzinfo=UTC),
        datetime(1969, 12, 31, 12, 0, tzinfo=UTC),  # before 1970: periods count down too
    ],
)
def test_the_database_and_the_search_name_the_same_periods(instant) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(complaints_case_periods(%s))", [instant])
        in_database = set(cursor.fetchone()[0])
    in_python = {period_lexemes(instant, instant, length)[0] for length in (DAY, WEEK, FOUR_WEEKS)}
    assert in_database == in_python


def test_a_case_document_names_the_periods_it_was_received_in_and_follows_a_correction() -> None:
    received = timezone.now() - timedelta(days=40)
    case = ComplaintFactory(received_at=received, customer_words="The escrow was short.")
    (day,) = period_lexemes(received, received, DAY)
    assert _document_has(case, day)
    corrected = received - timedelta(days=3)
    Complaint.objects.filter(pk=case.pk).update(received_at=corrected)
    assert not _document_has(case, day)
    assert _document_has(case, period_lexemes(corrected, corrected, DAY)[0])
    assert _document_has(case, "escrow")  # the words stay


def test_a_word_typed_like_a_period_matches_no_period() -> None:
    received = timezone.now()
    ComplaintFactory(received_at=received, customer_words="Nothing about dates.")
    (day,) = period_lexemes(received, received, DAY)
    assert search_cases(Complaint.objects.all(), day, region="GB").cases == []
    assert search_cases(Complaint.objects.all(), day.lstrip("~"), region="GB").cases == []


def test_a_common_word_is_read_from_today_alone_when_it_holds_enough() -> None:
    now = timezone.now()
    _, covered = first_window(now)
    # Within the first window whatever the time of day: it covers at least the last 12 hours.
    today = [
        ComplaintFactory(received_at=now - covered * i / 4, customer_words="Escrow again.") for i in range(3)
    ]
    ComplaintFactory(received_at=now - timedelta(days=9), customer_words="Escrow, older.")
    found, statements = _newest("escrow", limit=2)
    assert found == [today[0].pk, today[1].pk]
    assert statements == 1


def test_a_word_seen_a_little_today_is_next_read_from_a_wider_window_and_all_its_newest_come_back() -> None:
    now = timezone.now()
    recent = [
        ComplaintFactory(received_at=now - timedelta(days=d, hours=1), customer_words="An escrow shortfall.")
        for d in (0, 2, 4)
    ]
    ComplaintFactory(received_at=now - timedelta(days=200), customer_words="An old escrow question.")
    with CaptureQueriesContext(connection) as queries:
        found = newest_matches(Over(Complaint.objects.all()), "escrow", limit=3)
    assert [pk for pk, _, _ in found] == [c.pk for c in recent]
    assert 2 <= len(queries) <= 3
    today, wider = (q["sql"] for q in queries.captured_queries[:2])
    assert "'~d " in wider  # read by its days, not at any time
    assert wider.count("'~d ") > today.count("'~d ")  # more of them than today


def test_the_first_window_is_today_and_yesterday_too_while_today_is_young() -> None:
    afternoon = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    lexemes, covered = first_window(afternoon)
    assert lexemes == period_lexemes(afternoon, afternoon, DAY)
    assert covered == timedelta(hours=15)
    early = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    lexemes, covered = first_window(early)
    assert lexemes == period_lexemes(early - timedelta(days=1), early, DAY)
    assert len(lexemes) == 2
    assert covered == timedelta(hours=27)


def test_a_wider_window_spans_what_the_rate_seen_says_in_few_periods() -> None:
    now = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    # 20 in 10 hours, 100 wanted: 50 hours, with half again for the guess: days.
    days = wider_window(now, seen=20, covered=timedelta(hours=10), limit=100)
    assert days == period_lexemes(now - timedelta(hours=75), now, DAY)
    # None in 12 hours: at most one in 12 hours, three times over: 150 days, in four-week periods.
    months = wider_window(now, seen=0, covered=timedelta(hours=12), limit=100)
    assert months == period_lexemes(now - timedelta(days=150), now, FOUR_WEEKS)
    # 5 in 10 hours, 100 wanted, three times over: 25 days, in weeks.
    weeks = wider_window(now, seen=5, covered=timedelta(hours=10), limit=100)
    assert weeks == period_lexemes(now - timedelta(days=25), now, WEEK)
    # Further than two years back: any time.
    assert wider_window(now, seen=0, covered=timedelta(days=3), limit=100) is None


def test_a_word_found_only_long_ago_is_still_found_in_three_statements_at_most() -> None:
    old = ComplaintFactory(
        received_at=timezone.now() - timedelta(days=900), customer_words="A chargeback nobody answered."
    )
    ComplaintFactory(customer_words="Something else entirely.")
    found, statements = _newest("chargeback", limit=100)
    assert found == [old.pk]
    assert statements == 3


def test_the_newest_matches_come_first_with_their_rank() -> None:
    now = timezone.now()
    older = ComplaintFactory(received_at=now - timedelta(days=20), customer_words="Refund refund refund.")
    newer = ComplaintFactory(received_at=now - timedelta(days=1), customer_words="A refund.")
    found = newest_matches(Over(Complaint.objects.all()), "refund", limit=10)
    assert [pk for pk, _, _ in found] == [newer.pk, older.pk]
    ranks = {pk: rank for pk, _, rank in found}
    assert ranks[older.pk] > ranks[newer.pk]  # said three times: the better match
