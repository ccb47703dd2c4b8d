import socket
from collections.abc import Iterator
from contextlib import contextmanager


def _closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _forget_connections(app) -> None:  # type: ignore[no-untyped-def]
    # Dropped, not closed: kombu keeps the pools per URL and hands the same one out again later.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_unreachable() -> Iterator[None]:
    """Point this process's Celery app at a closed port, as when Redis is down or unreachable;
    worker processes keep the real broker."""
    from portal.celery import app

    saved = app.conf.broker_url, app.conf.broker_write_url
    _forget_connections(app)
    app.conf.broker_url = app.conf.broker_write_url = f"redis://127.0.0.1:{_closed_port()}/0"
    try:
        yield
    finally:
        _forget_connections(app)
        app.conf.broker_url, app.conf.broker_write_url = saved
