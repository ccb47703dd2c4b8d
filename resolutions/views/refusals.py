"""The one place where a service's refusal becomes something a person reads.

Services refuse with `ResolutionError` (and the complaints services they lean on, such as
reopening, with `ComplaintError`). Nothing else is caught: any other exception is a programming
error and must surface as one, never as a message to the user.
"""

from collections.abc import Callable, Sequence
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from complaints.errors import ComplaintError
from resolutions.errors import NON_FIELD, ResolutionError

T = TypeVar("T")


def attempt(
    call: Callable[[], T],
    *,
    forms_in_order: Sequence[forms.Form] = (),
    request: HttpRequest | None = None,
    into: list[str] | None = None,
) -> T | None:
    """Run a service call; on a refusal return None and show it: beside the field it names in
    `forms_in_order` (or above the first form), else in `into`, else in the page's messages."""
    try:
        return call()
    except (ResolutionError, ComplaintError) as refusal:
        errors = refusal.errors if isinstance(refusal, ResolutionError) else {NON_FIELD: [str(refusal)]}
        if forms_in_order:
            _on_forms(errors, forms_in_order)
        elif into is not None:
            into.extend(text for texts in errors.values() for text in texts)
        elif request is not None:
            messages.error(request, " ".join(text for texts in errors.values() for text in texts))
        else:
            raise
        return None


def _on_forms(errors: dict[str, list[str]], forms_in_order: Sequence[forms.Form]) -> None:
    first = forms_in_order[0]
    for field, texts in errors.items():
        target = next((f for f in forms_in_order if field in f.fields), None)
        if target is None:
            first.add_error(None, texts)
        else:
            target.add_error(field, texts)
