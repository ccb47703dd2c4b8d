"""The findings of the outside attack, each fixed and kept fixed: bounded solution rows, canned
responses that cannot reach model objects, malformed signed values, refusals that explain."""

import time
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from complaints.models import CannedResponse, Complaint, Status
from complaints.services.case_emails import render_canned_response
from complaints.services.ownership import claim_complaint
from followups.services.emails import SURVEY_PURPOSE, UNSUBSCRIBE_PURPOSE
from portal.signing import make_link_token
from resolutions.errors import ResolutionError
from resolutions.models import SolutionOffered
from resolutions.services.choices import CHOICE_PURPOSE
from tests.factories import AgentFactory, CannedResponseFactory, ComplaintFactory, kind, public_category
from tests.resolutions.test_views import resolve_data, resolve_url

pytestmark = pytest.mark.django_db


def _rows(count: int, *, prefix: str = "solutions") -> dict[str, str]:
    data = {f"{prefix}-TOTAL_FORMS": str(count), f"{prefix}-INITIAL_FORMS": "0"}
    for row in range(count):
        data.update(
            {
                f"{prefix}-{row}-kind": str(kind("refund").pk),
                f"{prefix}-{row}-details": f"Option {row}",
                f"{prefix}-{row}-value": "5",
                f"{prefix}-{row}-currency": "GBP",
            }
        )
    return data


def test_a_thousand_posted_solution_rows_are_refused_quickly_and_nothing_is_stored(
    client, case, agent
) -> None:
    client.force_login(agent)
    started = time.monotonic()
    claimed = {**_rows(2), "solutions-TOTAL_FORMS": "1000"}
    response = client.post(reverse("resolutions:send_options", args=[case.reference]), claimed)

    assert time.monotonic() - started < 3
    assert response.status_code == 200
    assert "Offer at most 6 solutions at a time." in response.content.decode()
    assert len(response.content) < 300_000
    assert not SolutionOffered.objects.exists()


def test_eight_solution_rows_are_refused_where_six_are_allowed(client, case, agent) -> None:
    client.force_login(agent)
    data = {**resolve_data(), **_rows(8), "choice": "new-0"}
    response = client.post(resolve_url(case), data)

    assert "Offer at most 6 solutions at a time." in response.content.decode()
    case.refresh_from_db()
    assert case.status != Status.RESOLVED
    assert not SolutionOffered.objects.exists()


def test_six_solution_rows_are_accepted(client, case, agent) -> None:
    client.force_login(agent)
    response = client.post(reverse("resolutions:send_options", args=[case.reference]), _rows(6))
    assert response.status_code == 302
    assert SolutionOffered.objects.count() == 6


def test_the_service_refuses_more_than_six_solutions_whatever_the_form() -> None:
    from resolutions.services.resolving import SolutionInput, check_solutions

    with pytest.raises(ResolutionError, match="at most 6"):
        check_solutions([SolutionInput(kind=kind("refund"), details="x")] * 7)


def test_a_canned_response_cannot_reach_the_agents_password_or_any_related_record() -> None:
    agent = AgentFactory(first_name="Alex", last_name="Agent")
    complaint = ComplaintFactory(owner=agent)
    canned = CannedResponseFactory(
        subject="{{ complaint.reference }} {{ agent.password }}",
        body="[{{ agent.password }}][{{ complaint.owner.password }}][{{ customer.complaints }}]"
        "[{{ complaint.customer.email }}][{{ agent.groups }}] {{ agent.name }} {{ customer.name }}",
    )
    subject, body = render_canned_response(canned=canned, complaint=complaint, agent=agent)

    assert subject == complaint.reference
    assert body == f"[][][][][] Alex Agent {complaint.customer.name}"
    assert agent.password not in subject + body


def test_a_canned_response_has_the_documented_plain_values() -> None:
    complaint = ComplaintFactory()
    canned = CannedResponseFactory(body="{{ complaint.status }}|{{ complaint.received }}|{{ status_link }}")
    _, body = render_canned_response(canned=canned, complaint=complaint, agent=None)
    status, received, link = body.split("|")
    assert status == complaint.get_status_display()
    assert received and f"/my-complaint/{complaint.reference}/" in link


@pytest.mark.parametrize(
    "text",
    [
        "{% debug %}",
        "{% load static %}",
        "{% include 'base.html' %}",
        "{% url 'home' %}",
        "{{ customer.__class__ }}",
        "{{ message|safe }}",
    ],
)
def test_admin_refuses_a_canned_response_using_anything_outside_the_sandbox(text: str) -> None:
    canned = CannedResponse(name="Bad", subject="Hello", body=text)
    with pytest.raises(ValidationError) as refused:
        canned.full_clean()
    assert "body" in refused.value.message_dict


def test_the_admin_form_lists_the_variables_a_canned_response_may_use(client) -> None:
    from tests.factories import AdminUserFactory

    client.force_login(AdminUserFactory(is_superuser=True))
    page = client.get(reverse("admin:complaints_cannedresponse_add")).content.decode()
    for variable in ("customer.name", "complaint.reference", "status_link", "agent.first_name", "message"):
        assert variable in page


@pytest.mark.parametrize("value", ["abc", "12abc", "-5", "1.5", "99999999999999999999999", ""])
@pytest.mark.parametrize(
    ("purpose", "route"),
    [
        (SURVEY_PURPOSE, "followups:survey"),
        (UNSUBSCRIBE_PURPOSE, "followups:unsubscribe"),
        (CHOICE_PURPOSE, "resolutions:choose"),
    ],
)
def test_a_validly_signed_link_with_a_malformed_value_gets_the_bad_link_page(
    client, purpose, route, value
) -> None:
    token = make_link_token(purpose=purpose, value=value)
    for response in (client.get(reverse(route, args=[token])), client.post(reverse(route, args=[token]))):
        assert response.status_code == 403
        assert "This link does not work" in response.content.decode()
        assert "Send me a new link" in response.content.decode()


def test_a_form_with_thousands_of_fields_gets_a_clear_page(client, case, agent) -> None:
    client.force_login(agent)
    response = client.post(reverse("resolutions:send_options", args=[case.reference]), _rows(1000))
    assert response.status_code == 400
    assert "We could not read this form" in response.content.decode()


def test_a_huge_solution_number_on_the_choice_page_is_explained(client) -> None:
    complaint = ComplaintFactory()
    SolutionOffered.objects.create(
        complaint=complaint, kind=kind("refund"), details="A refund", value=5, offered_by=AgentFactory()
    )
    token = make_link_token(purpose=CHOICE_PURPOSE, value=complaint.pk)
    response = client.post(reverse("resolutions:choose", args=[token]), {"solution": "9" * 30})
    assert response.status_code == 200
    assert "Choose one of the options shown." in response.content.decode()


@pytest.mark.parametrize(
    "extra",
    [{"time_zone": "Europe/" + "x" * 58}, {"time_zone": "Europe/Lon\x00don"}, {"time_zone": ["a", "b"]}],
)
def test_a_public_form_with_an_odd_hidden_time_zone_is_accepted_with_the_portal_zone(
    client, settings, extra
) -> None:
    settings.PUBLIC_FORM_MAX_POSTS = 100
    category = public_category("Deliveries")
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "category": str(category.pk),
        "customer_words": "It broke.",
        "desired_outcome": "A refund.",
        **extra,
    }
    response = client.post(reverse("complaints:public:complain"), data)

    assert response.status_code == 302
    assert Complaint.objects.get().customer.time_zone.key == settings.TIME_ZONE


def test_a_nul_byte_in_a_public_field_is_explained_and_the_rest_is_kept(client, settings) -> None:
    settings.PUBLIC_FORM_MAX_POSTS = 100
    category = public_category("Deliveries")
    response = client.post(
        reverse("complaints:public:complain"),
        {
            "name": "Ada\x00",
            "email": "ada@example.com",
            "category": str(category.pk),
            "customer_words": "It broke on Tuesday.",
            "desired_outcome": "A refund.",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Null characters are not allowed." in page
    assert "It broke on Tuesday." in page


def test_a_nul_byte_in_the_hidden_trap_is_refused_with_a_message(client, settings) -> None:
    settings.PUBLIC_FORM_MAX_POSTS = 100
    category = public_category("Deliveries")
    data = {"name": "Ada", "email": "ada@example.com", "category": str(category.pk)}
    data.update({"customer_words": "It broke.", "desired_outcome": "A refund.", "website": "\x00"})
    response = client.post(reverse("complaints:public:complain"), data)
    assert response.status_code == 400
    assert "We could not accept this submission" in response.content.decode()


def test_a_claim_lost_to_a_colleague_names_the_winner() -> None:
    complaint = ComplaintFactory(owner=None)
    stale = Complaint.objects.get(pk=complaint.pk)
    winner = AgentFactory(first_name="Sam", last_name="Quick")
    claim_complaint(complaint=complaint, actor=winner)

    loser = AgentFactory()
    from complaints.errors import OwnershipError

    with pytest.raises(OwnershipError, match="Someone got there first: the case is now owned by Sam Quick"):
        claim_complaint(complaint=Complaint.objects.get(pk=stale.pk), actor=loser)


def test_claiming_from_a_page_loaded_before_a_colleague_claimed_says_who_has_it(client) -> None:
    complaint = ComplaintFactory(owner=None)
    claim_complaint(complaint=complaint, actor=AgentFactory(first_name="Sam", last_name="Quick"))
    client.force_login(AgentFactory())
    response = client.post(reverse("complaints:claim", args=[complaint.reference]), follow=True)
    page = response.content.decode()
    assert "Someone got there first: the case is now owned by Sam Quick" in page
    assert "Only agents can claim" not in page


def test_a_colleagues_call_outcome_is_refused_with_the_reason_and_what_was_typed(client) -> None:
    from tests.security.world import build_world

    world = build_world()
    client.force_login(world.other_agent)
    response = client.post(
        reverse("followups:call", args=[world.call.pk]),
        {"outcome": "satisfied", "satisfaction": "5", "note": "She is happy now " + uuid.uuid4().hex},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "only they or a supervisor can record it" in page
    assert "Your outcome was not recorded." in page
    assert "She is happy now" in page
    world.call.refresh_from_db()
    assert world.call.attempts == 0


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Dear {{ complaint.customer.name }}", "complaint.customer.name"),
        ("{% if complaint.owner %}x{% endif %}", "complaint.owner"),
        ("{{ message|default:agent.email }}", "agent.email"),
        ("{{ custmer.name }}", "custmer.name"),
    ],
)
def test_admin_names_a_variable_a_canned_response_cannot_have(text: str, named: str) -> None:
    canned = CannedResponse(name="Typo", subject="Hello", body=text)
    with pytest.raises(ValidationError) as refused:
        canned.full_clean()
    assert named in " ".join(refused.value.message_dict["body"])


def test_every_seeded_canned_response_uses_only_the_documented_variables() -> None:
    seeded = list(CannedResponse.objects.all())
    assert len(seeded) >= 5
    for canned in seeded:
        canned.full_clean()
