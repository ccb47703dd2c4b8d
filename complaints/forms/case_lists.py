"""The case list's filter form: validation only; the page renders the fields itself (a filter bar
is drawn on every list page, and Django's widget templates cost a third of the page's time)."""

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.safestring import SafeString

from complaints.models import Status
from complaints.selectors.case_lists import CaseFilters, Sort, StateFilter, UrgencyFilter
from complaints.selectors.vocabularies import options_html

STATUS_CHOICES = [
    ("", "Any state"),
    (StateFilter.OPEN.value, "Open (any open state)"),
    (StateFilter.FINISHED.value, "Finished (resolved, closed, withdrawn)"),
    *Status.choices,
]
URGENCY_CHOICES = [
    ("", "Any"),
    (UrgencyFilter.OVERDUE.value, "Overdue"),
    (UrgencyFilter.AT_RISK.value, "At risk"),
    (UrgencyFilter.ATTENTION.value, "Overdue or at risk"),
]
SORT_CHOICES = [(Sort.NEWEST.value, "Newest first"), (Sort.DUE.value, "Most urgent first (due time)")]

# The query-string keys the list understands; a saved filter keeps only these.
FILTER_KEYS = (
    "q",
    "category",
    "severity",
    "channel",
    "owner",
    "status",
    "urgency",
    "received_from",
    "received_to",
    "sort",
)


class CaseFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    category = forms.TypedChoiceField(label="Category", required=False, coerce=int, empty_value=None)
    severity = forms.TypedChoiceField(label="Severity", required=False, coerce=int, empty_value=None)
    channel = forms.TypedChoiceField(label="Channel", required=False, coerce=int, empty_value=None)
    owner = forms.ChoiceField(label="Owner", required=False)
    status = forms.ChoiceField(label="State", required=False, choices=STATUS_CHOICES)
    urgency = forms.ChoiceField(label="Urgency", required=False, choices=URGENCY_CHOICES)
    received_from = forms.DateField(label="Received from", required=False)
    received_to = forms.DateField(label="Received to", required=False)
    sort = forms.ChoiceField(label="Order", required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[str, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Any category"), *choices["categories"]]  # type: ignore[attr-defined]
        self.fields["severity"].choices = [("", "Any severity"), *choices["severities"]]  # type: ignore[attr-defined]
        self.fields["channel"].choices = [("", "Any channel"), *choices["channels"]]  # type: ignore[attr-defined]
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"),
            ("me", "Me"),
            ("none", "Nobody yet"),
            *choices["owners"],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "The end date is before the start date.")
        return data

    def options(self) -> dict[str, SafeString]:
        """Each select's `<option>`s with what was chosen selected (see `options_html`)."""
        return {
            name: options_html(name, self.fields[name].choices, self[name].value())  # type: ignore[attr-defined]
            for name in ("category", "severity", "channel", "owner", "status", "urgency", "sort")
        }

    def filters(self) -> CaseFilters:
        """The valid filters; a field with an error is left out (the page shows the error)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return CaseFilters(
            category=data.get("category"),
            severity=data.get("severity"),
            channel=data.get("channel"),
            owner=data.get("owner") or "",
            status=data.get("status") or "",
            urgency=data.get("urgency") or "",
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            sort=Sort(data.get("sort") or Sort.NEWEST),
        )


def filter_query(params: QueryDict) -> str:
    """The part of a list URL's query string that says what is shown (no page cursor)."""
    kept = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        value = params.get(key, "")
        if value:
            kept[key] = value
    return kept.urlencode()


class SavedFilterForm(forms.Form):
    name = forms.CharField(label="Name for these filters", max_length=80)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1_000)
