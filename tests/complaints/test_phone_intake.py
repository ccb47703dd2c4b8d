"""A phone number typed in the intake search goes into the new customer's Phone field, the time
zone follows the phone's country, and the numbers the intake guide shows are accepted."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from complaints.forms.intake import CustomerForm
from complaints.phones import zone_for_phone
from complaints.views.intake import new_customer_fields

pytestmark = pytest.mark.django_db
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "intake.md"


def guide_phone_examples() -> list[str]:
    sentence = GUIDE.read_text(encoding="utf-8").split("phone examples:", 1)[1].split(")", 1)[0]
    return re.findall(r"`([^`]+)`", sentence)


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ("020 7946 0123", "phone"),
        ("+1 (212) 555-0123", "phone"),
        ("chinwe@example.com", "email"),
        ("Okafor", "name"),
        ("RD-2026-000123", "name"),
    ],
)
def test_what_was_searched_goes_into_the_field_it_belongs_in(typed, field) -> None:
    assert new_customer_fields(typed) == {field: typed}


def test_a_phone_number_searched_for_opens_the_new_customer_form_with_it_in_phone_and_its_zone(
    agent_client,
) -> None:
    search = agent_client.get(reverse("complaints:intake"), {"q": "+1 212 555 0123"}).content.decode()
    link = re.search(r'href="(/intake/new/[^"]*)"', search)
    assert link is not None and "phone=" in link.group(1) and "name=" not in link.group(1)

    page = agent_client.get(link.group(1).replace("&amp;", "&")).content.decode()

    assert re.search(r'name="customer-phone"[^>]*value="\+1 212 555 0123"', page)
    assert not re.search(r'name="customer-name"[^>]*value="\+1', page)
    assert '<option value="America/New_York" selected>' in page


@pytest.mark.parametrize(
    ("phone", "zone"),
    [
        ("020 7946 0123", "Europe/London"),
        ("+1 212 555 0123", "America/New_York"),
        ("+33 1 23 45 67 89", "Europe/Paris"),
    ],
)
def test_the_time_zone_follows_the_phones_country(phone, zone) -> None:
    assert zone_for_phone(phone, "GB") == zone


def test_a_new_customer_left_on_from_the_phone_number_gets_the_phones_zone(agent_client) -> None:
    form = CustomerForm(
        data={
            "name": "Dana Rivers",
            "phone": "+1 212 555 0123",
            "preferred_channel": "phone",
            "time_zone": "",
        }
    )
    assert form.is_valid(), form.errors
    assert str(form.cleaned_data["time_zone"]) == "America/New_York"


@pytest.mark.parametrize("example", guide_phone_examples())
def test_every_phone_number_the_intake_guide_shows_is_accepted(example) -> None:
    form = CustomerForm(
        data={"name": "Guide Example", "phone": example, "preferred_channel": "phone", "time_zone": ""}
    )
    assert form.is_valid(), (example, form.errors)
    assert new_customer_fields(example) == {"phone": example}


def test_the_guide_shows_phone_examples() -> None:
    assert len(guide_phone_examples()) == 3
