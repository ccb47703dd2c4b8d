"""Public pages (no account): the complaint form, its confirmation, the signed status page."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from complaints.errors import ComplaintError
from complaints.public import links
from complaints.public.forms import AddInformationForm, NewLinkForm, PublicComplaintForm
from complaints.public.new_links import request_status_link
from complaints.public.ratelimit import RateLimit, hit_public_form
from complaints.public.services import add_customer_information, submit_public_complaint
from complaints.public.timeline import public_timeline
from portal.links import bad_link_response
from portal.signing import LinkError


class SkipFiles(FileUploadHandler):
    """Reads past every file in a request body without keeping a byte of it."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None


def _limit_before_reading(request: HttpRequest, *, scope: str) -> RateLimit | None:
    """Count a POST against the per-address limit before its body is parsed. Over the limit, the
    files in the body are read past and dropped, never stored or inspected; the text fields are
    still parsed, so what the person typed comes back to them."""
    if request.method != "POST":
        return None
    limit = hit_public_form(request, scope=scope)
    if not limit.allowed:
        request.upload_handlers = [SkipFiles(request)]
    return limit


def _too_many(form: forms.Form, limit: RateLimit) -> None:
    minutes = limit.retry_after_minutes
    form.add_error(
        None,
        "We have received many submissions from your network in a short time. Please try again "
        f"in {minutes} minute{'s' if minutes != 1 else ''}; what you typed is kept below.",
    )


def _with_retry_after(response: HttpResponse, limit: RateLimit | None) -> HttpResponse:
    if limit is not None and not limit.allowed:
        response["Retry-After"] = str(limit.retry_after)
    return response


# The public POSTs are exempt from the CSRF middleware only to be checked a step later: the
# middleware reads the form body (storing any uploaded files) before the view runs, and the rate
# limit must come first. `csrf_protect` on the inner views applies the same check.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def complaint_form(request: HttpRequest) -> HttpResponse:
    return _complaint_form(request, limit=_limit_before_reading(request, scope="public-form"))


@csrf_protect
def _complaint_form(request: HttpRequest, *, limit: RateLimit | None) -> HttpResponse:
    status = 200
    if request.method != "POST":
        form = PublicComplaintForm()
        return render(request, "complaints/public/form.html", {"form": form})
    form = PublicComplaintForm(request.POST, request.FILES)
    if limit is not None and not limit.allowed:
        status = 429
        _too_many(form, limit)
    elif form.is_valid() and form.caught_by_honeypot:
        status = 400
        form.add_error(None, "We could not accept this submission. Please check the form and send it again.")
    elif form.is_valid():
        data = form.cleaned_data
        complaint = submit_public_complaint(
            name=data["name"],
            email=data["email"],
            phone=str(data["phone"] or ""),
            category=data["category"],
            order_reference=data["order_reference"],
            customer_words=data["customer_words"],
            desired_outcome=data["desired_outcome"],
            time_zone=data["time_zone"],
            files=data["attachments"],
        )
        return redirect(links.received_path(complaint))
    response = render(request, "complaints/public/form.html", {"form": form}, status=status)
    return _with_retry_after(response, limit)


@require_http_methods(["GET"])
def received(request: HttpRequest, token: str) -> HttpResponse:
    try:
        reference = links.reference_from_received_token(token)
    except LinkError as error:
        return bad_link_response(request, str(error))
    return render(request, "complaints/public/received.html", {"reference": reference})


@csrf_exempt  # checked by `_status_page`, after the rate limit (see `complaint_form`)
@require_http_methods(["GET", "POST"])
def status_page(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    limit = _limit_before_reading(request, scope="public-status")
    return _status_page(request, reference=reference, token=token, limit=limit)


@csrf_protect
def _status_page(
    request: HttpRequest, *, reference: str, token: str, limit: RateLimit | None
) -> HttpResponse:
    try:
        complaint = links.complaint_for_status_link(reference=reference, token=token)
    except LinkError as error:
        return bad_link_response(request, str(error))
    form = AddInformationForm()
    status = 200
    if request.method == "POST":
        form = AddInformationForm(request.POST, request.FILES)
        if limit is not None and not limit.allowed:
            status = 429
            _too_many(form, limit)
        elif form.is_valid():
            try:
                add_customer_information(
                    complaint=complaint,
                    text=form.cleaned_data["text"],
                    files=form.cleaned_data["attachments"],
                )
            except ComplaintError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Thank you: we have added this to your complaint.")
                return redirect(request.path)
    response = render(
        request,
        "complaints/public/status.html",
        {
            "complaint": complaint,
            "entries": public_timeline(complaint),
            "form": form,
            "can_add": complaint.status not in ("closed", "withdrawn"),
        },
        status=status,
    )
    return _with_retry_after(response, limit)


@csrf_exempt  # checked by `_new_link`, after the rate limit (see `complaint_form`)
@require_http_methods(["GET", "POST"])
def new_link(request: HttpRequest) -> HttpResponse:
    return _new_link(request, limit=_limit_before_reading(request, scope="public-new-link"))


@csrf_protect
def _new_link(request: HttpRequest, *, limit: RateLimit | None) -> HttpResponse:
    """Always the same answer for a well-formed request, whether or not anything matched."""
    if request.method != "POST":
        return render(request, "complaints/public/new_link.html", {"form": NewLinkForm()})
    form = NewLinkForm(request.POST)
    status = 200
    if limit is not None and not limit.allowed:
        status = 429
        _too_many(form, limit)
    elif form.is_valid():
        request_status_link(reference=form.cleaned_data["reference"], email=form.cleaned_data["email"])
        return render(
            request,
            "complaints/public/new_link.html",
            {"form": NewLinkForm(initial=form.cleaned_data), "sent": True},
        )
    response = render(request, "complaints/public/new_link.html", {"form": form}, status=status)
    return _with_retry_after(response, limit)
