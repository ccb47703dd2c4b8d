"""`{% approval_cards rows %}`: the approval queue's requests, drawn in one pass.

A request's card shows what a decision needs (the customer, the complaint, earlier awards, the
policy's limits, the budget left) and its decision form; the queue shows 25 of them. Through the
template each card cost about a third of a millisecond of lookups, and a decision form built and
rendered per card as much again, more than reading the requests. The words are prepared by
`resolutions.selectors.approval_queue`; here every value goes through `escape` once. The
markup is the same as the card template's was (`templates/resolutions/approvals.html` holds
the page around it)."""

from collections.abc import Iterable
from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import template
from django.utils.safestring import SafeString

from portal.escaping import escape_text as escape
from resolutions.forms import DecisionForm

register = template.Library()

# An unbound decision form's markup depends only on its prefix: drawn once per process with a
# placeholder prefix and given each request's own.
PLACEHOLDER = "c__request__"
_unbound: dict[str, str] = {}


def _unbound_form(pk: int) -> str:
    markup = _unbound.get("form")
    if markup is None:
        markup = _unbound["form"] = str(as_crispy_form(DecisionForm(prefix=PLACEHOLDER)))
    return markup.replace(PLACEHOLDER, f"c{pk:d}")


def _previous(request: Any) -> str:
    if not request.previous:
        return "Nothing so far."
    items = "".join(f"<li>{escape(award.text)}</li>" for award in request.previous)
    totals = "".join(f"<div>In all: {escape(total)}</div>" for total in request.previous_totals.values())
    return f'<ul class="mb-0 ps-3">{items}</ul>\n          {totals}'


def _card(request: Any, form: Any, csrf: str) -> str:
    c = request.compensation
    complaint = c.complaint
    pk = int(c.pk)
    badge = (
        ' <span class="badge text-bg-warning">Above the supervisor limit: admins decide</span>'
        if request.needs_admin
        else ""
    )
    form_html = str(as_crispy_form(form)) if form is not None else _unbound_form(pk)
    category = escape(request.category)
    case_link = f'<a href="{escape(request.case_url)}">{escape(complaint.reference)}</a>'
    customer_link = f'<a href="{escape(request.customer_url)}">{escape(complaint.customer.name)}</a>'
    budget = escape(request.budget_text)
    what = f"{escape(c.kind)} of {escape(request.amount_text)}{badge}"
    return f"""<section class="card mb-3 approval-request" aria-labelledby="approval-{pk}">
  <div class="card-body">
    <h2 class="h5" id="approval-{pk}">{case_link}: {what}</h2>
    <p class="mb-2">Proposed by {escape(request.proposer)} on {escape(request.proposed)}. Reason: \
<span class="customer-words">{escape(c.reason)}</span></p>
    <div class="row g-3">
      <div class="col-md-6">
        <h3 class="h6">The customer and the complaint</h3>
        <dl class="mb-0 approval-context">
          <dt>Customer</dt><dd>{customer_link} · {category}</dd>
          <dt>Complaint</dt><dd class="customer-words">{escape(request.complaint_text)}</dd>
          <dt>What they want</dt><dd class="customer-words">\
{escape(complaint.desired_outcome or "Not recorded.")}</dd>
          <dt>Already given to this customer</dt>
          <dd class="previous-awards">{_previous(request)}</dd>
        </dl>
      </div>
      <div class="col-md-6">
        <h3 class="h6">Policy “{escape(c.policy)}”</h3>
        <dl class="mb-0 approval-limits">
          <dt>Case total if approved</dt><dd>{escape(request.total_text)}</dd>
          <dt>Limits per case</dt><dd>{escape(request.limits_text)}</dd>
          <dt>Budget left this month for {category}</dt><dd class="budget-left">{budget}</dd>
        </dl>
      </div>
    </div>
    <form method="post" action="{escape(request.decide_url)}" class="mt-3" novalidate>
      <input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf)}">
      {form_html}
      <button type="submit" class="btn btn-primary">Record decision</button>
    </form>
  </div>
</section>
"""


@register.simple_tag(takes_context=True)
def approval_cards(context: template.Context, rows: Iterable[tuple[Any, Any]]) -> SafeString:
    """`rows`: (request, its bound form after a refused decision, else None)."""
    csrf = str(context.get("csrf_token") or "")
    # Safe: every value went through `escape`; the forms are crispy's own rendering.
    return SafeString("".join(_card(request, form, csrf) for request, form in rows))  # nosec B703
