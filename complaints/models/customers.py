from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from phonenumber_field.modelfields import PhoneNumberField
from timezone_field import TimeZoneField


class CustomerQuerySet(models.QuerySet["Customer"]):
    def with_email(self, email: str) -> "CustomerQuerySet":
        """Customers holding this email, compared case-insensitively through the `lower(email)`
        index. An empty email matches nobody: many customers have none.

        Unordered on purpose: with `ORDER BY id LIMIT 1` PostgreSQL may walk the primary key
        through millions of rows instead of using the index. There is at most one match anyway
        (constraint `customer_email_unique_ci`)."""
        email = email.strip()
        if not email:
            return self.none()
        # `email <> ''` repeats the unique index's condition, so PostgreSQL can use that index.
        return (
            self.alias(email_lower=Lower("email")).filter(~Q(email=""), email_lower=email.lower()).order_by()
        )

    def get_by_email(self, email: str) -> "Customer | None":
        return next(iter(self.with_email(email)), None)


class Customer(models.Model):
    class PreferredChannel(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"

    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, blank=True)
    phone = PhoneNumberField(blank=True)
    preferred_channel = models.CharField(
        max_length=10, choices=PreferredChannel.choices, default=PreferredChannel.EMAIL
    )
    time_zone = TimeZoneField(default="UTC", help_text="Follow-ups are sent in the customer's waking hours.")
    followups_opted_out_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the customer unsubscribed from follow-ups."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            # One customer per email address, whatever its case: two submissions at once from the
            # same person must not create two records. Customers without email (phone callers,
            # imported CFPB consumers) are not constrained, nor indexed. This index also serves
            # every lookup by email (`CustomerQuerySet.with_email`).
            models.UniqueConstraint(
                Lower("email"),
                name="customer_email_unique_ci",
                condition=~Q(email=""),
                violation_error_message="Another customer already has this email address.",
            ),
        ]
        indexes = [
            models.Index(fields=["phone"], name="customer_phone"),
            models.Index(Lower("name"), name="customer_name_lower"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def followups_allowed(self) -> bool:
        return self.followups_opted_out_at is None
