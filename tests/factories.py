"""factory-boy factories for every model the tests build."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import Role
from complaints.models import Category, Channel, Complaint, Customer, Severity
from complaints.services.references import format_reference


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


# --- Customer side: public-form complaints and attachments -------------------------------------


def public_category(name: str = "Deliveries") -> Category:
    """A top-level category, as the public form offers them."""
    return CategoryFactory(name=name, parent=None)


class PublicComplaintFactory(ComplaintFactory):
    """A complaint filed on the public form (web channel, no agent)."""

    source = "public_form"
    channel = factory.LazyFunction(lambda: channel("web"))
    desired_outcome = "A replacement, please."
