"""Finding a case from what the caller says: their words, their name, their number, a reference."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Complaint
from complaints.selectors import search
from complaints.selectors.search import exact_references, phone_forms, search_cases
from complaints.services.case_work import add_note
from portal.baked import BakedReadError
from tests.factories import AgentFactory, CategoryFactory, ComplaintFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def found(query: str, region: str = "GB", cases=None) -> list[str]:
    cases = Complaint.objects.all() if cases is None else cases
    return [c.reference for c in search_cases(cases, query, region=region).cases]


@pytest.fixture
def okafor():
    customer = CustomerFactory(name="Chinwe Okafor", email="chinwe.okafor@example.com", phone="+12125550123")
    return ComplaintFactory(
        customer=customer, customer_words="My refunds were delayed for weeks and the bank ignored my letters."
    )


@pytest.fixture
def others():
    return [
        ComplaintFactory(
            customer=CustomerFactory(name="Fatima Ali", phone="+447700900555"),
            customer_words="The parcel arrived broken.",
        ),
        ComplaintFactory(
            customer=CustomerFactory(name="Lucas Martin"), customer_words="Nobody answers my emails."
        ),
    ]


def test_a_word_from_the_customers_own_text_finds_the_case(okafor, others) -> None:
    assert found("refund") == [okafor.reference]  # "refunds" in the text: words are stemmed
    assert found("ignored letters") == [okafor.reference]
    assert found("mortgage") == []


def test_a_word_from_an_internal_note_finds_the_case(okafor, others) -> None:
    add_note(complaint=others[1], actor=AgentFactory(), text="Customer mentioned an escrow shortfall.")
    assert found("escrow") == [others[1].reference]


def test_a_surname_finds_the_customers_cases_even_misspelt(okafor, others) -> None:
    assert found("Okafor") == [okafor.reference]
    assert found("okafr") == [okafor.reference]
    assert found("Chinwe Okafor") == [okafor.reference]


def test_a_word_in_many_cases_text_is_not_also_read_as_a_misspelt_name(okafor, others) -> None:
    for _ in range(search.FEW):
        ComplaintFactory(customer_words="The escrow account was wrong again.")
    with CaptureQueriesContext(connection) as queries:
        assert len(found("escrow")) == search.FEW
    assert not [q for q in queries.captured_queries if "WORD_SIMILARITY" in q["sql"]]
    with CaptureQueriesContext(connection) as queries:
        assert found("okafr") == [okafor.reference]  # few texts match: the name is read loosely
    assert [q for q in queries.captured_queries if "WORD_SIMILARITY" in q["sql"]]


def test_a_name_shared_by_as_many_customers_as_are_considered_looks_for_text_in_recent_cases_only(
    okafor, others, monkeypatch
) -> None:
    old = ComplaintFactory(
        received_at=timezone.now() - timedelta(days=800), customer_words="Mr Okafor from the branch was rude."
    )

    def text_windows() -> int:
        with CaptureQueriesContext(connection) as queries:
            found("Okafor")
        return len([q for q in queries.captured_queries if "ts_rank" in q["sql"]])

    assert text_windows() == 3  # one customer named so: every window of time is looked in
    assert old.reference in found("Okafor")
    monkeypatch.setattr(search, "CANDIDATES", 2)
    CustomerFactory(name="Ada Okafor")
    assert text_windows() == 1  # as many as are considered: their cases fill the pages shown


def test_an_email_or_part_of_one_finds_the_customer(okafor, others) -> None:
    assert found("CHINWE.OKAFOR@example.com") == [okafor.reference]
    assert found("chinwe.okafor@") == [okafor.reference]


def test_a_partial_reference_finds_the_case(okafor, others) -> None:
    year, number = okafor.reference.split("-")[1:]
    assert found(okafor.reference) == [okafor.reference]
    assert found(okafor.reference.lower()) == [okafor.reference]
    assert found(f"{year}-{int(number)}") == [okafor.reference]  # no prefix, no leading zeros
    assert found(number) == [okafor.reference]
    assert okafor.reference in found(okafor.reference[:-1])  # a reference cut short


def test_a_us_number_typed_without_the_country_code_finds_the_customer_when_the_region_is_us(
    okafor, others
) -> None:
    assert found("(212) 555-0123", region="US") == [okafor.reference]
    assert found("212.555.0123", region="US") == [okafor.reference]


def test_a_number_in_the_customers_own_national_form_finds_them_whatever_the_region(okafor, others) -> None:
    # A GB service: the caller reads their US number as they know it.
    assert found("212 555 0123", region="GB") == [okafor.reference]
    # And a GB customer's number in GB national form.
    assert found("07700 900555", region="GB") == [others[0].reference]


def test_a_reference_beats_a_name_and_a_name_beats_a_word(others) -> None:
    named = ComplaintFactory(customer=CustomerFactory(name="Grace Parcel"), customer_words="Card declined.")
    worded = others[0]  # "The parcel arrived broken."
    assert found("parcel") == [named.reference, worded.reference]
    numbered = ComplaintFactory(customer_words="Nothing to do with it.")
    assert found(numbered.reference)[0] == numbered.reference


def test_the_newest_case_comes_first_among_equal_matches() -> None:
    customer = CustomerFactory(name="Noah Okafor")
    now = timezone.now()
    older = ComplaintFactory(customer=customer, received_at=now - timedelta(days=3))
    newer = ComplaintFactory(customer=customer, received_at=now)
    assert found("Okafor") == [newer.reference, older.reference]


def test_search_keeps_to_the_filters_and_pages_by_key() -> None:
    billing, delivery = CategoryFactory(name="Billing"), CategoryFactory(name="Delivery")
    customer = CustomerFactory(name="Ada Okafor")
    now = timezone.now()
    mine = [
        ComplaintFactory(customer=customer, category=billing, received_at=now - timedelta(minutes=i))
        for i in range(30)
    ]
    ComplaintFactory(customer=customer, category=delivery)

    cases = Complaint.objects.filter(category=billing)
    first = search_cases(cases, "Okafor", region="GB", size=25)
    assert [c.reference for c in first.cases] == [c.reference for c in mine[:25]]
    assert first.next_cursor
    second = search_cases(cases, "Okafor", region="GB", size=25, cursor=first.next_cursor)
    assert [c.reference for c in second.cases] == [c.reference for c in mine[25:]]
    assert second.next_cursor is None


def test_a_search_costs_a_handful_of_queries_whatever_the_matches(okafor, others) -> None:
    for _ in range(5):
        ComplaintFactory(customer=okafor.customer, customer_words="Another refund complaint.")
    with CaptureQueriesContext(connection) as queries:
        assert len(found("Okafor refund")) >= 1
    # Customers as typed, customers named loosely (only when few were found), the cases of those
    # named by the whole query, the cases of those named by a word whose text has another word,
    # the text in up to three windows of time, then the rows shown.
    assert len(queries) <= 8


def test_the_embedded_default_finds_words_and_surnames_without_postgresql_search(okafor, others) -> None:
    add_note(complaint=others[1], actor=AgentFactory(), text="Escrow shortfall mentioned.")
    with mock.patch.object(search, "is_postgresql", return_value=False):
        assert found("refunds") == [okafor.reference]
        assert found("Okafor") == [okafor.reference]
        assert found("escrow") == [others[1].reference]
        assert found("212 555 0123") == [okafor.reference]
        assert found(okafor.reference[-6:]) == [okafor.reference]


def test_reference_forms_are_read_with_or_without_prefix_year_and_zeros() -> None:
    assert exact_references("RD-2024-000123") == ["RD-2024-000123"]
    assert exact_references("rd 2024 123") == ["RD-2024-000123"]
    assert "RD-2019-000123" in exact_references("123", today_year=2026)
    assert exact_references("refund") == []


def test_phone_forms_need_enough_digits_and_nothing_but_phone_characters() -> None:
    assert phone_forms("(212) 555-0123", "US") == ("+12125550123", "2125550123")
    assert phone_forms("020 7946 0321", "GB") == ("+442079460321", "2079460321")
    assert phone_forms("12345", "GB") == (None, None)
    assert phone_forms("flat 12, 555 road", "GB") == (None, None)


def test_editing_the_text_keeps_the_notes_searchable(okafor) -> None:
    add_note(complaint=okafor, actor=AgentFactory(), text="Promised a callback about the overdraft.")
    Complaint.objects.filter(pk=okafor.pk).update(summary="Refund delayed.")
    assert found("overdraft") == [okafor.reference]
    assert found("delayed") == [okafor.reference]


def test_a_name_and_a_word_find_that_customers_case_about_it(okafor, others) -> None:
    other_case = ComplaintFactory(customer=okafor.customer, customer_words="The app logs me out.")
    assert found("Okafor refund") == [okafor.reference]
    assert other_case.reference not in found("okafor refund")


def test_a_word_that_is_also_a_surname_does_not_bring_that_name_to_the_top() -> None:
    ComplaintFactory(customer=CustomerFactory(name="Grace Price"), customer_words="Card declined abroad.")
    worded = ComplaintFactory(customer_words="An unexpected price increase on my plan.")
    assert found("price increase") == [worded.reference]


def test_wildcards_typed_in_a_name_are_taken_literally() -> None:
    ComplaintFactory(customer=CustomerFactory(name="Anna Bell"))
    assert found("an_a") == []
    assert found("%") == []


def test_a_search_over_unfiltered_cases_is_compiled_once_for_its_shape_and_checked(okafor, others) -> None:
    shape = ("cases", "the service team")
    every = Complaint.objects.all()
    assert [c.reference for c in search_cases(every, "Okafor", region="GB", shape=shape).cases] == [
        okafor.reference
    ]
    assert [c.reference for c in search_cases(every, "parcel", region="GB", shape=shape).cases] == [
        others[0].reference
    ]
    # Cases narrowed by a filter's value do not have that shape: the tests' check refuses them
    # (`BAKED_READS_CHECKED`) rather than read with another list's statement.
    narrowed = Complaint.objects.filter(category_id=okafor.category_id)
    with pytest.raises(BakedReadError):
        search_cases(narrowed, "Okafor", region="GB", shape=shape)
