"""Usage ingest and full sync at scale (`make bench`; results in docs/PERFORMANCE.md).

1. A radacct export of N rows (the genuine rows repeated under new session ids) is ingested by
   Kabinet (parser, COPY, matching, rollups) and, for comparison, loaded with a plain COPY into a
   bare table in the same database.
2. A billing simulator holding M accounts with a service each is synced into Kabinet in full.
"""

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.scratch import scratch_database

ROOT = Path(__file__).resolve().parent.parent
RADACCT = ROOT / "deploy" / "demo" / "data" / "freeradius" / "radacct.csv"


def write_radacct(path: Path, rows: int) -> None:
    with RADACCT.open(newline="") as source:
        reader = csv.reader(source)
        header = next(reader)
        genuine = list(reader)
    unique, session = header.index("acctuniqueid"), header.index("acctsessionid")
    with path.open("w", newline="") as target:
        writer = csv.writer(target)
        writer.writerow(header)
        for index in range(rows):
            row = list(genuine[index % len(genuine)])
            copy = index // len(genuine)
            row[unique] = f"{row[unique]}{copy:04x}"
            row[session] = f"{row[session]}-{copy}"
            writer.writerow(row)


def provider_with_subscribers(slug: str):
    from django_tenants.utils import schema_context

    from cabinet.accounts.models import ClientAccount
    from cabinet.catalog.models import Plan
    from cabinet.services.models import Subscription
    from tenants.services import provider_create

    provider = provider_create(
        name=slug,
        slug=slug,
        admin_email=f"a@{slug}.test",
        industry="isp",
        client_kinds=["individual"],
        language="ru",
        time_zone="Europe/Moscow",
        currency="RUB",
    ).provider
    with schema_context(provider.schema_name):
        plan = Plan.objects.create(
            external_id="tp:1", name="Plan", service_type="internet", currency="RUB"
        )
        for number in range(10001, 10041):
            account = ClientAccount.objects.create(
                external_id=f"acc:{number}",
                number=str(number),
                holder_kind="individual",
                holder_name="x",
                status="active",
                balance=0,
                currency="RUB",
                balance_as_of="2026-11-30T00:00Z",
                credit_limit=0,
            )
            Subscription.objects.create(
                external_id=f"svc:{number}",
                account=account,
                plan=plan,
                status="active",
                identifiers={"login": f"u{number}"},
            )
    return provider


def bench_ingest(rows: int) -> list[tuple[str, str]]:
    from django.db import connection
    from django_tenants.utils import schema_context

    from cabinet.usage.services import usage_ingest
    from connectors.billing.files import RadacctCsvParser

    provider = provider_with_subscribers("ingest")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "radacct.csv"
        write_radacct(path, rows)
        columns = ", ".join(f'"{name}" text' for name in next(csv.reader(path.open())))
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE UNLOGGED TABLE IF NOT EXISTS public.bare_radacct ({columns})")
            started = time.perf_counter()
            with (
                path.open("rb") as source,
                cursor.copy(
                    "COPY public.bare_radacct FROM STDIN WITH (FORMAT csv, HEADER true)"
                ) as copy,
            ):
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
            plain = time.perf_counter() - started
        with schema_context(provider.schema_name), path.open("rb") as source:
            started = time.perf_counter()
            result = usage_ingest(
                records=RadacctCsvParser(source).records(), time_zone="Europe/Moscow"
            )
            ours = time.perf_counter() - started
    assert result.inserted == 3 * rows
    assert result.unmatched == 0
    return [
        (
            f"plain COPY of {rows:,} radacct rows into a bare table",
            f"{plain:.1f} s, {rows / plain:,.0f} rows/s",
        ),
        (
            f"Kabinet ingest of the same {rows:,} rows "
            f"({3 * rows:,} usage records, matched, rolled up)",
            f"{ours:.1f} s, {rows / ours:,.0f} rows/s",
        ),
        ("Kabinet ingest / plain COPY", f"{plain / ours:.2f} of plain COPY's rate"),
    ]


def start_simulator(data_dir: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "sandboxes.billing_simulator", "--port=0", f"--data-dir={data_dir}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline().strip() if process.stdout else ""
    return process, line.rpartition(" ")[2]


def admin(base: str, method: str, path: str, body: object) -> None:
    request = urllib.request.Request(
        f"{base}/_admin{path}",
        method=method,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=600):
        pass


def bench_full_sync(accounts: int) -> list[tuple[str, str]]:
    from django.conf import settings
    from django_tenants.utils import schema_context

    from cabinet.sync.connection import billing_connector
    from cabinet.sync.services import accounts_sync, catalog_sync
    from connectors.models import BillingConnection
    from tenants.services import provider_create

    settings.CONNECTOR_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    provider = provider_create(
        name="sync",
        slug="sync",
        admin_email="a@sync.test",
        industry="isp",
        client_kinds=["individual"],
        language="ru",
        time_zone="Europe/Moscow",
        currency="RUB",
    ).provider
    with tempfile.TemporaryDirectory() as folder:
        process, base = start_simulator(folder)
        try:
            admin(
                base,
                "PUT",
                "/instances/sync",
                {"token": "t", "event_secret": "s", "currency": "RUB"},
            )
            money = {"value": "650.00", "currency": "RUB"}
            admin(
                base,
                "POST",
                "/instances/sync/seed",
                {
                    "emit_events": False,
                    "plans": [
                        {
                            "id": "tp:1",
                            "name": "Plan",
                            "service_type": "internet",
                            "price": {"recurring": money, "period": "month"},
                        }
                    ],
                    "accounts": [
                        {
                            "id": f"acc:{n}",
                            "number": f"N{n}",
                            "balance": money,
                            "holder": {"type": "person", "name": f"Client {n}"},
                        }
                        for n in range(accounts)
                    ],
                    "subscriptions": [
                        {
                            "id": f"svc:{n}",
                            "account_id": f"acc:{n}",
                            "plan_id": "tp:1",
                            "identifiers": {"login": f"u{n}"},
                        }
                        for n in range(accounts)
                    ],
                },
            )
            with schema_context(provider.schema_name):
                BillingConnection.objects.create(
                    kind="simulator",
                    base_url=f"{base}/sync",
                    credentials={"token": "t", "event_secret": "s"},
                )
                started = time.perf_counter()
                catalog_sync(billing_connector())
                report = accounts_sync(billing_connector(), full=True)
                elapsed = time.perf_counter() - started
        finally:
            process.terminate()
            process.wait()
    assert report.accounts == accounts
    assert report.subscriptions == accounts
    return [
        (
            f"full sync of {accounts:,} accounts with a service each from the simulator",
            f"{elapsed:.1f} s, {accounts / elapsed:,.0f} accounts/s",
        )
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--radacct-rows", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    options = parser.parse_args()
    with scratch_database():
        from tenants.template_schema import template_ensure_current

        template_ensure_current()
        results = bench_ingest(options.radacct_rows) + bench_full_sync(options.accounts)
    print("| measurement | result |\n| --- | --- |")
    for label, value in results:
        print(f"| {label} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
