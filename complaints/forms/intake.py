"""Forms for taking a complaint: validation only; the services decide and save."""

from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings

from complaints.models import Category, Channel, Complaint, Customer, Emotion, Product, Severity
from complaints.phones import zone_for_phone


class CustomerSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, email, phone or reference",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "type": "search"}),
    )


class CustomerForm(forms.ModelForm):
    """A new customer. An email or phone number that is already on file is pointed out, so a repeat
    complainer is recognised instead of being recorded twice."""

    class Meta:
        model = Customer
        fields = ["name", "email", "phone", "preferred_channel", "time_zone"]
        labels = {"time_zone": "Time zone", "preferred_channel": "Preferred channel"}
        help_texts = {
            "phone": "Any format; a number without a country code is read as a local one.",
            "time_zone": "Follow-ups are sent in the customer's waking hours. Left on “From the phone "
            "number”, it is the phone's country's (its main zone where a country has several).",
        }

    existing_customer: Customer | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = self.fields["time_zone"]
        zone.required = False
        zone.initial = self.initial.get("time_zone", "")
        zone.choices = [("", "From the phone number"), *list(zone.choices)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email, phone = cleaned.get("email"), cleaned.get("phone")
        if email:
            match = Customer.objects.get_by_email(email)
            if match is not None:
                self.existing_customer = match
                self.add_error("email", f"{match.name} already has this email: take the complaint for them.")
        if phone and self.existing_customer is None:
            match = Customer.objects.filter(phone=phone).first()  # type: ignore[assignment]
            if match is not None:
                self.existing_customer = match
                self.add_error("phone", f"{match.name} already has this number: take the complaint for them.")
        if not email and not phone:
            raise forms.ValidationError("Give an email address or a phone number so we can reply.")
        if not cleaned.get("time_zone") and "time_zone" not in self.errors:
            zone = zone_for_phone(phone) if phone else None
            cleaned["time_zone"] = ZoneInfo(zone or settings.TIME_ZONE)
        return cleaned


COMPLAINT_FIELDS = [
    "channel",
    "category",
    "product",
    "order_reference",
    "customer_words",
    "summary",
    "summary_confirmed",
    "emotion",
    "severity",
    "desired_outcome",
]


class ComplaintForm(forms.Form):
    """The complaint's fields as the model defines them (labels, lengths, choices). A plain form,
    not a ModelForm: model validation would look every chosen option up a second time."""

    def __init__(self, *args: Any, show_duplicate_confirmation: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["channel"].queryset = Channel.objects.filter(is_active=True)  # type: ignore[attr-defined]
        fields["category"].queryset = Category.objects.filter(is_active=True)  # type: ignore[attr-defined]
        fields["product"].queryset = Product.objects.filter(is_active=True)  # type: ignore[attr-defined]
        fields["emotion"].queryset = Emotion.objects.filter(is_active=True)  # type: ignore[attr-defined]
        fields["severity"].queryset = Severity.objects.filter(is_active=True)  # type: ignore[attr-defined]
        fields["customer_words"].required = True
        if not self.is_bound:
            phone = Channel.objects.filter(code="phone", is_active=True).first()
            if phone is not None:
                self.initial.setdefault("channel", phone.pk)
            medium = Severity.objects.filter(code="medium").first()
            if medium is not None:
                self.initial.setdefault("severity", medium.pk)
        if show_duplicate_confirmation:
            fields["confirm_duplicate"].widget = forms.CheckboxInput()

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned data as `submit_complaint` keywords."""
        data = self.cleaned_data
        return {name: data[name] for name in COMPLAINT_FIELDS}


# Set after the class: the form metaclass replaces a `base_fields` given in the class body.
ComplaintForm.base_fields = {
    **forms.fields_for_model(
        Complaint,
        fields=COMPLAINT_FIELDS,
        labels={
            "customer_words": "Customer's own words",
            "summary": "Your summary, as read back to the customer",
            "summary_confirmed": "The customer confirmed the summary",
            "emotion": "Emotion expressed",
            "desired_outcome": "Outcome the customer wants",
            "order_reference": "Product or order reference",
        },
        widgets={
            "customer_words": forms.Textarea(attrs={"rows": 4}),
            "summary": forms.Textarea(attrs={"rows": 2}),
            "desired_outcome": forms.Textarea(attrs={"rows": 2}),
        },
    ),
    "take_ownership": forms.BooleanField(
        label="I will own this case",
        required=False,
        initial=True,
        help_text="Untick to leave it unowned for any agent (or a supervisor) to pick up.",
    ),
    "confirm_duplicate": forms.BooleanField(
        label="Record it as a new case anyway", required=False, widget=forms.HiddenInput
    ),
}
