"""Forms on the case page: status, ownership, notes, calls, emails."""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.auth.models import User

from complaints.access import assignable_users
from complaints.models import CannedResponse, Complaint, Status
from complaints.selectors.vocabularies import canned_choices, filter_choices
from complaints.services.case_work import CallDirection, CallOutcome
from complaints.states import manual_next

NOTE_MAX = 5_000


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label="New status", choices=Status.choices)
    note = forms.CharField(
        label="Note for the timeline",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the moves the workflow allows are offered; the service still checks (and explains).
        allowed = [(s.value, s.label) for s in manual_next(complaint.status)]
        if self.is_bound:
            allowed = list(Status.choices)
        self.fields["to_status"].choices = allowed  # type: ignore[attr-defined]

    def clean_to_status(self) -> str:
        to_status: str = self.cleaned_data["to_status"]
        if to_status == Status.RESOLVED:
            raise forms.ValidationError(
                "Resolve the case with the resolution form, which records what was agreed."
            )
        if to_status == Status.REOPENED:
            raise forms.ValidationError("Reopen the case with its reopen button, which asks for the reason.")
        return to_status


class WaitingForm(forms.Form):
    # The button says which way it goes, so a double click cannot undo the first click.
    action = forms.ChoiceField(choices=[("start", "start"), ("stop", "stop")], widget=forms.HiddenInput)
    note = forms.CharField(label="Note", required=False, max_length=NOTE_MAX)


class OwnerForm(forms.Form):
    to_user = forms.ModelChoiceField(label="New owner", queryset=User.objects.none())
    note = forms.CharField(
        label="Why (the new owner reads this first)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_user"]
        if self.is_bound:
            # What is submitted is checked against the people who may own cases now. An unbound
            # form (every case page) only offers the choices below: building this query was
            # a millisecond of the page.
            field.queryset = assignable_users()  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: u.get_full_name() or u.get_username()  # type: ignore[attr-defined]
        # Offered from the kept list of staff (the same people, names and order) rather than read
        # on every case page.
        field.choices = [("", field.empty_label), *filter_choices()["owners"]]  # type: ignore[attr-defined]


class BulkReassignForm(OwnerForm):
    cases = forms.ModelMultipleChoiceField(queryset=Complaint.objects.all(), to_field_name="reference")


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Internal note", max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class CallForm(forms.Form):
    direction = forms.ChoiceField(label="Direction", choices=CallDirection.choices)
    minutes = forms.IntegerField(label="Duration (minutes)", min_value=0, max_value=600, initial=5)
    outcome = forms.ChoiceField(label="Outcome", choices=CallOutcome.choices)
    note = forms.CharField(
        label="What was said", required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.cleaned_data["minutes"])


class EmailForm(forms.Form):
    canned = forms.ModelChoiceField(
        label="Canned response", queryset=CannedResponse.objects.filter(is_active=True)
    )
    message = forms.CharField(
        label="Personal message (added before the sign-off)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offered from the kept list, as OwnerForm's people; a submitted choice is checked against
        # the field's query.
        field = self.fields["canned"]
        field.choices = [("", field.empty_label), *canned_choices()]  # type: ignore[attr-defined]
