"""`manage.py migrate_providers` against committed schemas, with real worker processes."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from psycopg import sql

from tenants.migration_state import is_at_head
from tenants.models import Provider
from tests.conftest import host_of


def forget_migrations(schema: str, app: str) -> list[tuple]:
    """Make a schema look as if none of `app`'s migrations had run, though its tables exist."""
    table = sql.Identifier(schema, "django_migrations")
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DELETE FROM {} WHERE app = %s RETURNING app, name, applied").format(table),
            [app],
        )
        return cursor.fetchall()


def restore_migrations(schema: str, rows: list[tuple]) -> None:
    table = sql.Identifier(schema, "django_migrations")
    with connection.cursor() as cursor:
        for row in rows:
            cursor.execute(
                sql.SQL(
                    "INSERT INTO {} (app, name, applied) SELECT %s, %s, %s WHERE NOT EXISTS "
                    "(SELECT 1 FROM {} WHERE app = %s AND name = %s)"
                ).format(table, table),
                [*row, row[0], row[1]],
            )


def test_providers_at_the_head_are_skipped(committed_db, providers, capsys):
    call_command("migrate_providers", processes=2)

    out = capsys.readouterr().out
    assert "migrated" not in out.replace("0 migrated", "")
    assert "0 migrated, 0 failed" in out


def test_lagging_provider_is_migrated_and_a_failing_one_reported_and_not_served(
    committed_db, providers, capsys
):
    alpha, bravo = providers["a"].schema_name, providers["b"].schema_name
    # Alpha is really behind: its later branding migrations are undone. Bravo's record says
    # no branding migration ran, though its tables exist, so the first one fails.
    call_command("migrate_schemas", "branding", "0001", schema_name=alpha, verbosity=0)
    forgotten_bravo = forget_migrations(bravo, "branding")
    try:
        with pytest.raises(CommandError, match="1 failed"):
            call_command("migrate_providers", processes=2)

        captured = capsys.readouterr()
        assert f"migrated {alpha}" in captured.out
        assert f"FAILED {bravo}: " in captured.err
        assert "already exists" in captured.err
        assert is_at_head(alpha)
        assert Provider.objects.get(schema_name=alpha).migration_error == ""
        assert "already exists" in Provider.objects.get(schema_name=bravo).migration_error
        assert Client(HTTP_HOST=host_of(providers["b"])).get("/login").status_code == 503
        assert Client(HTTP_HOST=host_of(providers["a"])).get("/login").status_code == 200
    finally:
        restore_migrations(bravo, forgotten_bravo)

    # Once fixed, the next run serves the provider again.
    call_command("migrate_providers", processes=2)
    assert Provider.objects.get(schema_name=bravo).migration_error == ""
    assert Client(HTTP_HOST=host_of(providers["b"])).get("/login").status_code == 200
