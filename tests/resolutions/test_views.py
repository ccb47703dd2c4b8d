"""The agent's pages: resolve, propose, send options, reopen, issue; the approval queue."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from complaints.models import Status
from outbox.models import Message
from resolutions.models import BudgetUsage, Compensation, CompensationStatus, Resolution
from resolutions.services.compensation import propose_compensation
from tests.factories import AgentFactory, ComplaintFactory, kind, propose_refund, root_cause

pytestmark = pytest.mark.django_db


def resolve_url(case) -> str:
    return reverse("resolutions:resolve", args=[case.reference])


def resolve_data(key: uuid.UUID | None = None, **overrides: str) -> dict[str, str]:
    data = {
        "idempotency_key": str(key or uuid.uuid4()),
        "listened": "on",
        "emotion_acknowledged": "on",
        "apology_given": "on",
        "ownership_taken": "on",
        "solutions-TOTAL_FORMS": "3",
        "solutions-INITIAL_FORMS": "0",
        "solutions-MIN_NUM_FORMS": "0",
        "solutions-MAX_NUM_FORMS": "6",
        "solutions-0-kind": str(kind("replacement").pk),
        "solutions-0-details": "New kettle by Friday",
        "solutions-0-value": "39.99",
        "solutions-0-currency": "GBP",
        "solutions-1-kind": str(kind("refund").pk),
        "solutions-1-details": "Full refund",
        "solutions-1-value": "39.99",
        "solutions-1-currency": "GBP",
        "solutions-2-currency": "GBP",
        "choice": "new-1",
        "outcome": "Refunded in full.",
        "root_cause": str(root_cause("delivery").pk),
        "preventable": "yes",
        "lesson_learned": "",
        "compensation-currency": "GBP",
    }
    data.update(overrides)
    return data


def test_the_resolve_page_shows_the_policy_its_suggestion_and_the_budget_left(client, case, agent) -> None:
    propose_compensation(
        complaint=case,
        actor=agent,
        kind=kind("refund"),
        amount=Decimal("30"),
        currency="GBP",
        reason="Late",
        idempotency_key=uuid.uuid4(),
    )
    client.force_login(agent)

    page = client.get(resolve_url(case)).content.decode()

    assert "Deliveries policy" in page
    assert "Refund the delivery charge." in page
    assert "4,970.00 GBP" in page
    assert 'name="idempotency_key"' in page


def test_an_agent_resolves_the_case_from_one_form(client, case, agent) -> None:
    client.force_login(agent)

    response = client.post(resolve_url(case), resolve_data(), follow=True)

    assert response.redirect_chain[-1][0] == reverse("complaints:detail", args=[case.reference])
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    resolution = Resolution.objects.get(complaint=case)
    assert resolution.chosen_solution.details == "Full refund"
    page = response.content.decode()
    assert "Case resolved" in page and "Full refund" in page
    assert f"Resolution by {agent.get_full_name() or agent.username}, " in page


def test_a_double_submitted_form_creates_one_resolution(client, case, agent) -> None:
    client.force_login(agent)
    data = resolve_data(key=uuid.uuid4())
    client.post(resolve_url(case), data)
    client.post(resolve_url(case), data)
    assert Resolution.objects.filter(complaint=case).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"compensation-amount": "-10"}, "compensation-amount", "cannot be negative"),
        ({"compensation-amount": "0"}, "compensation-amount", "above zero"),
        ({"compensation-amount": "ten pounds"}, "compensation-amount", "Enter a number"),
        ({"compensation-amount": "99999999999"}, "compensation-amount", "digits"),
        ({"compensation-amount": "5000"}, "compensation-amount", "hard maximum"),
        ({"compensation-currency": "XYZ"}, "compensation-currency", "Select a valid choice"),
        ({"compensation-currency": "EUR"}, "compensation-currency", "sets its limits in GBP"),
        ({"compensation-kind": "store_credit"}, "compensation-kind", "does not allow store credit"),
        ({"solutions-0-value": "-3"}, "solutions-0-value", "greater than or equal to 0"),
        ({"apology_given": ""}, "apology_given", "Required"),
        ({"choice": "new-2"}, "choice", "Solution 3 is empty"),
    ],
)
def test_bad_input_is_explained_beside_its_field_and_nothing_is_half_saved(
    client, case, agent, policy, overrides, field, message
) -> None:
    policy.allowed_kinds.remove(kind("store_credit"))
    data = resolve_data(
        **{
            "compensation-kind": str(kind("refund").pk),
            "compensation-amount": "20",
            "compensation-reason": "Late",
        }
    )
    if overrides.get("compensation-kind") == "store_credit":
        overrides = {"compensation-kind": str(kind("store_credit").pk)}
    data.update({k: v for k, v in overrides.items() if v != ""})
    for k in [k for k, v in overrides.items() if v == ""]:
        data.pop(k)
    client.force_login(agent)

    response = client.post(resolve_url(case), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    # The message is rendered with its field (crispy puts it in the field's own feedback block).
    field_block = page[page.index(f'id="div_id_{field}"') :][:3000]
    assert message in field_block
    assert "Refunded in full." in page  # what the agent typed is kept
    case.refresh_from_db()
    assert case.status == Status.INVESTIGATING
    assert not Resolution.objects.exists() and not Compensation.objects.exists()
    assert not case.solutions.exists() and not BudgetUsage.objects.exists()


def test_an_agent_who_does_not_own_the_case_may_not_resolve_it(client, case) -> None:
    client.force_login(AgentFactory(username="other"))
    assert client.get(resolve_url(case)).status_code == 403
    assert client.post(resolve_url(case), resolve_data()).status_code == 403
    assert not Resolution.objects.exists()


def test_proposing_above_the_limit_puts_it_in_the_supervisors_queue(client, case, agent, supervisor) -> None:
    client.force_login(agent)
    response = client.post(
        reverse("resolutions:propose", args=[case.reference]),
        {
            "idempotency_key": str(uuid.uuid4()),
            "kind": kind("refund").pk,
            "amount": "75.00",
            "currency": "GBP",
            "reason": "Two missed deliveries",
        },
        follow=True,
    )
    assert "sent for approval" in response.content.decode()

    client.force_login(supervisor)
    queue = client.get(reverse("resolutions:approvals")).content.decode()
    assert case.reference in queue and "75.00 GBP" in queue
    home = client.get("/").content.decode()
    assert "Approvals waiting: 1" in home
    assert f"{case.reference}: Refund of 75.00 GBP, since" in home


def test_only_a_supervisor_may_see_the_queue_or_decide(client, case, agent) -> None:
    waiting = propose_compensation(
        complaint=case,
        actor=agent,
        kind=kind("refund"),
        amount=Decimal("90"),
        currency="GBP",
        reason="Late",
        idempotency_key=uuid.uuid4(),
    )
    client.force_login(agent)
    assert client.get(reverse("resolutions:approvals")).status_code == 403
    response = client.post(
        reverse("resolutions:decide", args=[waiting.pk]), {f"c{waiting.pk}-decision": "approve"}
    )
    assert response.status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == CompensationStatus.PROPOSED


def test_a_supervisor_approves_and_rejects_from_the_queue(client, case, agent, supervisor) -> None:
    first, second = (
        propose_compensation(
            complaint=case,
            actor=agent,
            kind=kind("refund"),
            amount=Decimal(amount),
            currency="GBP",
            reason="Late",
            idempotency_key=uuid.uuid4(),
        )
        for amount in ("90", "60")
    )
    client.force_login(supervisor)

    client.post(reverse("resolutions:decide", args=[first.pk]), {f"c{first.pk}-decision": "approve"})
    response = client.post(
        reverse("resolutions:decide", args=[second.pk]),
        {f"c{second.pk}-decision": "reject", f"c{second.pk}-reason": ""},
        follow=True,
    )
    assert "Give the reason for rejecting it" in response.content.decode()
    client.post(
        reverse("resolutions:decide", args=[second.pk]),
        {f"c{second.pk}-decision": "reject", f"c{second.pk}-reason": "One gesture is enough"},
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == CompensationStatus.APPROVED and first.approved_by == supervisor
    assert second.status == CompensationStatus.REJECTED


def test_the_case_panel_lists_compensation_and_an_approved_one_is_marked_issued(client, case, agent) -> None:
    granted = propose_compensation(
        complaint=case,
        actor=agent,
        kind=kind("refund"),
        amount=Decimal("25"),
        currency="GBP",
        reason="Late",
        idempotency_key=uuid.uuid4(),
    )
    client.force_login(agent)
    page = client.get(reverse("complaints:detail", args=[case.reference])).content.decode()
    assert "Propose compensation" in page and "Send options to customer" in page
    assert "Lifetime compensation" in page and "25.00 GBP" in page

    response = client.post(
        reverse("resolutions:issue", args=[granted.pk]), {"external_reference": "TX-4411"}, follow=True
    )

    granted.refresh_from_db()
    assert granted.status == CompensationStatus.ISSUED
    assert "TX-4411" in response.content.decode()


def test_a_resolved_case_is_reopened_with_a_reason_and_its_compensation_stays(client, case, agent) -> None:
    client.force_login(agent)
    client.post(
        resolve_url(case),
        resolve_data(
            **{
                "compensation-kind": str(kind("refund").pk),
                "compensation-amount": "20",
                "compensation-reason": "Late",
            }
        ),
    )
    url = reverse("resolutions:reopen", args=[case.reference])
    assert "Reopen" in client.get(reverse("complaints:detail", args=[case.reference])).content.decode()

    assert client.post(url, {"reason": ""}).status_code == 200
    client.post(url, {"reason": "Refund never arrived"})

    case.refresh_from_db()
    assert case.status == Status.REOPENED
    assert case.compensations.get().status == CompensationStatus.APPROVED
    told = Message.objects.get(key__startswith=f"case-reopened:{case.pk}:")
    assert told.to == agent.email and "Refund never arrived" in told.text


def test_the_case_page_reads_at_most_twelve_queries_with_every_panel_filled(
    client, case, agent, django_assert_max_num_queries
) -> None:
    for amount in ("25", "30"):
        propose_compensation(
            complaint=case,
            actor=agent,
            kind=kind("refund"),
            amount=Decimal(amount),
            currency="GBP",
            reason="Late",
            idempotency_key=uuid.uuid4(),
        )
    client.force_login(agent)
    url = reverse("complaints:detail", args=[case.reference])
    client.get(url)  # session, roles and the kept small tables warmed

    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()

    assert "Propose compensation" in page and "Recovery checklist" in page
    assert "30.00 GBP" in page and case.category.name in page and case.severity.name in page
    assert 'name="canned"' in page and "Change status" in page


def test_the_case_lists_its_own_compensation_and_the_customer_total_counts_every_case(
    client, case, agent, category
) -> None:
    def award(on, amount: str):  # type: ignore[no-untyped-def]
        return propose_refund(on, agent, amount, reason=f"Refund of {amount}")

    earlier = ComplaintFactory(customer=case.customer, owner=agent, category=category)
    award(earlier, "20.50")  # within the agent's limit: granted at once
    award(earlier, "120")  # above it: waits for a supervisor, not given yet
    award(case, "10")
    client.force_login(agent)

    page = client.get(reverse("complaints:detail", args=[case.reference])).content.decode()

    table = page.split("<caption>Compensation on this case</caption>")[1].split("</table>")[0]
    assert "10.00 GBP" in table and "20.50 GBP" not in table and "120.00 GBP" not in table
    lifetime = page.split("Lifetime compensation for")[1].split("</section>")[0]
    assert "30.50 GBP (2 awards)" in lifetime
    # The customer's own page (phone intake) counts the same.
    intake = client.get(reverse("complaints:intake_customer", args=[case.customer_id])).content.decode()
    assert "30.50 GBP (2 awards)" in intake.split("Lifetime compensation for")[1].split("</section>")[0]
