"""The genuine FreeRADIUS data through parser, COPY ingest and daily rollups, checked against the
independently computed totals."""

import csv
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from cabinet.usage.models import UsageDaily
from cabinet.usage.services import usage_ingest
from connectors.billing.files import RadacctCsvParser, RadiusDetailParser
from tests.cabinet.factories import make_account, make_plan, make_subscription
from tests.connectors.files.data import DETAIL_FILES, FREERADIUS, NOW, expected_daily


@pytest.fixture
def subscribers(db, provider_a):
    with schema_context(provider_a.schema_name):
        plan = make_plan()
        with (FREERADIUS / "subscribers.csv").open(newline="") as file:
            for row in csv.DictReader(file):
                account = make_account(f"acc:{row['username']}")
                make_subscription(
                    account, plan, f"svc:{row['username']}", identifiers={"login": row["username"]}
                )
    return provider_a


def rollups_by_user_and_day(schema: str) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    totals: dict[tuple[str, str], list[int]] = {}
    with schema_context(schema):
        rows = UsageDaily.objects.select_related("account").values_list(
            "account__external_id", "day", "metric", "direction", "quantity", "records"
        )
        for account, day, metric, direction, quantity, records in rows:
            row = totals.setdefault((account.removeprefix("acc:"), day.isoformat()), [0, 0, 0, 0])
            if metric == "time":
                row[0], row[3] = records, int(quantity)
            elif direction == "out":
                row[1] = int(quantity)
            else:
                row[2] = int(quantity)
    return {key: tuple(values) for key, values in totals.items()}


def test_radacct_export_gives_the_expected_daily_totals(subscribers):
    with schema_context(subscribers.schema_name), (FREERADIUS / "radacct.csv").open("rb") as file:
        result = usage_ingest(records=RadacctCsvParser(file, now=NOW).records(), time_zone="UTC")

    assert result.unmatched == 0
    assert rollups_by_user_and_day(subscribers.schema_name) == expected_daily()


def test_detail_files_of_the_same_sessions_add_nothing(subscribers):
    with schema_context(subscribers.schema_name):
        with (FREERADIUS / "radacct.csv").open("rb") as file:
            first = usage_ingest(records=RadacctCsvParser(file, now=NOW).records(), time_zone="UTC")
        streams = [path.open("rb") for path in DETAIL_FILES]
        try:
            again = usage_ingest(
                records=RadiusDetailParser(*streams, now=NOW).records(), time_zone="UTC"
            )
        finally:
            for stream in streams:
                stream.close()
        total = sum(UsageDaily.objects.filter(metric="time").values_list("quantity", flat=True))

    assert first.inserted == 3 * 3626
    assert again.received == first.inserted
    assert again.inserted == 0
    assert total == Decimal(sum(values[3] for values in expected_daily().values()))
