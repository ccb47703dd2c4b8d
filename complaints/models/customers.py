from django.db import models
from django.db.models.functions import Lower
from phonenumber_field.modelfields import PhoneNumberField
from timezone_field import TimeZoneField


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

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(Lower("email"), name="customer_email_lower"),
            models.Index(fields=["phone"], name="customer_phone"),
            models.Index(Lower("name"), name="customer_name_lower"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def followups_allowed(self) -> bool:
        return self.followups_opted_out_at is None
