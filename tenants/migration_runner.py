"""Migrate every provider schema: skip those at the head, run the rest in parallel, keep going
past failures and mark the providers that failed so they are not served until fixed."""

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from django.core.management import call_command
from django.db import connection

from tenants.migration_state import is_at_head
from tenants.migration_worker import SchemaOutcome, migrate_schema, setup_worker
from tenants.models import Provider
from tenants.routing import routes_forget
from tenants.template_schema import template_ensure_current


def providers_migrate(
    *, processes: int, report: Callable[[SchemaOutcome], None] = lambda outcome: None
) -> list[SchemaOutcome]:
    """Migrate the public schema, the template, then every provider that is behind the head.

    Providers are checked with one small query each; only the lagging ones are handed to a pool
    of `processes` worker processes. Returns one outcome per provider.
    """
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    template_ensure_current()
    schemas = list(Provider.objects.order_by("schema_name").values_list("schema_name", flat=True))
    outcomes, lagging = [], []
    for schema in schemas:
        if is_at_head(schema):
            outcomes.append(SchemaOutcome(schema, False))
            report(outcomes[-1])
        else:
            lagging.append(schema)
    if lagging:
        outcomes.extend(_migrate_in_parallel(lagging, processes, report))
    _record_outcomes(outcomes)
    return outcomes


def _migrate_in_parallel(
    schemas: list[str], processes: int, report: Callable[[SchemaOutcome], None]
) -> list[SchemaOutcome]:
    if processes <= 1 or len(schemas) == 1:
        results = []
        for schema in schemas:
            results.append(migrate_schema(schema))
            report(results[-1])
        return results
    # Fresh interpreters rather than forks: a fork copies open database sockets and whatever
    # other threads held, which corrupts both sides. Each worker sets Django up once and uses the
    # same database as this process.
    context = multiprocessing.get_context("spawn")
    results = []
    with ProcessPoolExecutor(
        max_workers=min(processes, len(schemas)),
        mp_context=context,
        initializer=setup_worker,
        initargs=(connection.settings_dict["NAME"],),
    ) as pool:
        for outcome in pool.map(migrate_schema, schemas):
            report(outcome)
            results.append(outcome)
    return results


def _record_outcomes(outcomes: list[SchemaOutcome]) -> None:
    failed = {outcome.schema: outcome.error for outcome in outcomes if outcome.error}
    for schema, error in failed.items():
        Provider.objects.filter(schema_name=schema).update(migration_error=error[:4000])
    healthy = [outcome.schema for outcome in outcomes if not outcome.error]
    Provider.objects.filter(schema_name__in=healthy).exclude(migration_error="").update(
        migration_error=""
    )
    # Web processes see the outcome when their routing answers expire; this one at once.
    routes_forget()
