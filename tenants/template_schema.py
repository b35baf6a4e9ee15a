"""The template schema new providers are copied from: kept at the migration head, written to by
migrations only (it has no Domain, so no request can reach it, and tasks refuse it)."""

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from psycopg import sql

from tenants.migration_state import is_at_head, schema_exists
from tenants.schema_copy import CopyPlan, build_copy_plan

# Serialises template maintenance across processes (two deploys, or a deploy and a provisioning).
_TEMPLATE_LOCK = 7_300_001

_plan_cache: dict[tuple[int, int], CopyPlan] = {}


def template_schema_name() -> str:
    return settings.PROVIDER_TEMPLATE_SCHEMA


def template_ensure_current() -> bool:
    """Create or migrate the template if it is missing or behind; True if it had to be changed.

    Must run outside a transaction: migrations commit as they go.
    """
    template = template_schema_name()
    if schema_exists(template) and is_at_head(template):
        return False
    # The lock lives on a connection of its own: the migrate command closes the default one.
    lock_connection = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with lock_connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_TEMPLATE_LOCK])
        if not schema_exists(template):
            with connection.cursor() as cursor:
                cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(template)))
        if not is_at_head(template):
            call_command("migrate_schemas", schema_name=template, interactive=False, verbosity=0)
    finally:
        lock_connection.close()
    return True


def template_copy_plan() -> CopyPlan:
    """The template's CopyPlan, rebuilt only when the template's migrations changed.

    Call inside a transaction (the catalog is read with a transaction-local search_path).
    """
    template = template_schema_name()
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT count(*), coalesce(max(id), 0) FROM {}").format(
                sql.Identifier(template, "django_migrations")
            )
        )
        version = tuple(cursor.fetchone())
    plan = _plan_cache.get(version)
    if plan is None:
        plan = build_copy_plan(template)
        _plan_cache.clear()
        _plan_cache[version] = plan
    return plan
