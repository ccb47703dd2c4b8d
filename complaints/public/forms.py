"""Forms of the public pages: validation only; the services do the work."""

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from phonenumber_field.formfields import PhoneNumberField

from complaints.forms.files import files_field
from complaints.models import Category

HONEYPOT = "website"


@cache
def known_time_zones() -> frozenset[str]:
    # Reading the zone database walks the filesystem (about 25 ms): once per process is enough.
    return frozenset(zoneinfo.available_timezones())


def public_categories() -> Any:
    return Category.objects.filter(is_active=True, parent__isnull=True).order_by("name")


class PublicComplaintForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="We send your reference and a link to follow your complaint here.",
    )
    phone = PhoneNumberField(
        label="Phone (optional)",
        required=False,
        help_text="Include the country code if you are outside the UK, e.g. +1 202 555 0143.",
    )
    category = forms.ModelChoiceField(
        label="What is it about?", queryset=Category.objects.none(), empty_label="Choose a topic"
    )
    order_reference = forms.CharField(
        label="Order or product reference (optional)", max_length=200, required=False
    )
    customer_words = forms.CharField(
        label="What happened?",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="In your own words: what happened, when, and how it affected you.",
    )
    desired_outcome = forms.CharField(
        label="What would you like us to do?",
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Filled by the browser, not typed: any value is accepted and an unknown one replaced, since
    # an error on a field nobody sees could never be explained to the person.
    time_zone = forms.Field(required=False, widget=forms.HiddenInput)
    attachments = files_field()
    # A field people never see: bots that fill in every input give themselves away.
    # Any value at all, even one no real field would accept, means the trap caught a bot.
    website = forms.Field(label="Leave this field empty", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = public_categories()  # type: ignore[attr-defined]
        self.fields["attachments"] = files_field()  # help text reads the current settings

    def clean_time_zone(self) -> str:
        value = self.cleaned_data.get("time_zone") or ""
        # The browser reports its zone; anything unknown falls back to the portal's own.
        return value if isinstance(value, str) and value in known_time_zones() else settings.TIME_ZONE

    @property
    def caught_by_honeypot(self) -> bool:
        return bool(str(self.data.get(HONEYPOT, "")).strip())

    def visible_fields_for_people(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if field.name != HONEYPOT]


class AddInformationForm(forms.Form):
    text = forms.CharField(
        label="Anything to add?",
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="New details, answers to our questions, or anything that changed.",
    )
    attachments = files_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"] = files_field()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("text") and not cleaned.get("attachments"):
            raise ValidationError("Please write something or choose a file to send.")
        return cleaned


class NewLinkForm(forms.Form):
    reference = forms.CharField(
        label="Complaint reference",
        max_length=30,
        help_text="It is in the subject of our emails, for example RD-2026-000123.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The address you gave us with the complaint.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
