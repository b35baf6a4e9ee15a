from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from cabinet.usage.models import UsageDaily, UsageRecord
from cabinet.usage.services import usage_ingest, usage_rematch
from connectors.billing.types import Direction, UsageRecordData
from tests.cabinet.factories import make_account, make_plan, make_subscription


def record(key: str, ref: str, when: datetime, quantity: str, direction=Direction.IN):
    return UsageRecordData(
        source_key=key,
        account_ref=ref,
        metric="data",
        unit="B",
        quantity=Decimal(quantity),
        started_at=when,
        direction=direction,
        source_type="radacct",
    )


RECORDS = [
    record("s1:in", "u10001", datetime(2026, 10, 4, 10, 0, tzinfo=UTC), "1000"),
    record("s2:in", "u10001", datetime(2026, 10, 4, 20, 30, tzinfo=UTC), "500"),
    # 22:30 UTC is already 5 October in Moscow.
    record("s3:in", "u10001", datetime(2026, 10, 4, 22, 30, tzinfo=UTC), "7"),
    record("s4:in", "nobody", datetime(2026, 10, 4, 10, 0, tzinfo=UTC), "9"),
]


@pytest.fixture
def subscriber(db, provider_a):
    with schema_context(provider_a.schema_name):
        account = make_account()
        make_subscription(account, make_plan(), identifiers={"login": "u10001"})
    return account


def daily(schema: str) -> list[tuple]:
    with schema_context(schema):
        return list(UsageDaily.objects.order_by("day").values_list("day", "quantity", "records"))


def test_records_are_stored_matched_and_rolled_up_by_the_providers_day(provider_a, subscriber):
    with schema_context(provider_a.schema_name):
        result = usage_ingest(records=iter(RECORDS), time_zone="Europe/Moscow")

    assert (result.received, result.inserted, result.unmatched, result.days_rolled_up) == (
        4,
        4,
        1,
        2,
    )
    assert daily(provider_a.schema_name) == [
        (date(2026, 10, 4), Decimal("1500.0000"), 2),
        (date(2026, 10, 5), Decimal("7.0000"), 1),
    ]


def test_importing_the_same_records_again_changes_nothing(provider_a, subscriber):
    with schema_context(provider_a.schema_name):
        usage_ingest(records=RECORDS, time_zone="Europe/Moscow")
        again = usage_ingest(records=RECORDS, time_zone="Europe/Moscow")
        count = UsageRecord.objects.count()

    assert (again.inserted, count) == (0, 4)
    assert daily(provider_a.schema_name)[0][1] == Decimal("1500.0000")


def test_a_source_that_fails_midway_leaves_nothing(provider_a, subscriber):
    def parser():
        yield RECORDS[0]
        raise ValueError("row 2: not a number")

    with schema_context(provider_a.schema_name):
        with pytest.raises(ValueError, match="row 2"):
            usage_ingest(records=parser(), time_zone="Europe/Moscow")
        assert not UsageRecord.objects.exists()
    assert daily(provider_a.schema_name) == []


def test_usage_stays_with_its_provider(provider_a, provider_b, subscriber):
    with schema_context(provider_a.schema_name):
        usage_ingest(records=RECORDS, time_zone="Europe/Moscow")
    with schema_context(provider_b.schema_name):
        assert not UsageRecord.objects.exists()
        assert not UsageDaily.objects.exists()


def test_records_that_came_before_their_account_are_matched_later(db, provider_a):
    with schema_context(provider_a.schema_name):
        first = usage_ingest(records=RECORDS, time_zone="Europe/Moscow")
        make_subscription(make_account(), make_plan(), identifiers={"login": "u10001"})
        matched = usage_rematch(time_zone="Europe/Moscow")
        again = usage_rematch(time_zone="Europe/Moscow")

    assert (first.unmatched, matched, again) == (4, 3, 0)
    assert daily(provider_a.schema_name) == [
        (date(2026, 10, 4), Decimal("1500.0000"), 2),
        (date(2026, 10, 5), Decimal("7.0000"), 1),
    ]
