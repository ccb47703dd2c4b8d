"""One small world for the permission matrix: a case owned by an agent, with everything a page
of the portal can point at (compensation, follow-ups, a file), and the customer's signed links."""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from complaints.models import Attachment, Complaint, SavedFilter, Status
from complaints.public.links import RECEIVED_PURPOSE, STATUS_PURPOSE
from complaints.services.attachments import attach_file
from complaints.services.transitions import change_status
from followups.models import FollowUp, State
from followups.services.emails import SURVEY_PURPOSE, UNSUBSCRIBE_PURPOSE
from outbox.models import Audience, Message
from outbox.models import State as MessageState
from portal.signing import make_link_token
from resolutions.models import Compensation
from resolutions.services.choices import CHOICE_PURPOSE
from resolutions.services.compensation import propose_compensation
from tests.factories import (
    AdminUserFactory,
    AgentFactory,
    ComplaintFactory,
    CustomerFactory,
    FollowUpStepFactory,
    SupervisorFactory,
    kind,
    only_policy,
)

BAD_TOKEN = "not-a-token:1abcde:tampered"


@dataclass
class World:
    agent: User
    other_agent: User
    supervisor: User
    admin: User
    case: Complaint
    approved: Compensation
    proposed: Compensation
    call: FollowUp
    failed: FollowUp
    survey: FollowUp
    attachment: Attachment
    undelivered: Message
    saved_filter: SavedFilter
    users: dict[str, User | None] = field(default_factory=dict)

    def token(self, purpose: str) -> str:
        """The valid credential a customer holds for each signed page."""
        values = {
            STATUS_PURPOSE: self.case.reference,
            RECEIVED_PURPOSE: self.case.reference,
            CHOICE_PURPOSE: self.case.pk,
            SURVEY_PURPOSE: self.survey.pk,
            UNSUBSCRIBE_PURPOSE: self.case.customer_id,
        }
        return make_link_token(purpose=purpose, value=values[purpose])

    def reset_link(self) -> dict[str, str]:
        return {
            "uidb64": urlsafe_base64_encode(force_bytes(self.agent.pk)),
            "token": default_token_generator.make_token(self.agent),
        }


def _followup(case: Complaint, **fields: object) -> FollowUp:
    step = FollowUpStepFactory(
        policy=only_policy(name=f"Matrix {uuid.uuid4().hex[:6]}"), channel=fields["channel"]
    )
    return FollowUp.objects.create(
        complaint=case, customer=case.customer, step=step, resolved_at=timezone.now(), **fields
    )


def build_world() -> World:
    agent = AgentFactory(username="owner-agent")
    other_agent = AgentFactory(username="other-agent")
    supervisor = SupervisorFactory(username="the-supervisor")
    admin = AdminUserFactory(username="the-admin")
    case = ComplaintFactory(
        owner=agent, customer=CustomerFactory(email=f"matrix-{uuid.uuid4().hex[:8]}@example.com")
    )
    change_status(complaint=case, to_status=Status.INVESTIGATING, actor=agent)
    approved, proposed = (
        propose_compensation(
            complaint=case,
            actor=agent,
            kind=kind("refund"),
            amount=Decimal(amount),
            currency="GBP",
            reason="Late delivery",
            idempotency_key=uuid.uuid4(),
        )
        for amount in ("10.00", "120.00")
    )
    now = timezone.now()
    call = _followup(case, channel="call", due_at=now - timedelta(hours=1))
    failed = _followup(case, channel="email", due_at=now, state=State.FAILED, failed_at=now, last_error="550")
    survey = _followup(case, channel="email", due_at=now, state=State.SENT, sent_at=now)
    attachment = attach_file(
        complaint=case, uploaded_file=SimpleUploadedFile("note.txt", b"hello", "text/plain"), actor=agent
    )
    undelivered = Message.objects.create(
        key=f"case-email:{case.pk}:undelivered",
        kind="text",
        audience=Audience.CUSTOMER,
        to=case.customer.email or "customer@example.com",
        subject="We are sorry",
        text="Sorry.",
        case_id=case.pk,
        reference=case.reference,
        state=MessageState.FAILED,
        due_at=now,
        last_error="550 No such user",
    )
    world = World(
        agent,
        other_agent,
        supervisor,
        admin,
        case,
        approved,
        proposed,
        call,
        failed,
        survey,
        attachment,
        undelivered,
        SavedFilter.objects.create(
            user=agent, name=f"Mine, overdue {uuid.uuid4().hex[:6]}", query="owner=me"
        ),
    )
    world.users = {
        "anonymous": None,
        "customer": None,  # a customer has no account: only the signed links they were emailed
        "agent": agent,
        "other_agent": other_agent,
        "supervisor": supervisor,
        "admin": admin,
    }
    return world
