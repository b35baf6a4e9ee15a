"""A scratch database next to DATABASE_URL's for benchmarks; dropped when the bench ends."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg

BENCH_DATABASE = "kabinet_bench"


def server_url(database: str) -> str:
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + database))


@contextmanager
def scratch_database() -> Iterator[None]:
    """Point Django at a fresh database for the duration, then drop it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    admin_url = server_url("postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    os.environ["DATABASE_URL"] = server_url(BENCH_DATABASE)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        yield
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
