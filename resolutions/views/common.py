from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from complaints.access import can_work_on, visible_complaints
from complaints.models import Complaint
from resolutions.services.resolving import SolutionInput


def case_to_work_on(request: HttpRequest, reference: str) -> Complaint:
    """The case, if this user may see it (404 otherwise) and act on it (403 otherwise)."""
    complaint = get_object_or_404(
        visible_complaints(request.user).select_related("customer", "owner", "category", "severity"),
        reference=reference,
    )
    if not can_work_on(request.user, complaint):
        raise PermissionDenied("Only the case's owner or a supervisor can do this.")
    return complaint


def solution_inputs(rows: list[tuple[int, forms.Form]]) -> tuple[list[SolutionInput], dict[int, int]]:
    """Inputs for the service, and which filled row became which solution."""
    inputs: list[SolutionInput] = []
    index_of_row: dict[int, int] = {}
    for row, form in rows:
        data = form.cleaned_data
        index_of_row[row] = len(inputs)
        inputs.append(
            SolutionInput(
                kind=data["kind"],
                details=data["details"],
                value=data.get("value") or 0,  # type: ignore[arg-type]
                currency=data["currency"],
            )
        )
    return inputs, index_of_row
