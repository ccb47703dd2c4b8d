"""Phone intake: find the customer (or create them), then record the complaint, in one or two pages."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from accounts.permissions import role_required
from complaints.access import visible_complaints, visible_customers
from complaints.errors import CustomerExists, DuplicateComplaint
from complaints.forms.intake import ComplaintForm, CustomerForm, CustomerSearchForm
from complaints.models import Complaint, Customer
from complaints.services.intake import create_customer, find_customers, submit_complaint

EARLIER_SHOWN = 10


@require_safe  # a page to read: other methods are refused, never acted on
@role_required()
def intake_search(request: HttpRequest) -> HttpResponse:
    """GET only: searching changes nothing."""
    form = CustomerSearchForm(request.GET or None)
    customers: list[Customer] = []
    if form.is_valid() and form.cleaned_data["q"]:
        customers = list(
            find_customers(
                query=form.cleaned_data["q"],
                region=settings.PHONENUMBER_DEFAULT_REGION,
                among=visible_customers(request.user),
            )
        )
    return render(
        request,
        "complaints/intake/search.html",
        {"form": form, "customers": customers, "searched": bool(form.is_bound and form.data.get("q"))},
    )


def _record(request: HttpRequest, form: ComplaintForm, customer: Customer) -> Complaint:
    data = form.cleaned_data
    actor: User = request.user  # type: ignore[assignment]
    return submit_complaint(
        customer=customer,
        actor=actor,
        owner=actor if data["take_ownership"] else None,
        refuse_duplicate=not data["confirm_duplicate"],
        **form.service_arguments(),
    )


def _recorded(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    messages.success(
        request, f"Complaint recorded. Read the reference to the customer: {complaint.reference}."
    )
    return redirect("complaints:detail", complaint.reference)


@role_required()
def intake_for_customer(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_object_or_404(visible_customers(request.user), pk=customer_id)
    duplicate: Complaint | None = None
    if request.method == "POST":
        form = ComplaintForm(request.POST)
        if form.is_valid():
            try:
                return _recorded(request, _record(request, form, customer))
            except DuplicateComplaint as found:
                duplicate = found.existing
                form = ComplaintForm(request.POST, show_duplicate_confirmation=True)
                form.is_valid()
    else:
        form = ComplaintForm()
    earlier = (
        visible_complaints(request.user)
        .filter(customer=customer)
        .select_related("category", "owner")
        .order_by("-received_at")[: EARLIER_SHOWN + 1]
    )
    context: dict[str, Any] = {
        "customer": customer,
        "form": form,
        "duplicate": duplicate,
        "earlier": list(earlier),
        "earlier_shown": EARLIER_SHOWN,
    }
    return render(request, "complaints/intake/complaint.html", context)


@role_required()
def intake_new_customer(request: HttpRequest) -> HttpResponse:
    """A first-time customer and their complaint in one submit: both are saved, or neither."""
    if request.method == "POST":
        customer_form = CustomerForm(request.POST, prefix="customer")
        form = ComplaintForm(request.POST)
        if customer_form.is_valid() and form.is_valid():
            try:
                with transaction.atomic():
                    data = customer_form.cleaned_data
                    customer = create_customer(
                        name=data["name"],
                        email=data["email"],
                        phone=data["phone"],
                        preferred_channel=data["preferred_channel"],
                        time_zone=data["time_zone"],
                    )
                    # A new customer cannot have an open case yet: no duplicate check needed.
                    complaint = _record(request, form, customer)
            except CustomerExists as exists:
                customer_form.existing_customer = exists.existing
                customer_form.add_error("email", str(exists))
            else:
                return _recorded(request, complaint)
    else:
        customer_form = CustomerForm(prefix="customer", initial={"name": request.GET.get("name", "")[:200]})
        form = ComplaintForm()
    return render(
        request,
        "complaints/intake/new_customer.html",
        {"customer_form": customer_form, "form": form},
    )
