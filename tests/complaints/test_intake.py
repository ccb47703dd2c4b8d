"""An agent takes a phone complaint: find or create the customer, record the complaint."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.errors import DuplicateComplaint
from complaints.models import Complaint, Customer, Emotion, EventKind, Source, Status
from complaints.services.intake import submit_complaint
from tests.factories import CategoryFactory, ComplaintFactory, CustomerFactory, channel, severity

pytestmark = pytest.mark.django_db


def complaint_post(category, **overrides) -> dict:
    data = {
        "channel": channel("phone").pk,
        "category": category.pk,
        "order_reference": "ORD-991",
        "customer_words": "My washing machine leaked twice and the engineer never came.",
        "summary": "Leaking washer, engineer visit missed twice.",
        "summary_confirmed": "on",
        "severity": severity("high").pk,
        "desired_outcome": "A replacement machine.",
        "take_ownership": "on",
    }
    data.update(overrides)
    return data


def test_the_agent_finds_a_customer_by_name_email_phone_or_earlier_reference(agent_client) -> None:
    maria = CustomerFactory(name="Maria Garcia", email="Maria.Garcia@example.com", phone="+447700900123")
    CustomerFactory(name="Mark Twain", email="mark@example.com")
    earlier = ComplaintFactory(customer=maria)

    for query in ["mar", "maria.garcia@EXAMPLE.com", "07700 900123", earlier.reference.lower()]:
        page = agent_client.get("/intake/", {"q": query}).content.decode()
        assert "Take complaint for Maria Garcia" in page, query
    assert "Mark Twain" not in agent_client.get("/intake/", {"q": "maria"}).content.decode()
    assert "Nobody matches" in agent_client.get("/intake/", {"q": "zzz"}).content.decode()


def test_the_customer_page_shows_earlier_complaints_and_recognises_a_repeat_complainer(agent_client) -> None:
    customer = CustomerFactory(name="Chen Wei")
    earlier = ComplaintFactory(customer=customer, status=Status.CLOSED, compensation_given=True)

    page = agent_client.get(f"/intake/customers/{customer.pk}/").content.decode()

    assert "Repeat complainer: 1 earlier" in page
    assert earlier.reference in page
    assert "compensated" in page


def test_an_agent_records_a_complaint_for_a_known_customer_and_owns_it(agent_client, agent) -> None:
    customer = CustomerFactory()
    category = CategoryFactory(name="Appliances")

    response = agent_client.post(f"/intake/customers/{customer.pk}/", complaint_post(category))

    complaint = Complaint.objects.get(customer=customer)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{complaint.reference}/"
    assert complaint.owner == agent
    assert complaint.created_by == agent
    assert complaint.source == Source.AGENT
    assert complaint.summary_confirmed is True
    assert complaint.order_reference == "ORD-991"
    assert complaint.first_response_due_at is not None
    page = agent_client.get(response["Location"]).content.decode()
    assert f"Read the reference to the customer: {complaint.reference}" in page
    assert list(complaint.events.values_list("kind", flat=True)) == [EventKind.CREATED]


def test_a_case_may_be_left_unowned_for_anyone_to_claim(agent_client) -> None:
    customer = CustomerFactory()
    data = complaint_post(CategoryFactory())
    del data["take_ownership"]

    agent_client.post(f"/intake/customers/{customer.pk}/", data)

    assert Complaint.objects.get(customer=customer).owner is None


def test_an_open_case_in_the_same_category_is_pointed_out_before_a_duplicate_is_made(agent_client) -> None:
    customer = CustomerFactory(name="Aisha Khan")
    category = CategoryFactory(name="Billing")
    existing = ComplaintFactory(customer=customer, category=category, status=Status.INVESTIGATING)
    data = complaint_post(category, customer_words="Charged twice again")

    response = agent_client.post(f"/intake/customers/{customer.pk}/", data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "already has an open Billing case" in page and existing.reference in page
    assert "Charged twice again" in page  # nothing typed is lost
    assert Complaint.objects.filter(customer=customer).count() == 1

    response = agent_client.post(f"/intake/customers/{customer.pk}/", {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Complaint.objects.filter(customer=customer).count() == 2


def test_a_closed_case_or_another_category_is_no_duplicate() -> None:
    customer = CustomerFactory()
    category = CategoryFactory()
    ComplaintFactory(customer=customer, category=category, status=Status.CLOSED)
    ComplaintFactory(customer=customer, status=Status.NEW)

    complaint = submit_complaint(
        customer=customer,
        channel=channel(),
        category=category,
        severity=severity(),
        customer_words="Again.",
        refuse_duplicate=True,
    )
    assert complaint.pk
    with pytest.raises(DuplicateComplaint):
        submit_complaint(
            customer=customer,
            channel=channel(),
            category=category,
            severity=severity(),
            customer_words="And again.",
            refuse_duplicate=True,
        )


def test_a_new_customer_and_their_complaint_are_recorded_in_one_submit(agent_client) -> None:
    category = CategoryFactory()
    data = {
        "customer-name": "Kwame Mensah",
        "customer-email": "kwame@example.com",
        "customer-phone": "020 7946 0018",
        "customer-preferred_channel": "phone",
        "customer-time_zone": "Africa/Accra",
        **complaint_post(category),
    }

    response = agent_client.post("/intake/new/", data)

    assert response.status_code == 302
    customer = Customer.objects.get(name="Kwame Mensah")
    assert str(customer.phone) == "+442079460018"
    assert str(customer.time_zone) == "Africa/Accra"
    assert customer.complaints.count() == 1


def test_invalid_email_and_phone_are_refused_beside_the_field_and_nothing_is_lost(agent_client) -> None:
    category = CategoryFactory()
    data = {
        "customer-name": "Olivia Brown",
        "customer-email": "olivia-at-example",
        "customer-phone": "12",
        "customer-preferred_channel": "email",
        "customer-time_zone": "Europe/London",
        **complaint_post(category, customer_words="<script>alert(1)</script> broken kettle"),
    }

    response = agent_client.post("/intake/new/", data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in page
    assert "Enter a valid phone number" in page
    assert 'value="Olivia Brown"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; broken kettle" in page
    assert "<script>alert(1)</script>" not in page
    assert not Customer.objects.filter(name="Olivia Brown").exists()


def test_a_known_email_on_a_new_customer_points_to_the_existing_customer(agent_client) -> None:
    known = CustomerFactory(name="Sofia Rossi", email="sofia@example.com")
    data = {
        "customer-name": "Sofia R.",
        "customer-email": "SOFIA@example.com",
        "customer-preferred_channel": "email",
        "customer-time_zone": "Europe/Rome",
        **complaint_post(CategoryFactory()),
    }

    page = agent_client.post("/intake/new/", data).content.decode()

    assert "Sofia Rossi already has this email" in page
    assert f"/intake/customers/{known.pk}/" in page
    assert Customer.objects.count() == 1


def test_lengths_are_bounded(agent_client) -> None:
    customer = CustomerFactory()
    data = complaint_post(CategoryFactory(), summary="x" * 5_001)

    response = agent_client.post(f"/intake/customers/{customer.pk}/", data)

    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters" in response.content.decode()


def test_the_public_form_records_through_the_same_service_without_an_owner() -> None:
    complaint = submit_complaint(
        customer=CustomerFactory(),
        channel=channel("web"),
        category=CategoryFactory(),
        severity=severity("low"),
        customer_words="Website order never arrived.",
        source=Source.PUBLIC_FORM,
    )
    assert complaint.owner is None
    assert complaint.events.get().actor_label == "Public web form"
    assert complaint.resolution_due_at is not None


def test_intake_is_for_agents_only(client, db) -> None:
    from tests.factories import UserFactory

    assert client.get("/intake/")["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())
    assert client.get("/intake/").status_code == 403
    assert client.post(f"/intake/customers/{CustomerFactory().pk}/", {}).status_code == 403


def test_recording_a_complaint_costs_a_bounded_number_of_queries(agent_client) -> None:
    customer = CustomerFactory()
    category = CategoryFactory()
    for _ in range(30):
        ComplaintFactory(customer=customer)
    # Medium counts business hours: the costliest path (opening hours and holidays are read too).
    data = complaint_post(category, emotion=Emotion.objects.first().pk, severity=severity("medium").pk)

    with CaptureQueriesContext(connection) as queries:
        response = agent_client.post(f"/intake/customers/{customer.pk}/", data)

    assert response.status_code == 302
    # The test's own transaction turns the service's BEGIN/COMMIT into SAVEPOINT statements.
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= 14, "\n".join(statements)
    assert not any("COUNT(" in q["sql"].upper() for q in queries)
