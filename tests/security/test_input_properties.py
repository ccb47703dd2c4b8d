"""Whatever people type, the pages do not fail, give back what was typed when they refuse it, and
show it (and mail it) as text, never as markup.

Property-based (hypothesis) over the public form, the phone intake, the resolve form, the survey
and the status page. Twenty examples each, no deadline: the suite runs on two shared cores.
"""

import re
import uuid
from html import escape

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints.models import Complaint, Status
from complaints.public.links import status_path
from complaints.services.transitions import change_status
from followups.services.emails import SURVEY_PURPOSE
from outbox.models import Message
from portal.signing import make_link_token
from resolutions.models import Resolution
from tests.complaints.test_intake import complaint_post
from tests.factories import AgentFactory, ComplaintFactory, CustomerFactory, public_category
from tests.resolutions.test_views import resolve_data
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Anything a person, a paste or a script may send in a text field, markup and quotes included.
TEXT = st.one_of(
    st.text(max_size=120),
    st.sampled_from(["<script>alert(1)</script>", "\"'><img src=x onerror=alert(1)>", "a & b", "{{ 7*7 }}"]),
)


def marked(text: str) -> str:
    """Text framed so that finding it in a page proves it came from what was typed."""
    return f"Zq{uuid.uuid4().hex[:6]} {text} qZ"


def page_of(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, response.status_code
    return response.content.decode()


def assert_shown_as_text(page: str, text: str) -> None:
    """Each line of `text` is on the page, escaped (pages may break lines with <br>), and no
    markup typed survives as markup."""
    for line in re.split(r"\r\n|\r|\n", text):
        assert escape(line) in page, line
    if "<" in text:
        assert text not in page


@pytest.fixture(autouse=True)
def _generous_limits(settings):  # type: ignore[no-untyped-def]
    settings.PUBLIC_FORM_MAX_POSTS = 100_000
    cache.clear()


@EXAMPLES
@given(name=TEXT, words=TEXT, wanted=TEXT, email=st.sampled_from(["", "not-an-email", "ada@example.com"]))
def test_the_public_form_keeps_and_escapes_whatever_is_typed(
    name: str, words: str, wanted: str, email: str
) -> None:
    category = public_category("Deliveries")
    typed = {"name": marked(name), "customer_words": marked(words), "desired_outcome": marked(wanted)}
    email = email.replace("ada@", f"ada{uuid.uuid4().hex[:8]}@")
    response = Client().post(
        reverse("complaints:public:complain"), {**typed, "email": email, "category": str(category.pk)}
    )
    page = page_of(response)
    if response.status_code == 200:  # refused: everything typed comes back, as text
        for value in typed.values():
            assert_shown_as_text(page, value)
        return
    assert response.status_code == 302
    complaint = Complaint.objects.select_related("customer").get(customer__email=email)
    message = Message.objects.get(key=f"acknowledgement:{complaint.pk}")
    assert_shown_as_text(message.html, complaint.customer_words)
    assert complaint.customer_words in message.text  # the text body is plain text, not escaped
    assert_shown_as_text(page_of(Client().get(status_path(complaint))), complaint.customer_words)


@EXAMPLES
@given(words=TEXT, summary=TEXT, reference=TEXT, severity=st.sampled_from(["", "1", "999999", "x"]))
def test_the_phone_intake_keeps_and_escapes_whatever_is_typed(
    agent_client, words: str, summary: str, reference: str, severity: str
) -> None:
    customer = CustomerFactory()
    category = public_category("Deliveries")
    typed = {
        "customer_words": marked(words),
        "summary": marked(summary),
        "order_reference": marked(reference)[:200],
    }
    data = complaint_post(category, **typed)
    if severity:
        data["severity"] = severity
    response = agent_client.post(reverse("complaints:intake_customer", args=[customer.pk]), data)
    page = page_of(response)
    if response.status_code == 200:
        for value in typed.values():
            assert_shown_as_text(page, value)
        return
    complaint = Complaint.objects.filter(customer=customer).latest("pk")
    case_page = page_of(agent_client.get(reverse("complaints:detail", args=[complaint.reference])))
    assert_shown_as_text(case_page, complaint.customer_words)
    assert_shown_as_text(case_page, complaint.summary)


@EXAMPLES
@given(outcome=TEXT, details=TEXT, lesson=TEXT, value=st.sampled_from(["", "5", "-1", "1e9", "abc"]))
def test_the_resolve_form_keeps_and_escapes_whatever_is_typed(
    client, case, agent, outcome: str, details: str, lesson: str, value: str
) -> None:
    client.force_login(agent)
    case = ComplaintFactory(owner=agent, category=case.category)  # a fresh open case per example
    change_status(complaint=case, to_status=Status.INVESTIGATING, actor=agent)
    typed = {
        "outcome": marked(outcome),
        "solutions-1-details": marked(details)[:500],
        "lesson_learned": marked(lesson),
    }
    response = client.post(
        reverse("resolutions:resolve", args=[case.reference]),
        resolve_data(**typed, **{"solutions-1-value": value}),
    )
    page = page_of(response)
    if response.status_code == 200:
        for text in typed.values():
            assert_shown_as_text(page, text)
        return
    resolution = Resolution.objects.filter(complaint=case).latest("pk")
    message = Message.objects.get(key=f"resolution-confirmation:{resolution.pk}")
    assert_shown_as_text(message.html, resolution.outcome)
    assert_shown_as_text(
        page_of(client.get(reverse("complaints:detail", args=[case.reference]))), resolution.outcome
    )


@EXAMPLES
@given(
    comment=TEXT,
    resolved=st.sampled_from(["yes", "no", "", "maybe"]),
    satisfaction=st.sampled_from(["1", "5", "0", "6", "", "x"]),
)
def test_the_survey_keeps_and_escapes_whatever_is_typed(
    comment: str, resolved: str, satisfaction: str
) -> None:
    world = build_world()
    token = make_link_token(purpose=SURVEY_PURPOSE, value=world.survey.pk)
    typed = marked(comment)
    response = Client().post(
        reverse("followups:survey", args=[token]),
        {"comment": typed, "resolved": resolved, "satisfaction": satisfaction},
    )
    page = page_of(response)
    if response.status_code == 200:
        assert_shown_as_text(page, typed)
        return
    staff = Client()
    staff.force_login(world.agent)
    world.survey.refresh_from_db()
    assert_shown_as_text(
        page_of(staff.get(reverse("complaints:detail", args=[world.case.reference]))),
        world.survey.answer_comment,
    )


@EXAMPLES
@given(text=TEXT, closed=st.booleans())
def test_the_status_page_keeps_and_escapes_whatever_is_added(text: str, closed: bool) -> None:
    owner = AgentFactory()
    complaint = ComplaintFactory(owner=owner)
    if closed:
        change_status(complaint=complaint, to_status=Status.WITHDRAWN, actor=owner)
    typed = marked(text)
    client = Client()
    response = client.post(status_path(complaint), {"text": typed})
    page = page_of(response)
    if response.status_code == 200:
        assert_shown_as_text(page, typed)
        return
    added = complaint.events.latest("pk").note
    assert_shown_as_text(page_of(client.get(status_path(complaint))), added)
    html = Message.objects.filter(key__startswith=f"customer-added:{complaint.pk}:").latest("pk").html
    if "<" in added:
        assert added not in html
