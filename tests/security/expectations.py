"""What every page answers to whom: one row per URL name.

A new URL pattern needs a row here (or must match an admin family below), or
`test_every_url_pattern_has_an_expectation` fails. Actors: anonymous, a customer holding the
links we emailed (no account), the case's owner (agent), another agent, a supervisor, an admin.
Answers are checked for GET and POST; a row's `data` is posted (without it an empty form is).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ACTORS = ("anonymous", "customer", "agent", "other_agent", "supervisor", "admin")


@dataclass(frozen=True)
class Answer:
    status: int
    location: str | None = None  # a redirect's target starts with this
    not_location: str | None = None  # a redirect's target must not start with this
    text: str | None = None
    label: str = ""

    def matches(self, response: Any) -> bool:
        if response.status_code != self.status:
            return False
        where = response.get("Location", "")
        if self.location is not None and not where.startswith(self.location):
            return False
        if self.not_location is not None and where.startswith(self.not_location):
            return False
        return self.text is None or self.text in response.content.decode(errors="replace")

    def __str__(self) -> str:
        return self.label or str(self.status)


@dataclass(frozen=True)
class AnyOf:
    answers: tuple[Answer, ...]
    label: str

    def matches(self, response: Any) -> bool:
        return any(answer.matches(response) for answer in self.answers)

    def __str__(self) -> str:
        return self.label


OK = Answer(200, label="200")
MOVED = Answer(302, not_location="/accounts/login/", label="302 elsewhere")
LOGIN = Answer(302, location="/accounts/login/", label="302 to login")
ADMIN_LOGIN = Answer(302, location="/admin/login/", label="302 to admin login")
DENIED = Answer(403, label="403")
BAD_LINK = Answer(403, text="This link does not work", label="403 bad link")
NOT_FOUND = Answer(404, label="404")
NOT_ALLOWED = Answer(405, label="405")
REFUSED = Answer(400, label="400")
# Inside Django admin an admin is let in: the page, or the admin's own answer to it (no such
# object 404, a method the page does not take 405, what its ModelAdmin forbids 403). That it is
# admitted, never sent to a login, and never an error, is what the matrix checks.
ADMITTED = AnyOf(
    (Answer(200), Answer(302, not_location="/admin/login/"), Answer(403), Answer(404), Answer(405)),
    "admitted to admin",
)
HEALTH = AnyOf((Answer(200), Answer(503)), "health report")

Expectation = Answer | AnyOf
ByActor = dict[str, Expectation]


def each(**answers: Expectation) -> ByActor:
    assert set(answers) == set(ACTORS), sorted(set(ACTORS) ^ set(answers))
    return answers


def everyone(answer: Expectation) -> ByActor:
    return dict.fromkeys(ACTORS, answer)


def staff(
    answer: Expectation, *, other_agent: Expectation | None = None, outsiders: Expectation = LOGIN
) -> ByActor:
    """A page for the team: outsiders go to the login; `other_agent` when a colleague who does
    not own the case is answered differently from the owner."""
    return each(
        anonymous=outsiders,
        customer=outsiders,
        agent=answer,
        other_agent=other_agent or answer,
        supervisor=answer,
        admin=answer,
    )


def supervisors(answer: Expectation, *, outsiders: Expectation = LOGIN) -> ByActor:
    return each(
        anonymous=outsiders,
        customer=outsiders,
        agent=DENIED,
        other_agent=DENIED,
        supervisor=answer,
        admin=answer,
    )


def signed_in(answer: Expectation, *, outsiders: Expectation) -> ByActor:
    return each(
        anonymous=outsiders,
        customer=outsiders,
        agent=answer,
        other_agent=answer,
        supervisor=answer,
        admin=answer,
    )


@dataclass(frozen=True)
class Row:
    get: ByActor
    post: ByActor
    kwargs: Callable[[Any], dict[str, Any]] = lambda world: {}
    data: Callable[[Any], dict[str, Any]] | None = None
    # A signed-link page: `kwargs` get the valid token; the invalid token is answered `invalid`.
    signed: bool = False
    invalid_get: ByActor = field(default_factory=lambda: everyone(BAD_LINK))
    invalid_post: ByActor = field(default_factory=lambda: everyone(BAD_LINK))


def case(world: Any) -> dict[str, Any]:
    return {"reference": world.case.reference}


def problem(world: Any) -> dict[str, Any]:
    from tests.factories import ProblemFactory

    return {"pk": ProblemFactory(created_by=world.supervisor).pk}


def lesson(world: Any) -> dict[str, Any]:
    from tests.factories import ResolutionFactory

    return {"pk": ResolutionFactory(complaint=world.case, lesson_learned="Say sorry first.").pk}


POST_ONLY_OUTSIDERS = everyone(NOT_ALLOWED)  # the method is refused before anything else


def post_only(post: ByActor) -> Row:
    """A case action: GET is refused for everyone, only a POST acts."""
    return Row(get=POST_ONLY_OUTSIDERS, post=post, kwargs=case)


ROWS: dict[str, Row] = {
    "health": Row(get=everyone(HEALTH), post=everyone(NOT_ALLOWED)),
    # Accounts: Django's views; a signed-in person asking for the login page is sent home.
    "login": Row(get=signed_in(MOVED, outsiders=OK), post=signed_in(MOVED, outsiders=OK)),
    "logout": Row(get=everyone(NOT_ALLOWED), post=everyone(LOGIN)),
    "password_change": Row(get=signed_in(OK, outsiders=LOGIN), post=signed_in(OK, outsiders=LOGIN)),
    "password_change_done": Row(
        get=signed_in(OK, outsiders=LOGIN), post=signed_in(NOT_ALLOWED, outsiders=LOGIN)
    ),
    "password_reset": Row(get=everyone(OK), post=everyone(OK)),
    "password_reset_done": Row(get=everyone(OK), post=everyone(NOT_ALLOWED)),
    "password_reset_confirm": Row(
        # A valid link is swapped for one without the token in the URL; an invalid one is explained.
        get=everyone(Answer(302, location="/accounts/password/reset/", label="302 to set a password")),
        post=everyone(Answer(302, location="/accounts/password/reset/", label="302 to set a password")),
        kwargs=lambda world: world.reset_link(),
        signed=True,
        invalid_get=everyone(Answer(200, text="This link no longer works", label="200 link invalid")),
        invalid_post=everyone(Answer(200, text="This link no longer works", label="200 link invalid")),
    ),
    "password_reset_complete": Row(get=everyone(OK), post=everyone(NOT_ALLOWED)),
    # The agent's pages.
    # Anyone else arriving at the site is shown the way to the public form and the staff login.
    "home": Row(get=everyone(OK), post=everyone(NOT_ALLOWED)),
    "complaints:intake": Row(get=staff(OK), post=everyone(NOT_ALLOWED)),
    "complaints:intake_new": Row(get=staff(OK), post=staff(OK)),
    "complaints:intake_customer": Row(
        get=staff(OK), post=staff(OK), kwargs=lambda world: {"customer_id": world.case.customer_id}
    ),
    "complaints:list": Row(get=staff(OK), post=everyone(NOT_ALLOWED)),
    "complaints:export": Row(get=staff(OK), post=everyone(NOT_ALLOWED)),
    "complaints:save_filter": Row(get=everyone(NOT_ALLOWED), post=staff(MOVED)),
    # A saved filter is its owner's alone: anyone else is told it does not exist.
    "complaints:delete_filter": Row(
        get=everyone(NOT_ALLOWED),
        post=staff(MOVED) | {"other_agent": NOT_FOUND, "supervisor": NOT_FOUND, "admin": NOT_FOUND},
        kwargs=lambda world: {"pk": world.saved_filter.pk},
    ),
    "complaints:bulk_reassign": Row(get=everyone(NOT_ALLOWED), post=supervisors(REFUSED)),
    "complaints:detail": Row(get=staff(OK), post=everyone(NOT_ALLOWED), kwargs=case),
    # Work on a case: the owner, supervisors and admins; a colleague is sent back with the reason.
    "complaints:change_status": post_only(staff(OK, other_agent=MOVED)),
    "complaints:waiting": post_only(staff(OK, other_agent=MOVED)),
    "complaints:owner": post_only(staff(OK, other_agent=MOVED)),
    "complaints:email": post_only(staff(OK, other_agent=MOVED)),
    "complaints:claim": post_only(staff(MOVED)),  # an owned case: refused with the owner's name
    "complaints:note": post_only(staff(OK)),  # anyone on the team may note a call they took
    "complaints:call": post_only(staff(OK)),
    "complaints:attach": Row(
        get=staff(OK, other_agent=MOVED), post=staff(OK, other_agent=MOVED), kwargs=case
    ),
    "complaints:download": Row(
        get=staff(OK), post=staff(NOT_ALLOWED), kwargs=lambda world: {"pk": world.attachment.pk}
    ),
    "resolutions:resolve": Row(
        get=staff(OK, other_agent=DENIED), post=staff(OK, other_agent=DENIED), kwargs=case
    ),
    "resolutions:propose": Row(
        get=staff(OK, other_agent=DENIED), post=staff(OK, other_agent=DENIED), kwargs=case
    ),
    "resolutions:send_options": Row(
        get=staff(OK, other_agent=DENIED), post=staff(OK, other_agent=DENIED), kwargs=case
    ),
    "resolutions:reopen": Row(
        get=staff(OK, other_agent=DENIED), post=staff(OK, other_agent=DENIED), kwargs=case
    ),
    "resolutions:issue": Row(
        get=everyone(NOT_ALLOWED),
        post=staff(MOVED),  # back to the case page, issued or with the reason it was not
        kwargs=lambda world: {"pk": world.approved.pk},
    ),
    "resolutions:approvals": Row(get=supervisors(OK), post=everyone(NOT_ALLOWED)),
    "resolutions:decide": Row(
        get=everyone(NOT_ALLOWED), post=supervisors(REFUSED), kwargs=lambda world: {"pk": world.proposed.pk}
    ),
    "followups:calls": Row(get=staff(OK), post=everyone(NOT_ALLOWED)),
    "followups:call": Row(
        get=staff(OK),
        post=staff(MOVED, other_agent=REFUSED),  # recorded, or refused with the reason
        kwargs=lambda world: {"pk": world.call.pk},
        data=lambda world: {"outcome": "voicemail", "note": "Left a message"},
    ),
    "followups:failed": Row(get=staff(OK), post=everyone(NOT_ALLOWED)),
    "followups:retry": Row(
        get=everyone(NOT_ALLOWED), post=staff(MOVED), kwargs=lambda world: {"pk": world.failed.pk}
    ),
    "outbox:attention": Row(get=staff(OK), post=everyone(NOT_ALLOWED)),
    "outbox:retry": Row(
        get=everyone(NOT_ALLOWED), post=staff(MOVED), kwargs=lambda world: {"pk": world.undelivered.pk}
    ),
    # Insights: supervisors and admins only; every page is read with GET, every change is a POST.
    "insights:index": Row(get=supervisors(OK), post=everyone(NOT_ALLOWED)),
    "insights:export": Row(
        get=supervisors(OK), post=everyone(NOT_ALLOWED), kwargs=lambda world: {"table": "volume-category"}
    ),
    "insights:problems": Row(get=supervisors(OK), post=everyone(NOT_ALLOWED)),
    # An empty post comes back as the page with the form's errors (400), what was typed kept.
    "insights:problem_create": Row(get=everyone(NOT_ALLOWED), post=supervisors(REFUSED)),
    "insights:problem": Row(
        get=supervisors(OK), post=everyone(NOT_ALLOWED), kwargs=lambda world: problem(world)
    ),
    "insights:problem_link": Row(
        get=everyone(NOT_ALLOWED), post=supervisors(REFUSED), kwargs=lambda world: problem(world)
    ),
    "insights:problem_action": Row(
        get=everyone(NOT_ALLOWED), post=supervisors(REFUSED), kwargs=lambda world: problem(world)
    ),
    "insights:lessons": Row(get=supervisors(OK), post=everyone(NOT_ALLOWED)),
    "insights:lesson_link": Row(
        get=everyone(NOT_ALLOWED), post=supervisors(MOVED), kwargs=lambda world: lesson(world)
    ),
    # Public pages and the customer's signed links: the link is the credential, whoever holds it.
    "complaints:public:complain": Row(get=everyone(OK), post=everyone(OK)),
    "complaints:public:new_link": Row(get=everyone(OK), post=everyone(OK)),
    "complaints:public:received": Row(
        get=everyone(OK), post=everyone(NOT_ALLOWED), invalid_post=everyone(NOT_ALLOWED), signed=True
    ),
    "complaints:public:status": Row(get=everyone(OK), post=everyone(OK), kwargs=case, signed=True),
    "resolutions:choose": Row(get=everyone(OK), post=everyone(OK), signed=True),
    "followups:survey": Row(get=everyone(OK), post=everyone(OK), signed=True),
    "followups:unsubscribe": Row(get=everyone(OK), post=everyone(MOVED), signed=True),
    # Django admin: only staff accounts get in; everyone else is sent to its login.
    "admin:login": Row(
        # Signed in without admin rights: the admin's login page says so. An admin is sent in.
        get=everyone(OK) | {"admin": Answer(302, location="/admin/", label="302 to admin")},
        post=everyone(OK),
    ),
    # Anyone but admin staff is sent to the admin's index (and from there to its login).
    "admin:logout": Row(
        get=staff(Answer(302, location="/admin/"), outsiders=Answer(302, location="/admin/"))
        | {"admin": NOT_ALLOWED},
        post=staff(Answer(302, location="/admin/"), outsiders=Answer(302, location="/admin/"))
        | {"admin": LOGIN},
    ),
    "admin:index": Row(
        get=staff(ADMIN_LOGIN, outsiders=ADMIN_LOGIN) | {"admin": OK},
        post=staff(ADMIN_LOGIN, outsiders=ADMIN_LOGIN) | {"admin": OK},
    ),
}

# Django admin's per-model pages (and its few site-wide ones), checked as families: a model added
# to admin is covered without a new row.
ADMIN_FAMILIES: list[tuple[re.Pattern[str], ByActor]] = [
    (
        re.compile(
            r"^admin:(\w+_(changelist|add|change|delete|history|simple_history)|app_list|password_change"
            r"|password_change_done|autocomplete|jsi18n|view_on_site)$"
        ),
        staff(ADMIN_LOGIN, outsiders=ADMIN_LOGIN) | {"admin": ADMITTED},
    ),
]
# Unnamed admin patterns: the old change URL (redirects to the new one) and the catch-all.
ADMIN_UNNAMED = re.compile(r"^admin/(\w+/\w+/<path:object_id>/|\(\?P<url>\.\*\)\$)$")
