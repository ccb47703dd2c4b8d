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


class ListedChoice(forms.CharField):
    """A choice among a list the page draws itself (the filter bar's cached vocabularies): checked
    by a lookup rather than a ChoiceField, whose choices Django copies and normalises on every
    form built."""

    def __init__(self, *, as_int: bool = False, **kwargs: Any) -> None:
        self.as_int = as_int
        self.allowed: set[str] = set()
        super().__init__(required=False, **kwargs)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value:
            return None if self.as_int else ""
        if value not in self.allowed:
            raise forms.ValidationError("Select one of the choices offered.", code="invalid_choice")
        return int(value) if self.as_int else value


class CaseFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    category = ListedChoice(label="Category", as_int=True)
    severity = ListedChoice(label="Severity", as_int=True)
    channel = ListedChoice(label="Channel", as_int=True)
    owner = ListedChoice(label="Owner")
    status = ListedChoice(label="State")
    urgency = ListedChoice(label="Urgency")
    received_from = forms.DateField(label="Received from", required=False)
    received_to = forms.DateField(label="Received to", required=False)
    sort = ListedChoice(label="Order")

    def __init__(self, *args: Any, choices: dict[str, list[tuple[str, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices: dict[str, list[tuple[str, str]]] = {
            "category": [("", "Any category"), *choices["categories"]],
            "severity": [("", "Any severity"), *choices["severities"]],
            "channel": [("", "Any channel"), *choices["channels"]],
            "owner": [("", "Anyone"), ("me", "Me"), ("none", "Nobody yet"), *choices["owners"]],
            "status": STATUS_CHOICES,
            "urgency": URGENCY_CHOICES,
            "sort": SORT_CHOICES,
        }
        for name, listed in self.choices.items():
            self.fields[name].allowed = {str(value) for value, _ in listed}  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "The end date is before the start date.")
        return data

    def options(self) -> dict[str, SafeString]:
        """Each select's `<option>`s with what was chosen selected (see `options_html`)."""
        return {name: options_html(name, listed, self[name].value()) for name, listed in self.choices.items()}

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
