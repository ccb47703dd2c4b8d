"""factory-boy factories for every model the tests build."""

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import Role
from complaints.models import CannedResponse, Category, Channel, Complaint, Customer, ResponseTarget, Severity
from complaints.services.references import format_reference
from followups.models import FollowUpPolicy, FollowUpStep
from resolutions.models import CompensationKind, CompensationPolicy, RootCause


def _with_role(default: str | None) -> factory.PostGeneration:
    """`UserFactory(role="Supervisor")` puts the user in that role's group; subclasses set a default."""

    def add_group(user, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and (extracted or default):
            user.groups.add(Group.objects.get(name=extracted or default))
        if create:
            user.save()

    return factory.PostGeneration(add_group)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@staff.example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    role = _with_role(None)


class AgentFactory(UserFactory):
    role = _with_role(Role.AGENT)


class SupervisorFactory(UserFactory):
    role = _with_role(Role.SUPERVISOR)


class AdminUserFactory(UserFactory):
    role = _with_role(Role.ADMIN)
    is_staff = True


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Category {n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    time_zone = "Europe/London"


def severity(code: str = "medium") -> Severity:
    return Severity.objects.get(code=code)


def channel(code: str = "phone") -> Channel:
    return Channel.objects.get(code=code)


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    reference = factory.Sequence(lambda n: format_reference(1999, n + 1))
    customer = factory.SubFactory(CustomerFactory)
    channel = factory.LazyFunction(channel)
    category = factory.SubFactory(CategoryFactory)
    severity = factory.LazyFunction(severity)
    customer_words = "The parcel arrived broken and nobody answers my emails."
    received_at = factory.LazyFunction(timezone.now)


# --- Resolution and compensation -------------------------------------------------------------


def kind(code: str = "refund") -> CompensationKind:
    return CompensationKind.objects.get(code=code)


def root_cause(code: str = "delivery") -> RootCause:
    return RootCause.objects.get(code=code)


def propose_refund(complaint: Complaint, actor, amount: str, *, reason: str = "Parcel lost twice."):  # type: ignore[no-untyped-def]
    """A refund in GBP proposed through the service: granted at once within the proposer's limit,
    waiting for a decision above it."""
    import uuid

    from resolutions.services.compensation import propose_compensation

    return propose_compensation(
        complaint=complaint,
        actor=actor,
        kind=kind("refund"),
        amount=Decimal(amount),
        currency="GBP",
        reason=reason,
        idempotency_key=uuid.uuid4(),
    )


class CompensationPolicyFactory(factory.django.DjangoModelFactory):
    """A policy in GBP: agents 50, supervisors 250, hard maximum 1000, budget 5000 a month."""

    class Meta:
        model = CompensationPolicy
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Policy {n}")
    currency = "GBP"
    agent_limit = Decimal("50.00")
    supervisor_limit = Decimal("250.00")
    hard_maximum = Decimal("1000.00")
    monthly_budget = Decimal("5000.00")
    effective_from = date(2020, 1, 1)
    suggested_remedy = "Refund the delivery charge."

    @factory.post_generation
    def kinds(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create:
            codes = extracted if extracted is not None else [k.code for k in CompensationKind.objects.all()]
            self.allowed_kinds.set(CompensationKind.objects.filter(code__in=codes))


# --- Follow-ups -------------------------------------------------------------------------------


class FollowUpPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpPolicy

    name = factory.Sequence(lambda n: f"Policy {n}")


class FollowUpStepFactory(factory.django.DjangoModelFactory):
    """An email step three calendar days after the resolution, any hour of any day."""

    class Meta:
        model = FollowUpStep

    policy = factory.SubFactory(FollowUpPolicyFactory)
    order = factory.Sequence(lambda n: n + 1)
    channel = "email"
    delay = 3
    delay_unit = "days"
    start_hour = 0
    end_hour = 24
    weekdays = "1,2,3,4,5,6,7"
    call_script = factory.LazyAttribute(
        lambda s: "Hello, this is {agent} about {reference}. Is it resolved?" if s.channel == "call" else ""
    )


def only_policy(**criteria: object) -> FollowUpPolicy:
    """Make this the only active follow-up policy (the shipped defaults are switched off)."""
    FollowUpPolicy.objects.update(is_active=False)
    return FollowUpPolicyFactory(**criteria)


def resolve(complaint: Complaint, *, actor=None, now=None) -> list:
    """Resolve a case the way the resolution service does: status and follow-ups in one transaction."""
    from django.db import transaction

    from complaints.models import Status
    from complaints.services.transitions import change_status
    from followups.services import schedule_followups

    with transaction.atomic():
        if complaint.status in (Status.NEW, Status.REOPENED):
            change_status(complaint=complaint, to_status=Status.INVESTIGATING, actor=actor, now=now)
        change_status(complaint=complaint, to_status=Status.RESOLVED, actor=actor, now=now)
        return schedule_followups(complaint=complaint, now=now)


# --- Intake and case records: response targets, canned responses ---------------------------------


class ResponseTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponseTarget

    severity = factory.LazyFunction(severity)
    category = None
    first_response_hours = 4
    resolution_hours = 40
    hours_kind = "calendar"


class CannedResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CannedResponse
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Canned response {n}")
    purpose = "update"
    subject = "About {{ complaint.reference }}"
    body = "Dear {{ customer.name }},\n\n{{ message }}\n\n{{ agent_name }}"


# --- Customer side: public-form complaints and attachments -------------------------------------


def public_category(name: str = "Deliveries") -> Category:
    """A top-level category, as the public form offers them."""
    return CategoryFactory(name=name, parent=None)


class PublicComplaintFactory(ComplaintFactory):
    """A complaint filed on the public form (web channel, no agent)."""

    source = "public_form"
    channel = factory.LazyFunction(lambda: channel("web"))
    desired_outcome = "A replacement, please."


# --- Insights: teams, resolutions with their recovery steps, problems ----------------------------


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "insights.Team"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")
    email = factory.LazyAttribute(lambda t: f"{t.name.lower().replace(' ', '-')}@staff.example.com")
    time_zone = "Europe/London"


class ResolutionFactory(factory.django.DjangoModelFactory):
    """A completed resolution with every recovery step confirmed."""

    class Meta:
        model = "resolutions.Resolution"

    complaint = factory.SubFactory(ComplaintFactory)
    idempotency_key = factory.Faker("uuid4")
    listened = True
    emotion_acknowledged = True
    apology_given = True
    ownership_taken = True
    outcome = "Refunded the delivery charge."
    root_cause = factory.LazyFunction(root_cause)
    preventable = True
    status = "completed"
    resolved_by = factory.SubFactory(AgentFactory)
    completed_at = factory.LazyFunction(timezone.now)


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "insights.Problem"

    title = factory.Sequence(lambda n: f"Problem {n}")
    created_by = factory.SubFactory(SupervisorFactory)
