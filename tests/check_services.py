"""Stop the test run at once, naming the service, when PostgreSQL or Redis cannot be reached."""

import os
import sys

import psycopg
import redis
from psycopg import sql

START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
START_REDIS = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no '
    "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


def main() -> int:
    database_url = os.environ["DATABASE_URL"]
    broker_url = os.environ["CELERY_BROKER_URL"]
    failures = []
    try:
        # pytest creates its own test database; the named one is created here so that
        # management commands run against it (makemigrations' history check) find it.
        server_url, name = database_url.rsplit("/", 1)
        with psycopg.connect(server_url + "/postgres", connect_timeout=3, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        failures.append(
            f"PostgreSQL is unreachable at {database_url} ({error}).\n  Start it: {START_POSTGRES}"
        )
    try:
        redis.Redis.from_url(broker_url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        failures.append(f"Redis is unreachable at {broker_url} ({error}).\n  Start it: {START_REDIS}")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
