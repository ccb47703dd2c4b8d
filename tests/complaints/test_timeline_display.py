"""The case page's timeline reads in words: status labels rather than codes, and a transfer names
the person who owns the case now."""

import pytest

from complaints.models import Status
from complaints.services.ownership import transfer_complaint
from complaints.services.transitions import change_status
from tests.factories import AgentFactory, ComplaintFactory

pytestmark = pytest.mark.django_db


def test_a_status_change_reads_with_the_statuses_labels(agent_client, agent) -> None:
    complaint = ComplaintFactory(owner=agent, status=Status.INVESTIGATING)
    change_status(complaint=complaint, to_status=Status.SOLUTION_PROPOSED, actor=agent)

    page = agent_client.get(f"/cases/{complaint.reference}/").content.decode()

    assert "Investigating → Solution proposed" in page
    assert "solution_proposed" not in page.split('class="timeline')[1].split("</ol>")[0]


def test_a_transfer_names_the_new_owner(agent_client, agent) -> None:
    complaint = ComplaintFactory(owner=agent)
    colleague = AgentFactory(first_name="Sam", last_name="Second")
    transfer_complaint(complaint=complaint, to_user=colleague, actor=agent, note="Sam knows this product.")

    page = agent_client.get(f"/cases/{complaint.reference}/").content.decode()

    timeline = page.split('class="timeline')[1].split("</ol>")[0]
    assert "Now owned by Sam Second" in timeline
    assert "Sam knows this product." in timeline


def test_each_step_names_who_took_it_even_after_they_left(client, supervisor) -> None:
    leaver = AgentFactory(first_name="Lee", last_name="Leaving")
    complaint = ComplaintFactory(owner=leaver, status=Status.INVESTIGATING)
    change_status(complaint=complaint, to_status=Status.SOLUTION_PROPOSED, actor=leaver)
    leaver.is_active = False
    leaver.save()
    client.force_login(supervisor)

    page = client.get(f"/cases/{complaint.reference}/").content.decode()

    timeline = page.split('class="timeline')[1].split("</ol>")[0]
    assert "</strong> by Lee Leaving," in timeline
    # The case's details still name its owner who left (not in the kept staff list).
    assert '<dt class="col-sm-4">Owner</dt><dd class="col-sm-8">Lee Leaving</dd>' in page


def test_the_case_page_names_its_owner_or_says_nobody_owns_it(client, supervisor) -> None:
    owned = ComplaintFactory(owner=AgentFactory(first_name="Ola", last_name="Owner"))
    client.force_login(supervisor)
    page = client.get(f"/cases/{owned.reference}/").content.decode()
    assert '<dt class="col-sm-4">Owner</dt><dd class="col-sm-8">Ola Owner</dd>' in page
    nobodys = client.get(f"/cases/{ComplaintFactory(owner=None).reference}/").content.decode()
    assert '<dt class="col-sm-4">Owner</dt><dd class="col-sm-8">Nobody yet</dd>' in nobodys
