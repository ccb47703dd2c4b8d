"""Phone intake: find the customer (or create them), then record the complaint, in one or two pages."""

from typing import Any
from urllib.parse import urlencode

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
from complaints.phones import parse_phone, zone_for_phone
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
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    return render(
        request,
        "complaints/intake/search.html",
        {
            "form": form,
            "customers": customers,
            "searched": bool(form.is_bound and form.data.get("q")),
            "new_customer_query": urlencode(new_customer_fields(query)),
        },
    )


def new_customer_fields(query: str) -> dict[str, str]:
    """What was searched for, as the field of the new-customer form it belongs in: a phone number
    goes into Phone (not Name), an email address into Email."""
    query = " ".join(query.split())[:200]
    if not query:
        return {}
    if "@" in query:
        return {"email": query}
    if parse_phone(query, settings.PHONENUMBER_DEFAULT_REGION) is not None:
        return {"phone": query}
    return {"name": query}


def _new_customer_initial(request: HttpRequest) -> dict[str, str]:
    """The new-customer form as the search left it; the time zone follows the phone's country."""
    initial = {field: request.GET.get(field, "")[:200] for field in ("name", "email", "phone")}
    zone = zone_for_phone(initial["phone"], settings.PHONENUMBER_DEFAULT_REGION) if initial["phone"] else None
    if zone:
        initial["time_zone"] = zone
    return {key: value for key, value in initial.items() if value}


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
        customer_form = CustomerForm(prefix="customer", initial=_new_customer_initial(request))
        form = ComplaintForm()
    return render(
        request,
        "complaints/intake/new_customer.html",
        {"customer_form": customer_form, "form": form},
    )
