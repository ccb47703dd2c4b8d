"""Forms: validation of what was typed only. The rules live in the services."""

import uuid
from typing import Any

from django import forms

from resolutions.conf import currency_choices
from resolutions.errors import ResolutionError
from resolutions.models import CompensationKind, RecoveryStep, RootCause, SolutionOffered
from resolutions.services.resolving import MAX_SOLUTIONS

STEP_FIELDS = [code for code, _ in RecoveryStep.Code.choices]


def _amount_widget() -> forms.NumberInput:
    return forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"})


class IdempotentForm(forms.Form):
    """Carries a key made when the page was shown: submitting the same page twice is one action."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4())
        super().__init__(*args, **kwargs)


class SolutionForm(forms.Form):
    kind = forms.ModelChoiceField(queryset=CompensationKind.objects.filter(is_active=True))
    details = forms.CharField(max_length=500, help_text="What exactly is offered.")
    value = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, widget=_amount_widget()
    )
    currency = forms.ChoiceField(choices=currency_choices, initial="GBP")


class BaseSolutionFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": "Offer at most %(num)d solutions at a time.",
        "missing_management_form": "This form is incomplete; reload the page and fill it in again.",
    }

    def filled_forms(self) -> list[tuple[int, forms.Form]]:
        """(row index, form) of rows the agent filled in; untouched rows are ignored."""
        return [(i, f) for i, f in enumerate(self.forms) if f.has_changed() and f.cleaned_data]


MAX_SOLUTION_ROWS = MAX_SOLUTIONS


def solution_formset(data: Any = None) -> BaseSolutionFormSet:
    """Three empty rows, at most six. `absolute_max` bounds the rows Django builds from the posted
    TOTAL_FORMS (by default it would build up to 1,000 more), and `validate_max` refuses a post
    that claims more, with a message, instead of quietly storing them."""
    formset_class = forms.formset_factory(
        SolutionForm,
        formset=BaseSolutionFormSet,
        extra=3,
        max_num=MAX_SOLUTION_ROWS,
        absolute_max=MAX_SOLUTION_ROWS,
        validate_max=True,
    )
    return formset_class(data, prefix="solutions")  # type: ignore[return-value]


class CompensationForm(forms.Form):
    kind = forms.ModelChoiceField(queryset=CompensationKind.objects.filter(is_active=True), required=False)
    amount = forms.DecimalField(max_digits=12, decimal_places=2, required=False, widget=_amount_widget())
    currency = forms.ChoiceField(choices=currency_choices, initial="GBP")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2_000, required=False)

    def __init__(self, *args: Any, optional: bool = True, **kwargs: Any) -> None:
        self.optional = optional
        super().__init__(*args, **kwargs)
        if not optional:
            for name in ("kind", "amount", "reason"):
                self.fields[name].required = True

    @property
    def is_filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("kind") or data.get("amount") is not None or data.get("reason"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.optional and self.is_filled:
            for name, message in (
                ("kind", "Choose the kind of compensation."),
                ("amount", "Enter the amount."),
                ("reason", "Say why the customer is compensated."),
            ):
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, message)
        return data


class ProposeCompensationForm(IdempotentForm, CompensationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, optional=False, **kwargs)


class ResolveForm(IdempotentForm):
    listened = forms.BooleanField(required=False)
    emotion_acknowledged = forms.BooleanField(required=False)
    apology_given = forms.BooleanField(required=False)
    ownership_taken = forms.BooleanField(required=False)
    choice = forms.ChoiceField(label="Customer's choice")
    outcome = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        help_text="In words the customer would recognise; it goes into their confirmation email.",
    )
    root_cause = forms.ModelChoiceField(queryset=RootCause.objects.filter(is_active=True))
    preventable = forms.TypedChoiceField(
        label="Was it preventable?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    lesson_learned = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5_000,
        required=False,
        help_text="Optional; shared with the team.",
    )

    def __init__(self, *args: Any, open_offers: list[SolutionOffered], row_count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        steps = list(RecoveryStep.objects.all())
        for step in steps:
            field = self.fields[step.code]
            field.label = step.label + (" (required)" if step.is_required else "")
            field.help_text = step.help_text
        # Each step with its field and the words an agent might use, in the admins' order.
        self.recovery = [(step, self[step.code]) for step in steps]
        picked = next((o for o in open_offers if o.chosen), None)
        choices: list[tuple[str, str]] = [("", "Select the solution the customer chose")]
        choices += [(f"offer-{o.pk}", f"Emailed option: {o.kind}: {o.details}") for o in open_offers]
        choices += [(f"new-{i}", f"Solution {i + 1} below") for i in range(row_count)]
        self.fields["choice"].choices = choices  # type: ignore[attr-defined]
        if picked is not None:
            self.fields["choice"].initial = f"offer-{picked.pk}"
            self.fields["choice"].help_text = f"The customer chose “{picked.kind}: {picked.details}” by link."
        self.open_offers = {f"offer-{o.pk}": o for o in open_offers}

    def chosen(self, filled_rows: dict[int, int]) -> int | SolutionOffered:
        """The service's `chosen`: an offer, or the index of a filled row among the new solutions."""
        value = self.cleaned_data["choice"]
        if value in self.open_offers:
            return self.open_offers[value]
        row = int(value.removeprefix("new-"))
        if row not in filled_rows:
            raise ResolutionError(
                f"Solution {row + 1} is empty; fill it in or choose another.", field="choice"
            )
        return filled_rows[row]


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2_000)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    reason = forms.CharField(
        label="Note for the agent",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2_000,
        required=False,
        help_text="Required when rejecting; the agent reads it on their home page, by email and on the case.",
    )


class IssueForm(forms.Form):
    external_reference = forms.CharField(max_length=200, label="External reference")
