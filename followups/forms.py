from django import forms

from followups.models import FollowUpCallOutcome

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


REACHED = (FollowUpCallOutcome.SATISFIED, FollowUpCallOutcome.NOT_SATISFIED)


class CallOutcomeForm(forms.Form):
    """The call's outcome and, when the customer was reached, the survey's own questions: whether
    it is resolved (the outcome says) and how satisfied they are, so both channels count alike."""

    outcome = forms.ChoiceField(
        label="Outcome",
        choices=FollowUpCallOutcome.choices,
        widget=forms.RadioSelect,
        help_text="Reached: ask “Is your complaint resolved?”; not resolved reopens the case.",
    )
    satisfaction = forms.TypedChoiceField(
        label="How satisfied are they with how we handled it?",
        choices=SATISFACTION,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text="Ask when you reach them, as the email survey does.",
    )
    note = forms.CharField(
        label="Note (what the customer said)",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (
            data.get("outcome") in REACHED
            and data.get("satisfaction") is None
            and "satisfaction" not in self.errors
        ):
            self.add_error("satisfaction", "Ask how satisfied they are, from 1 to 5.")
        if data.get("outcome") not in REACHED:
            data["satisfaction"] = None  # nobody was asked
        return data
