"""Shared fixtures: real Celery processes on Redis, a real SMTP server, a real browser."""

import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import AgentFactory, SupervisorFactory
from tests.support.processes import CeleryProcess, celery_env, flush_broker
from tests.support.smtp import SmtpSink


@pytest.fixture(autouse=True)
def _baked_reads_checked(settings):
    """Every baked read is compared with the same read compiled afresh (portal.baked): a shape
    that depends on something missing from its key fails the test that reads it."""
    settings.BAKED_READS_CHECKED = True


@pytest.fixture(autouse=True)
def _plain_http(settings):
    """The suite talks plain HTTP to the test client and the live server."""
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_process_counts() -> Iterator[None]:
    """Counts a web process keeps for a minute start empty in every test: one test's calls or
    cases must not show in the next test's pages."""
    from complaints.selectors.queues import forget_loads
    from portal import baked
    from portal.kept import forget_all

    forget_loads()
    forget_all()
    baked.forget()
    yield
    forget_loads()
    forget_all()
    baked.forget()


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpSink]:
    """A real SMTP server on loopback; this process and the worker processes send to it."""
    sink = SmtpSink()
    sink.start()
    settings.EMAIL_BACKEND = "outbox.backends.SMTPBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def celery_worker(transactional_db, django_db_serialized_rollback, smtp_server) -> Iterator[CeleryProcess]:
    """`celery -A portal worker` as production starts it, on the test database and Redis."""
    flush_broker()
    env = celery_env(smtp_port=smtp_server.port)
    worker = CeleryProcess(["worker", "-l", "info", "--concurrency", "2", "-n", "test@%h"], env)
    worker.start(ready_marker="ready.")
    try:
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def celery_beat(celery_worker) -> Iterator[CeleryProcess]:
    """Exactly one `celery -A portal beat`, with the database scheduler from settings."""
    beat = CeleryProcess(["beat", "-l", "info", "--max-interval", "1"], celery_worker.env)
    beat.start(ready_marker="beat: Starting")
    try:
        yield beat
    finally:
        beat.stop()


@pytest.fixture(scope="session")
def browser_session() -> Iterator[object]:
    from tests.support.browser import make_driver

    driver = make_driver()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(browser_session, transactional_db, django_db_serialized_rollback, live_server, request):
    """Headless Chromium on the live server; a screenshot of the last page is kept per test."""
    from django.core.cache import cache

    from tests.support.browser import Browser

    # Every browser logs in from 127.0.0.1: failed logins counted by an earlier test in this
    # process (the cache table outlives each test's flush) must not lock this one out.
    cache.clear()
    page = Browser(browser_session, live_server.url, name=request.node.name)
    page.driver.delete_all_cookies()
    try:
        yield page
    finally:
        page.screenshot("last")
        cache.clear()


@pytest.fixture
def agent(db):
    return AgentFactory(username="alex", first_name="Alex", last_name="Agent")


@pytest.fixture
def agent_client(agent) -> Client:
    client = Client()
    client.force_login(agent)
    return client


@pytest.fixture
def supervisor(db):
    return SupervisorFactory(username="morgan", first_name="Morgan", last_name="Lead")


@pytest.fixture
def supervisor_client(supervisor) -> Client:
    client = Client()
    client.force_login(supervisor)
    return client


def _commits(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker is not None and marker.kwargs.get("transaction")) or "live_server" in getattr(
        item, "fixturenames", ()
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that commits (transaction=True, or a live server) starts from the data the
    migrations wrote (roles, channels, policies): serialized rollback restores it first."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if _commits(item) and not (marker is not None and marker.kwargs.get("serialized_rollback")):
            kwargs = {**(marker.kwargs if marker is not None else {}), "transaction": True}
            item.add_marker(pytest.mark.django_db(**kwargs, serialized_rollback=True), append=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A test that commits ends by emptying every table. In one process pytest-django runs such
    tests last, so nothing noticed; with pytest-xdist the next test in the same process may be an
    ordinary one that needs the migrations' data, so it is put back as soon as the table is empty."""
    yield
    # After the last test the session's teardown has dropped the test database: nothing to refill.
    if nextitem is None or not _commits(item):
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is not None:
        with item.config.stash[blocking_manager_key].unblock():
            connection.creation.deserialize_db_from_string(contents)


def pytest_configure(config: pytest.Config) -> None:
    _own_broker_database_per_worker()
    os.makedirs(settings.BASE_DIR / "var" / "test-artifacts", exist_ok=True)
    # WhiteNoise warns when the collected-static folder is missing; tests serve from the finders.
    os.makedirs(settings.STATIC_ROOT, exist_ok=True)


def _own_broker_database_per_worker() -> None:
    """With pytest-xdist each worker process gets its own test database (pytest-django) and here
    its own Redis database, so one worker's Celery processes never take another's tasks."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return
    base, _, number = settings.CELERY_BROKER_URL.rpartition("/")
    if not number.isdigit():
        return
    url = f"{base}/{int(number) - 5 * int(worker[2:])}"
    settings.CELERY_BROKER_URL = url
    # Celery reads the broker URL from the environment before its configuration.
    os.environ["CELERY_BROKER_URL"] = url
