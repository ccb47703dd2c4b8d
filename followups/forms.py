from django import forms

from followups.models import CallOutcome

SATISFACTION = [
    (1, "1: Very dissatisfied"),
    (2, "2: Dissatisfied"),
    (3, "3: Neither"),
    (4, "4: Satisfied"),
    (5, "5: Very satisfied"),
]


class SurveyForm(forms.Form):
    resolved = forms.TypedChoiceField(
        label="Is your complaint resolved?",
        choices=[("yes", "Yes, it is resolved"), ("no", "No, it is not resolved")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    satisfaction = forms.TypedChoiceField(
        label="How satisfied are you with how we handled it?",
        choices=SATISFACTION,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Anything you want to tell us? (optional)",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CallOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=CallOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note (what the customer said)",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
