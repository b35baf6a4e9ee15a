"""Which migrations a schema has, and which it should have, without running Django's migrate."""

from functools import cache

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from psycopg import sql

MigrationKey = tuple[str, str]


@cache
def migration_head() -> frozenset[MigrationKey]:
    """Every migration of the project. django-tenants records shared apps' migrations in tenant
    schemas too (without running them), so a schema at the head has exactly this set recorded."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def applied_migrations(schema: str) -> frozenset[MigrationKey]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f'"{schema}".django_migrations'])
        if cursor.fetchone()[0] is None:
            return frozenset()
        cursor.execute(
            sql.SQL("SELECT app, name FROM {}").format(sql.Identifier(schema, "django_migrations"))
        )
        return frozenset(cursor.fetchall())


def is_at_head(schema: str) -> bool:
    return applied_migrations(schema) >= migration_head()


def schema_exists(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
        return cursor.fetchone() is not None
