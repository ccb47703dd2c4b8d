"""Each complaints service decides itself who may act, whoever calls it (a view, a task, a command),
and refuses with a message for people; views only turn that refusal into a message."""

from datetime import timedelta

import pytest

from complaints.errors import ComplaintError, NotAllowed
from complaints.models import EventKind, Status
from complaints.services.attachments import attach_file
from complaints.services.case_emails import queue_case_email
from complaints.services.case_work import add_note, log_call
from complaints.services.ownership import transfer_complaint
from complaints.services.reopening import reopen_complaint
from complaints.services.transitions import change_status
from complaints.services.waiting import start_waiting_on_customer
from tests.factories import (
    AgentFactory,
    CannedResponseFactory,
    ComplaintFactory,
    SupervisorFactory,
    UserFactory,
)
from tests.public.test_attachments import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned():
    return ComplaintFactory(owner=AgentFactory())


def resolve(case) -> None:
    for status in (Status.INVESTIGATING, Status.RESOLVED):
        change_status(complaint=case, to_status=status, actor=case.owner)


def test_another_agent_cannot_change_the_status_of_a_case_they_do_not_own(owned) -> None:
    with pytest.raises(NotAllowed, match="owned by someone else"):
        change_status(complaint=owned, to_status=Status.ACKNOWLEDGED, actor=AgentFactory())
    owned.refresh_from_db()
    assert owned.status == Status.NEW


def test_nobody_works_on_an_unowned_case_before_claiming_it() -> None:
    with pytest.raises(NotAllowed, match="claim it first"):
        change_status(complaint=ComplaintFactory(), to_status=Status.ACKNOWLEDGED, actor=AgentFactory())


def test_a_supervisor_may_work_on_any_owned_case(owned) -> None:
    change_status(complaint=owned, to_status=Status.ACKNOWLEDGED, actor=SupervisorFactory())
    owned.refresh_from_db()
    assert owned.status == Status.ACKNOWLEDGED


def test_the_customer_or_the_system_acting_without_an_account_is_not_refused(owned) -> None:
    change_status(complaint=owned, to_status=Status.WITHDRAWN, actor=None, actor_label="Customer")
    owned.refresh_from_db()
    assert owned.status == Status.WITHDRAWN


def test_anyone_on_the_team_may_reopen_a_finished_case_the_customer_called_about(owned) -> None:
    resolve(owned)
    reopen_complaint(complaint=owned, reason="Called back: still broken", actor=AgentFactory())
    owned.refresh_from_db()
    assert owned.status == Status.REOPENED


def test_someone_outside_the_team_cannot_reopen_a_case(owned) -> None:
    resolve(owned)
    with pytest.raises(NotAllowed, match="service team"):
        reopen_complaint(complaint=owned, reason="Still broken", actor=UserFactory())


def test_a_reopen_without_a_reason_is_refused_in_words(owned) -> None:
    with pytest.raises(ComplaintError, match="reason is required"):
        reopen_complaint(complaint=owned, reason="  ", actor=owned.owner)


def test_waiting_on_the_customer_is_for_the_owner(owned) -> None:
    with pytest.raises(NotAllowed):
        start_waiting_on_customer(complaint=owned, actor=AgentFactory())
    owned.refresh_from_db()
    assert owned.awaiting_customer_since is None


def test_any_agent_may_note_or_log_a_call_on_a_colleagues_case(owned) -> None:
    colleague = AgentFactory()
    add_note(complaint=owned, actor=colleague, text="Took a call while the owner was out.")
    log_call(
        complaint=owned, actor=colleague, direction="inbound", duration=timedelta(minutes=3), outcome="spoke"
    )
    kinds = list(owned.events.values_list("kind", flat=True))
    assert EventKind.NOTE in kinds and EventKind.CALL in kinds


def test_someone_outside_the_team_cannot_note_or_log_calls(owned) -> None:
    outsider = UserFactory()
    with pytest.raises(NotAllowed):
        add_note(complaint=owned, actor=outsider, text="hello")
    with pytest.raises(NotAllowed):
        log_call(complaint=owned, actor=outsider, direction="inbound", duration=timedelta(0), outcome="spoke")
    assert not owned.events.filter(kind__in=[EventKind.NOTE, EventKind.CALL]).exists()


def test_an_empty_note_is_refused_in_the_workflows_words_not_as_a_programming_error(owned) -> None:
    with pytest.raises(ComplaintError, match="needs some text"):
        add_note(complaint=owned, actor=owned.owner, text="   ")


def test_only_the_owner_emails_the_customer_from_the_case(owned) -> None:
    with pytest.raises(NotAllowed):
        queue_case_email(complaint=owned, canned=CannedResponseFactory(), actor=AgentFactory())
    assert not owned.events.filter(kind=EventKind.EMAIL_QUEUED).exists()


def test_only_the_owner_attaches_files_the_customer_attaches_through_their_link(owned) -> None:
    with pytest.raises(NotAllowed):
        attach_file(complaint=owned, uploaded_file=upload("a.txt", b"hello"), actor=AgentFactory())
    attach_file(complaint=owned, uploaded_file=upload("a.txt", b"hello"), actor_label="Customer")
    assert owned.attachments.count() == 1


def test_another_agent_cannot_hand_a_case_on(owned) -> None:
    with pytest.raises(NotAllowed, match="owner or a supervisor"):
        transfer_complaint(complaint=owned, to_user=AgentFactory(), actor=AgentFactory(), note="mine now")


def test_a_refused_action_on_the_case_page_says_why_above_the_page(client, owned) -> None:
    other = AgentFactory()
    client.force_login(other)
    response = client.post(
        f"/cases/{owned.reference}/status/", {"to_status": Status.ACKNOWLEDGED, "note": ""}, follow=True
    )
    assert "it is owned by someone else" in response.content.decode()
    owned.refresh_from_db()
    assert owned.status == Status.NEW
