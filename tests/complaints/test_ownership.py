"""Ownership: unowned until claimed or assigned, then exactly one owner; transfers with a note."""

import threading

import pytest
from django.db import connection

from complaints.errors import OwnershipError
from complaints.models import Complaint, EventKind, Status
from complaints.services.ownership import claim_complaint, reassign_complaints, transfer_complaint
from tests.factories import AgentFactory, ComplaintFactory, SupervisorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_unowned_case_is_on_every_agents_home_until_someone_claims_it(agent_client, agent) -> None:
    complaint = ComplaintFactory(owner=None)
    other = AgentFactory()
    assert complaint.reference in agent_client.get("/").content.decode()

    response = agent_client.post(f"/cases/{complaint.reference}/claim/")

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.owner == agent
    event = complaint.events.get(kind=EventKind.CLAIMED)
    assert event.actor == agent
    stale = Complaint.objects.get(pk=complaint.pk)
    stale.owner = None  # what another agent's page still showed
    with pytest.raises(OwnershipError, match="got there first"):
        claim_complaint(complaint=stale, actor=other)


def test_claiming_is_a_get_free_post(agent_client) -> None:
    complaint = ComplaintFactory(owner=None)
    assert agent_client.get(f"/cases/{complaint.reference}/claim/").status_code == 405
    complaint.refresh_from_db()
    assert complaint.owner is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_agents_claiming_at_once_leaves_exactly_one_owner() -> None:
    complaint = ComplaintFactory(owner=None)
    agents = [AgentFactory(), AgentFactory()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def claim(agent) -> None:
        try:
            barrier.wait()
            claim_complaint(complaint=Complaint.objects.get(pk=complaint.pk), actor=agent)
            outcomes.append("won")
        except OwnershipError:
            outcomes.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(a,)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["lost", "won"]
    complaint.refresh_from_db()
    assert complaint.owner in agents
    assert complaint.events.filter(kind=EventKind.CLAIMED).count() == 1


def test_an_owner_transfers_with_a_note_that_the_new_owner_reads(agent_client, agent) -> None:
    complaint = ComplaintFactory(owner=agent)
    colleague = AgentFactory(first_name="Sam", last_name="Second")

    refused = agent_client.post(
        f"/cases/{complaint.reference}/owner/", {"to_user": colleague.pk, "note": " "}
    )
    assert refused.status_code == 200
    assert "Say why you are transferring" in refused.content.decode()

    agent_client.post(
        f"/cases/{complaint.reference}/owner/", {"to_user": colleague.pk, "note": "Sam knows this product."}
    )

    complaint.refresh_from_db()
    assert complaint.owner == colleague
    event = complaint.events.get(kind=EventKind.TRANSFERRED)
    assert (event.actor, event.note) == (agent, "Sam knows this product.")
    assert event.data == {"from_owner_id": agent.pk, "to_owner_id": colleague.pk}


def test_a_case_cannot_be_transferred_to_someone_who_may_not_own_cases(agent_client, agent) -> None:
    complaint = ComplaintFactory(owner=agent)
    page = agent_client.get(f"/cases/{complaint.reference}/").content.decode()
    outsider = UserFactory()  # no role: not offered, and refused when sent anyway
    assert f'value="{outsider.pk}"' not in page.split('name="to_user"')[1].split("</select>")[0]

    refused = agent_client.post(
        f"/cases/{complaint.reference}/owner/", {"to_user": outsider.pk, "note": "Over to you."}
    )
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    complaint.refresh_from_db()
    assert complaint.owner == agent


def test_an_agent_cannot_move_a_colleagues_case(agent_client) -> None:
    owner = AgentFactory()
    complaint = ComplaintFactory(owner=owner)

    agent_client.post(
        f"/cases/{complaint.reference}/owner/", {"to_user": AgentFactory().pk, "note": "mine now"}
    )
    agent_client.post(f"/cases/{complaint.reference}/claim/")

    complaint.refresh_from_db()
    assert complaint.owner == owner


def test_a_case_can_only_go_to_an_active_agent(agent) -> None:
    complaint = ComplaintFactory(owner=agent)
    with pytest.raises(OwnershipError, match="not an active agent"):
        transfer_complaint(complaint=complaint, to_user=UserFactory(), actor=agent, note="n")
    with pytest.raises(OwnershipError, match="not an active agent"):
        transfer_complaint(complaint=complaint, to_user=AgentFactory(is_active=False), actor=agent, note="n")


def test_a_finished_case_keeps_its_last_owner(agent) -> None:
    complaint = ComplaintFactory(owner=agent, status=Status.CLOSED)
    with pytest.raises(OwnershipError):
        transfer_complaint(complaint=complaint, to_user=AgentFactory(), actor=SupervisorFactory(), note="")


def test_a_supervisor_assigns_an_unowned_case(supervisor_client, supervisor) -> None:
    complaint = ComplaintFactory(owner=None)
    agent = AgentFactory()

    supervisor_client.post(f"/cases/{complaint.reference}/owner/", {"to_user": agent.pk})

    complaint.refresh_from_db()
    assert complaint.owner == agent
    assert complaint.events.get(kind=EventKind.ASSIGNED).actor == supervisor


def test_a_supervisor_reassigns_many_cases_at_once(supervisor_client, supervisor) -> None:
    leaving = AgentFactory()
    taking_over = AgentFactory()
    cases = [ComplaintFactory(owner=leaving) for _ in range(3)]
    untouched = ComplaintFactory(owner=leaving)

    response = supervisor_client.post(
        "/cases/reassign/",
        {
            "cases": [c.reference for c in cases],
            "to_user": taking_over.pk,
            "note": "Covering leave",
            "back": "owner=" + str(leaving.pk),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/cases/?owner={leaving.pk}"
    assert set(Complaint.objects.filter(owner=taking_over)) == set(cases)
    untouched.refresh_from_db()
    assert untouched.owner == leaving
    for case in cases:
        assert case.events.get(kind=EventKind.ASSIGNED).note == "Covering leave"


def test_agents_cannot_reassign_in_bulk(agent_client, agent) -> None:
    complaint = ComplaintFactory(owner=AgentFactory())
    response = agent_client.post("/cases/reassign/", {"cases": [complaint.reference], "to_user": agent.pk})
    assert response.status_code == 403
    with pytest.raises(OwnershipError):
        reassign_complaints(complaints=[complaint], to_user=agent, actor=agent)
    complaint.refresh_from_db()
    assert complaint.owner != agent


def test_nothing_in_the_workflow_leaves_an_owned_open_case_without_owner(agent, supervisor) -> None:
    complaint = ComplaintFactory(owner=agent)
    with pytest.raises(OwnershipError):
        claim_complaint(complaint=complaint, actor=AgentFactory())
    transfer_complaint(complaint=complaint, to_user=AgentFactory(), actor=supervisor, note="")
    complaint.refresh_from_db()
    assert complaint.owner is not None


def test_django_admin_cannot_change_a_cases_owner_around_the_timeline(client) -> None:
    from tests.factories import AdminUserFactory

    owner = AgentFactory()
    complaint = ComplaintFactory(owner=owner)
    client.force_login(AdminUserFactory())

    page = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/").content.decode()

    assert 'name="owner"' not in page
