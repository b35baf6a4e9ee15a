"""Usage ingest: raw records in through PostgreSQL COPY, duplicates recognised by source key,
daily rollups recomputed for exactly the account-days that changed."""

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from django.db import DataError, connection, transaction

from cabinet.usage.models import UsageRecord
from connectors.billing.files.errors import ImportRejected, RowError
from connectors.billing.types import UsageRecordData

_STAGING = """
    CREATE TEMP TABLE usage_staging (
        source_key text, account_ref text, metric text, unit text, direction text,
        quantity numeric, started_at timestamptz, ended_at timestamptz, source_type text,
        attributes jsonb, service_ref text
    ) ON COMMIT DROP
"""

# Every name by which the outside world may call an account: its billing id, its contract
# number, and each identifier of its services (RADIUS login, phone number, meter id), which also
# names the service. A phone number or login given to a new client after an old one left names
# the service still running (or else the latest one), never the old client's.
_REFERENCES = """
    CREATE TEMP TABLE usage_references ON COMMIT DROP AS
    SELECT DISTINCT ON (ref) ref, account_id, subscription_id FROM (
        SELECT external_id AS ref, id AS account_id, NULL::bigint AS subscription_id, 0 AS rank,
               false AS ended, NULL::timestamptz AS started_at
        FROM accounts_clientaccount
        UNION ALL
        SELECT number, id, NULL, 1, false, NULL FROM accounts_clientaccount
        UNION ALL
        SELECT value, account_id, id, 2, status = 'ended', started_at
        FROM services_subscription, jsonb_each_text(identifiers)
    ) names ORDER BY ref, rank, ended, started_at DESC NULLS LAST, subscription_id DESC;
    CREATE UNIQUE INDEX ON usage_references (ref);
    ANALYZE usage_references;
"""

# Adds records (from the CTE named `{source}`) to their days' totals in the provider's zone.
_ROLL_UP = """
    rolled AS (
        INSERT INTO usage_usagedaily (account_id, subscription_id, day, metric, unit, direction,
                                      quantity, records)
        SELECT account_id, subscription_id, (started_at AT TIME ZONE %(tz)s)::date, metric, unit,
               direction, sum(quantity), count(*)
        FROM {source} WHERE account_id IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (account_id, subscription_id, day, metric, unit, direction) DO UPDATE
        SET quantity = usage_usagedaily.quantity + EXCLUDED.quantity,
            records = usage_usagedaily.records + EXCLUDED.records
        RETURNING 1
    )
"""

# One statement: store the new records, then add exactly those to their days' totals. Records
# already stored are skipped by ON CONFLICT, so a repeated or concurrent import adds nothing twice.
_INSERT_AND_ROLL_UP = (
    """
    WITH inserted AS (
        INSERT INTO usage_usagerecord (source_key, account_ref, account_id, metric, unit,
                                       direction, quantity, started_at, ended_at, source_type,
                                       attributes)
        SELECT s.source_key, s.account_ref, r.account_id, s.metric, s.unit, s.direction,
               s.quantity, s.started_at, s.ended_at, s.source_type, s.attributes
        FROM usage_staging s LEFT JOIN usage_references r ON r.ref = s.account_ref
        ON CONFLICT (source_key) DO NOTHING
        RETURNING source_key, account_id, account_ref, started_at, metric, unit, direction,
                  quantity
    ), with_service AS (
        -- The service the source named (a billing feed's subscription id) or else the one whose
        -- identifier the record carries; only a service of the record's own account counts.
        SELECT i.*, COALESCE(named.id, r.subscription_id) AS subscription_id
        FROM inserted i
        LEFT JOIN usage_references r ON r.ref = i.account_ref
        LEFT JOIN usage_staging s ON s.service_ref IS NOT NULL AND s.source_key = i.source_key
        LEFT JOIN services_subscription named
               ON named.external_id = s.service_ref AND named.account_id = i.account_id
    ), """
    + _ROLL_UP.format(source="with_service")
    + """
    SELECT (SELECT count(*) FROM inserted),
           (SELECT count(*) FROM inserted WHERE account_id IS NULL),
           (SELECT count(*) FROM rolled)
"""
)

# Records that named no known account when they came get it once the account is known.
_MATCH_AND_ROLL_UP = (
    """
    WITH matched AS (
        UPDATE usage_usagerecord u SET account_id = r.account_id
        FROM usage_references r
        WHERE u.account_id IS NULL AND r.ref = u.account_ref
        RETURNING u.account_id, r.subscription_id, u.started_at, u.metric, u.unit, u.direction,
                  u.quantity
    ), """
    + _ROLL_UP.format(source="matched")
    + """
    SELECT (SELECT count(*) FROM matched)
"""
)


@contextmanager
def values_that_fit() -> Iterator[None]:
    """A value the columns cannot hold (too long, too large, a NUL byte) refuses the import
    instead of failing the page; the transaction keeps nothing."""
    try:
        yield
    except (DataError, psycopg.DataError) as error:
        reason = str(error).splitlines()[0]
        raise ImportRejected([RowError(0, f"a value does not fit: {reason}")]) from error


@dataclass(frozen=True)
class IngestResult:
    received: int
    inserted: int
    unmatched: int  # inserted records whose account_ref names no known account (yet)
    days_rolled_up: int


def _row(record: UsageRecordData) -> tuple:
    return (
        record.source_key,
        record.account_ref,
        record.metric,
        record.unit,
        record.direction.value if record.direction else "",
        record.quantity,
        record.started_at,
        record.ended_at,
        record.source_type,
        json.dumps(record.attributes, default=str),
        record.service_ref,
    )


@transaction.atomic
def usage_ingest(*, records: Iterable[UsageRecordData], time_zone: str) -> IngestResult:
    """Store `records` (any iterable, e.g. a file parser) all-or-nothing.

    If the iterable raises part-way (a parser that found bad rows raises at the end), nothing is
    kept. Records already stored (same source_key) are skipped. Days are cut in `time_zone`.
    """
    received = 0
    with connection.cursor() as cursor, values_that_fit():
        cursor.execute(_STAGING)
        with cursor.copy(
            "COPY usage_staging (source_key, account_ref, metric, unit, direction, quantity, "
            "started_at, ended_at, source_type, attributes, service_ref) FROM STDIN"
        ) as copy:
            for record in records:
                copy.write_row(_row(record))
                received += 1
        cursor.execute(_REFERENCES)
        cursor.execute(_INSERT_AND_ROLL_UP, {"tz": time_zone})
        inserted, unmatched, days = cursor.fetchone()
        # ON COMMIT DROP does not fire while the caller's transaction is still open.
        cursor.execute("DROP TABLE usage_staging, usage_references")
    return IngestResult(received, inserted, unmatched, days)


@transaction.atomic
def usage_rematch(*, time_zone: str) -> int:
    """Match stored records that named no known account (e.g. usage imported before the accounts)
    and add them to their days; returns how many found their account."""
    if not UsageRecord.objects.filter(account__isnull=True).exists():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_REFERENCES)
        cursor.execute(_MATCH_AND_ROLL_UP, {"tz": time_zone})
        (matched,) = cursor.fetchone()
        cursor.execute("DROP TABLE usage_references")
    return matched
