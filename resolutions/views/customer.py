"""The customer's page to pick a solution: signed, expiring link; GET shows, only POST acts."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from complaints.models import OPEN_STATUSES, Complaint
from portal.links import bad_link_response
from portal.signing import LinkError, read_link_id
from resolutions.conf import choice_link_max_age
from resolutions.models import SolutionOffered
from resolutions.services.choices import CHOICE_PURPOSE, record_customer_choice
from resolutions.views.refusals import attempt


@require_http_methods(["GET", "POST"])
def choose(request: HttpRequest, token: str) -> HttpResponse:
    try:
        complaint_id = read_link_id(purpose=CHOICE_PURPOSE, token=token, max_age=choice_link_max_age())
        complaint = Complaint.objects.select_related("customer").get(pk=complaint_id)
    except (LinkError, Complaint.DoesNotExist) as refused:
        message = str(refused) if isinstance(refused, LinkError) else "This link is not valid."
        return bad_link_response(request, message)
    offers = list(
        SolutionOffered.objects.filter(complaint=complaint, resolution__isnull=True).select_related("kind")
    )
    error = ""
    chosen = next((o for o in offers if o.chosen), None)
    if request.method == "POST":
        solution_id = _posted_id(request.POST.get("solution", ""))
        refusals: list[str] = []
        picked = (
            attempt(
                lambda: record_customer_choice(complaint=complaint, solution_id=solution_id), into=refusals
            )
            if solution_id
            else None
        )
        if picked is not None:
            return render(request, "resolutions/choose_done.html", {"complaint": complaint, "chosen": picked})
        error = " ".join(refusals) or "Choose one of the options shown."
    return render(
        request,
        "resolutions/choose.html",
        {
            "complaint": complaint,
            "offers": offers,
            "chosen": chosen,
            "error": error,
            "is_open": complaint.status in OPEN_STATUSES,
        },
    )


def _posted_id(value: str) -> int:
    """A row id as posted, or 0 for anything that cannot be one (the page then asks again)."""
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        return 0
    return int(value)
