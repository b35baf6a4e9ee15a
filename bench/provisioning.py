"""Provisioning and migration-run timings at scale (`make bench`; results in docs/PERFORMANCE.md).

Creates a scratch database next to DATABASE_URL's, provisions N providers one after another
(timing each), re-creates the last five a few times at that size, then times migration runs with
nothing to apply. Prints a Markdown table. The scratch database is dropped at the end.

    python -m bench.provisioning --providers 200
"""

import argparse
import statistics
import sys
import time

from bench.scratch import scratch_database


def _answers(index: int) -> dict:
    return {
        "name": f"Bench Provider {index}",
        "slug": f"bench-{index}",
        "admin_email": f"admin@bench-{index}.test",
        "industry": "isp",
        "client_kinds": ["individual"],
        "language": "ru",
        "time_zone": "Europe/Moscow",
        "currency": "RUB",
    }


def _provision(index: int) -> float:
    from tenants.services import provider_create

    started = time.perf_counter()
    provider_create(**_answers(index))
    return time.perf_counter() - started


def _remove(index: int) -> None:
    from django.db import connection

    from tenants.models import Provider

    provider = Provider.objects.get(slug=f"bench-{index}")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA "{provider.schema_name}" CASCADE')
    provider.domains.all().delete()
    provider.delete()


def _schema_by_migrations() -> float:
    """The alternative to copying: a schema made by replaying every migration (then dropped)."""
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA bench_by_migrations")
    call_command(
        "migrate_schemas", schema_name="bench_by_migrations", interactive=False, verbosity=0
    )
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA bench_by_migrations CASCADE")
    return elapsed


def _forget_last_migration_everywhere() -> None:
    """Make every provider one (re-runnable) migration behind the head."""
    from django.db import connection

    from tenants.models import Provider

    with connection.cursor() as cursor:
        for schema in Provider.objects.values_list("schema_name", flat=True):
            cursor.execute(
                f'DELETE FROM "{schema}".django_migrations '
                "WHERE app = 'branding' AND name = '0002_default_brandbook'"
            )


def _median(values: list[float]) -> str:
    return (
        f"{statistics.median(values):.3f} s (n={len(values)}, {min(values):.3f}–{max(values):.3f})"
    )


def run(providers: int, rounds: int, processes: int) -> list[tuple[str, str]]:
    from tenants.migration_runner import providers_migrate
    from tenants.template_schema import template_ensure_current

    started = time.perf_counter()
    template_ensure_current()
    results = [("template schema migrated once", f"{time.perf_counter() - started:.2f} s")]

    by_migrations = [_schema_by_migrations() for _ in range(rounds)]
    timings = []
    for index in range(1, providers + 1):
        timings.append(_provision(index))
        if index % 50 == 0:
            print(f"  {index} providers, last {timings[-1]:.3f} s", file=sys.stderr, flush=True)
    last_five = list(range(providers - 4, providers + 1))
    recreated = list(timings[-5:])
    for _ in range(rounds):
        for index in last_five:
            _remove(index)
        recreated.extend(_provision(index) for index in last_five)

    results += [
        ("provision providers #1–#5", _median(timings[:5])),
        (
            f"provision providers #{providers - 4}–#{providers} (with re-creations)",
            _median(recreated),
        ),
        (f"provision all {providers}, one after another", f"{sum(timings):.1f} s"),
        (
            "for comparison: a schema by replaying migrations, at 0 providers",
            _median(by_migrations),
        ),
        (
            f"for comparison: a schema by replaying migrations, at {providers} providers",
            _median([_schema_by_migrations() for _ in range(rounds)]),
        ),
    ]
    runs = []
    for _ in range(rounds):
        started = time.perf_counter()
        outcomes = providers_migrate(processes=processes)
        runs.append(time.perf_counter() - started)
        assert not any(outcome.migrated or outcome.error for outcome in outcomes)
    results.append((f"migration run, nothing to apply, {providers} providers", _median(runs)))

    for process_count in sorted({1, processes}):
        _forget_last_migration_everywhere()
        started = time.perf_counter()
        outcomes = providers_migrate(processes=process_count)
        elapsed = time.perf_counter() - started
        assert all(outcome.migrated for outcome in outcomes)
        results.append(
            (
                f"migration run, every provider one migration behind, {process_count} process(es)",
                f"{elapsed:.1f} s",
            )
        )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2)
    options = parser.parse_args()
    with scratch_database():
        results = run(options.providers, options.rounds, options.processes)
    print("| measurement | result (median) |\n| --- | --- |")
    for label, value in results:
        print(f"| {label} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
