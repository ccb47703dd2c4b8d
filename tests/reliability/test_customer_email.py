"""One customer per email address, even when two submissions arrive at the same moment."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from complaints.errors import CustomerExists
from complaints.models import Customer
from complaints.public.services import find_or_create_customer, submit_public_complaint
from complaints.services.intake import create_customer, find_customers
from tests.factories import CustomerFactory, public_category
from tests.support.concurrency import run_at_once


@pytest.mark.django_db
def test_the_database_refuses_a_second_customer_with_the_same_email_in_another_case() -> None:
    CustomerFactory(email="dana@example.com")

    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(name="Dana O.", email="DANA@example.com")


@pytest.mark.django_db
def test_customers_without_email_are_not_constrained() -> None:
    CustomerFactory(email="", phone="+447700900001")
    CustomerFactory(email="", phone="+447700900002")

    assert Customer.objects.filter(email="").count() == 2
    assert Customer.objects.get_by_email("") is None


@pytest.mark.django_db
def test_the_email_lookup_ignores_case_and_surrounding_spaces() -> None:
    dana = CustomerFactory(email="Dana@Example.com")

    assert Customer.objects.get_by_email("  dana@EXAMPLE.com ") == dana
    assert list(find_customers(query="DANA@example.com", region="GB")) == [dana]


@pytest.mark.django_db
def test_the_email_lookup_is_answered_by_the_unique_index() -> None:
    CustomerFactory.create_batch(3)
    query = Customer.objects.with_email("dana@example.com")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()

    assert "customer_email_unique_ci" in plan


@pytest.mark.django_db
def test_an_agent_recording_a_customer_another_just_recorded_is_pointed_to_them() -> None:
    # The form's own check passed a moment earlier; the other record arrived in between.
    dana = CustomerFactory(name="Dana Okafor", email="dana@example.com")

    with pytest.raises(CustomerExists) as refused:
        create_customer(name="Dana Okafor", email="Dana@example.com")

    assert refused.value.existing == dana
    assert Customer.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_submission_that_loses_the_race_for_a_new_email_reuses_the_winners_customer() -> None:
    first_inserted, first_may_commit = threading.Event(), threading.Event()

    def first() -> Customer:
        with transaction.atomic():
            customer = find_or_create_customer(name="Dana Okafor", email="dana@example.com")
            first_inserted.set()
            # Still uncommitted: the second request looks the email up now and finds nobody.
            first_may_commit.wait(timeout=10)
        return customer

    def second() -> Customer:
        first_inserted.wait(timeout=10)
        with transaction.atomic():
            threading.Timer(0.5, first_may_commit.set).start()
            return find_or_create_customer(name="Dana O.", email="DANA@example.com", phone="+447700900123")

    winner, loser = run_at_once(first, second)

    assert isinstance(winner, Customer), winner
    assert isinstance(loser, Customer), loser
    assert loser.pk == winner.pk
    assert Customer.objects.count() == 1
    assert str(Customer.objects.get().phone) == "+447700900123"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_public_complaints_at_once_from_one_address_belong_to_one_customer() -> None:
    category = public_category()

    def submit() -> object:
        return submit_public_complaint(
            name="Dana Okafor",
            email="dana@example.com",
            category=category,
            customer_words="The kettle arrived broken.",
            desired_outcome="A new kettle.",
        )

    results = run_at_once(submit, submit, submit)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert Customer.objects.filter(email__iexact="dana@example.com").count() == 1
    assert Customer.objects.get().complaints.count() == 3
