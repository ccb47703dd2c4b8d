"""Pages customers reach from the follow-up email: no account, a signed expiring link.

A GET only shows a page: mail scanners open every link in a message and must not answer or
unsubscribe for the customer. Only a submitted form acts.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from complaints.models import Customer
from followups import conf
from followups.errors import FollowUpError
from followups.forms import SurveyForm
from followups.models import FollowUp
from followups.services.emails import SURVEY_PURPOSE, UNSUBSCRIBE_PURPOSE, unsubscribe_url
from followups.services.surveys import amend_deadline, can_answer, record_survey_answer, unsubscribe_customer
from portal.links import bad_link_response
from portal.signing import LinkError, read_link_id


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    try:
        pk = read_link_id(purpose=SURVEY_PURPOSE, token=token, max_age=conf.survey_link_max_age())
    except LinkError as error:
        return bad_link_response(request, str(error))
    followup = FollowUp.objects.select_related("complaint", "customer", "message").filter(pk=pk).first()
    if followup is None:
        return bad_link_response(request, "This link is not valid.")
    now = timezone.now()
    initial = {}
    if followup.has_answer:
        initial = {
            "resolved": "yes" if followup.answer_resolved else "no",
            "satisfaction": followup.answer_satisfaction,
            "comment": followup.answer_comment,
        }
    form = SurveyForm(request.POST or None, initial=initial)
    if request.method == "POST" and can_answer(followup, now) and form.is_valid():
        try:
            record_survey_answer(
                followup=followup,
                resolved=form.cleaned_data["resolved"],
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
            )
        except FollowUpError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Thank you: your answer is recorded.")
            return redirect("followups:survey", token=token)
    return render(
        request,
        "followups/survey.html",
        {
            "form": form,
            "followup": followup,
            "complaint": followup.complaint,
            "open": can_answer(followup, now),
            "amend_deadline": amend_deadline(followup),
            "unsubscribe_url": unsubscribe_url(followup.customer),
        },
    )


# The signed token in the URL is the credential, as RFC 8058 asks: a mailbox provider's one-click
# unsubscribe POSTs `List-Unsubscribe=One-Click` to this URL with no cookie and no CSRF token. A
# cross-site forgery would need the token itself, which only the customer's mailbox holds. GET
# still only shows the page: link scanners open every link.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        pk = read_link_id(purpose=UNSUBSCRIBE_PURPOSE, token=token, max_age=conf.unsubscribe_link_max_age())
    except LinkError as error:
        return bad_link_response(request, str(error))
    customer = Customer.objects.filter(pk=pk).first()
    if customer is None:
        return bad_link_response(request, "This link is not valid.")
    if request.method == "POST":
        unsubscribe_customer(customer=customer)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            # Answered to a mail system, not a person: a plain confirmation, no redirect.
            return HttpResponse("Unsubscribed from follow-up messages.\n", content_type="text/plain")
        messages.success(request, "You will get no more follow-up messages from us.")
        return redirect("followups:unsubscribe", token=token)
    return render(request, "followups/unsubscribe.html", {"customer": customer})
