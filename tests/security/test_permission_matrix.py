"""Every URL pattern, for every kind of visitor, by GET and POST, answers as `expectations.py` says.

The resolver is walked, so a new page without an expectation fails the first test. Each request
runs in a savepoint that is rolled back, so one actor's POST cannot change what the next one
meets; POSTs carry no CSRF token here (the token check is proved in `test_csrf_refuses_…`).
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.expectations import ACTORS, ADMIN_FAMILIES, ADMIN_UNNAMED, NOT_FOUND, ROWS, Row, staff
from tests.security.world import BAD_TOKEN, World, build_world

pytestmark = pytest.mark.django_db


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    """(full name or "", route, pattern) of every URL pattern, nested includes and namespaces too."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            space = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), space)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
            yield name, prefix + str(pattern.pattern), pattern


ALL_PATTERNS = list(walk(get_resolver().url_patterns))
ADMIN_PATTERNS = [
    (name, route, pattern)
    for name, route, pattern in ALL_PATTERNS
    if name not in ROWS
    and (any(family.match(name) for family, _ in ADMIN_FAMILIES) or ADMIN_UNNAMED.match(route))
]


def test_every_url_pattern_has_an_expectation() -> None:
    missing = [
        f"{name or '(unnamed)'} {route}"
        for name, route, _ in ALL_PATTERNS
        if name not in ROWS
        and not any(family.match(name) for family, _ in ADMIN_FAMILIES)
        and not ADMIN_UNNAMED.match(route)
    ]
    assert not missing, "Add a row to tests/security/expectations.py for: " + ", ".join(missing)
    named = {name for name, _, _ in ALL_PATTERNS}
    assert not set(ROWS) - named, f"Rows for URLs that no longer exist: {sorted(set(ROWS) - named)}"


@pytest.fixture
def world(settings, tmp_path) -> World:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    settings.PUBLIC_FORM_MAX_POSTS = 10_000  # the rate limit has its own tests
    # Four users per test: a deliberately slow password hash would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()


def _clients(world: World) -> dict[str, Client]:
    """One signed-in client per actor. Made before any link is signed: logging in changes the
    user's last login, which a password-reset token depends on."""
    clients = {}
    for actor in ACTORS:
        clients[actor] = Client()
        user = world.users[actor]
        if user is not None:
            clients[actor].force_login(user)
    return clients


def _ask(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, data)
        transaction.set_rollback(True)
    return response


def _check(
    clients: dict[str, Client], url: str, method: str, expected: dict[str, Any], data: dict[str, Any]
) -> list[str]:
    wrong = []
    for actor in ACTORS:
        response = _ask(clients[actor], method, url, data)
        if not expected[actor].matches(response):
            where = f" → {response['Location']}" if response.has_header("Location") else ""
            wrong.append(
                f"{method} {url} as {actor}: expected {expected[actor]}, got {response.status_code}{where}"
            )
    return wrong


def _token_purpose(name: str) -> str | None:
    from complaints.public.links import RECEIVED_PURPOSE, STATUS_PURPOSE
    from followups.services.emails import SURVEY_PURPOSE, UNSUBSCRIBE_PURPOSE
    from resolutions.services.choices import CHOICE_PURPOSE

    return {
        "complaints:public:status": STATUS_PURPOSE,
        "complaints:public:received": RECEIVED_PURPOSE,
        "resolutions:choose": CHOICE_PURPOSE,
        "followups:survey": SURVEY_PURPOSE,
        "followups:unsubscribe": UNSUBSCRIBE_PURPOSE,
    }.get(name)


@pytest.mark.parametrize("name", sorted(ROWS))
def test_each_page_answers_each_visitor_as_expected(world: World, name: str) -> None:
    row: Row = ROWS[name]
    clients = _clients(world)
    kwargs = row.kwargs(world)
    data = row.data(world) if row.data else {}
    purpose = _token_purpose(name)
    if purpose:
        kwargs = {**kwargs, "token": world.token(purpose)}
    url = reverse(name, kwargs=kwargs)
    wrong = _check(clients, url, "GET", row.get, data) + _check(clients, url, "POST", row.post, data)
    if row.signed:
        invalid = reverse(name, kwargs={**kwargs, "token": BAD_TOKEN})
        wrong += _check(clients, invalid, "GET", row.invalid_get, data)
        wrong += _check(clients, invalid, "POST", row.invalid_post, data)
    assert not wrong, "\n".join(wrong)


def _admin_url(name: str, route: str, pattern: Any) -> str:
    if not name:
        return "/" + route.replace("<path:object_id>", "1").replace("(?P<url>.*)$", "no-such-page/")
    regex = pattern.pattern.regex
    if not regex.groupindex:  # positional groups (django-simple-history's page)
        return reverse(name, args=["1"] * regex.groups)
    return reverse(
        name, kwargs={group: ("complaints" if group == "app_label" else "1") for group in regex.groupindex}
    )


def test_django_admin_pages_admit_only_admin_staff(world: World) -> None:
    clients = _clients(world)
    wrong: list[str] = []
    for name, route, pattern in ADMIN_PATTERNS:
        url = _admin_url(name, route, pattern)
        if not name and "(?P<url>" in route:
            expected = staff(ADMIN_FAMILIES[0][1]["agent"], outsiders=ADMIN_FAMILIES[0][1]["anonymous"])
            expected["admin"] = NOT_FOUND
        else:
            expected = (
                next((by_actor for family, by_actor in ADMIN_FAMILIES if family.match(name)), None)
                or (ADMIN_FAMILIES[0][1])
            )
        wrong += _check(clients, url, "GET", expected, {}) + _check(clients, url, "POST", expected, {})
    assert len(ADMIN_PATTERNS) > 100, "the admin's model pages were not found by the walk"
    assert not wrong, "\n".join(wrong)


# RFC 8058: a mailbox provider's one-click unsubscribe POSTs with no cookie and no token; the signed
# URL is the credential (proved in tests/followups/test_surveys.py).
CSRF_EXEMPT = {"followups:unsubscribe"}


@pytest.mark.parametrize("actor", ["anonymous", "agent"])
def test_a_post_without_a_csrf_token_is_refused_everywhere(world: World, actor: str) -> None:
    """Every page refuses a form without its token, before anything is done with it: the public
    forms too (they count the attempt first, then check, see complaints/public/views.py)."""
    client = Client(enforce_csrf_checks=True)
    if world.users[actor] is not None:
        client.force_login(world.users[actor])
    accepted = []
    for name in sorted(set(ROWS) - CSRF_EXEMPT):
        kwargs = ROWS[name].kwargs(world)
        purpose = _token_purpose(name)
        if purpose:
            kwargs = {**kwargs, "token": world.token(purpose)}
        url = reverse(name, kwargs=kwargs)
        response = _ask(client, "POST", url, ROWS[name].data(world) if ROWS[name].data else {})
        if response.status_code != 403:
            accepted.append(f"{url}: {response.status_code}")
    assert not accepted, accepted
