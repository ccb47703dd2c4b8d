from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts.permissions import role_required
from complaints.access import visible_complaints
from complaints.models import OPEN_STATUSES


@role_required()
def home(request: HttpRequest) -> HttpResponse:
    visible = visible_complaints(request.user).select_related("customer", "severity", "category")
    mine = visible.filter(owner_id=request.user.pk, status__in=OPEN_STATUSES).order_by(
        F("reopened_at").desc(nulls_last=True), F("resolution_due_at").asc(nulls_last=True)
    )[:50]
    unowned = visible.filter(owner__isnull=True, status__in=OPEN_STATUSES).order_by("received_at")[:50]
    return render(
        request,
        "complaints/home.html",
        {"mine": mine, "unowned": unowned, "now": timezone.now()},
    )


@role_required()
def complaint_detail(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = get_object_or_404(
        visible_complaints(request.user).select_related(
            "customer", "owner", "severity", "category", "channel", "emotion", "product"
        ),
        reference=reference,
    )
    events = complaint.events.select_related("actor")
    return render(
        request,
        "complaints/detail.html",
        {"complaint": complaint, "events": events, "now": timezone.now()},
    )
