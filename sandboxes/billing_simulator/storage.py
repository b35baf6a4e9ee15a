"""SQLite storage: one connection, one lock, explicit transactions.

One connection guarded by a lock keeps SQLite's single-writer rule obvious and works the same for
a file and for `:memory:`; the simulator's load is a test suite, not production traffic.
"""

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sandboxes.billing_simulator.schema import PER_INSTANCE_TABLES, SCHEMA

Row = dict[str, Any]


class Tx:
    """Data access inside one transaction (or one locked read)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection
        self.instances_with_new_events: set[str] = set()

    # -- records -------------------------------------------------------------------------------

    def get(self, instance: str, kind: str, record_id: str) -> Row | None:
        """One record's body, or None."""
        row = self.db.execute(
            "SELECT body FROM records WHERE instance=? AND kind=? AND id=?",
            (instance, kind, record_id),
        ).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, instance: str, kind: str, body: Row, updated_at: str) -> None:
        """Insert or replace one record (its id and account_id come from the body)."""
        self.put_many(instance, kind, [body], updated_at)

    def put_many(self, instance: str, kind: str, bodies: Iterable[Row], updated_at: str) -> None:
        """Insert or replace many records in one statement."""
        self.db.executemany(
            "INSERT OR REPLACE INTO records (instance, kind, id, account_id, updated_at, body)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            ((instance, kind, b["id"], b.get("account_id"), updated_at, _dump(b)) for b in bodies),
        )

    def existing_ids(self, instance: str, kind: str, ids: Iterable[str]) -> set[str]:
        """Which of `ids` exist as records of `kind`."""
        found: set[str] = set()
        chunk: list[str] = []
        for record_id in ids:
            chunk.append(record_id)
            if len(chunk) == 500:
                found |= self._existing_chunk(instance, kind, chunk)
                chunk = []
        return found | (self._existing_chunk(instance, kind, chunk) if chunk else set())

    def _existing_chunk(self, instance: str, kind: str, chunk: list[str]) -> set[str]:
        marks = ",".join("?" * len(chunk))
        rows = self.db.execute(
            f"SELECT id FROM records WHERE instance=? AND kind=? AND id IN ({marks})",
            (instance, kind, *chunk),
        )
        return {row[0] for row in rows}

    def page(
        self,
        instance: str,
        kind: str,
        *,
        after: str | None,
        limit: int,
        account_id: str | None = None,
        since: str | None = None,
    ) -> list[Row]:
        """Up to `limit` + 1 bodies ordered by id after `after` (keyset pagination)."""
        sql = "SELECT body FROM records WHERE instance=? AND kind=?"
        args: list[Any] = [instance, kind]
        if account_id is not None:
            sql += " AND account_id=?"
            args.append(account_id)
        if after is not None:
            sql += " AND id>?"
            args.append(after)
        if since is not None:
            sql += " AND updated_at>=?"
            args.append(since)
        sql += " ORDER BY id LIMIT ?"
        args.append(limit + 1)
        return [json.loads(row[0]) for row in self.db.execute(sql, args)]

    def count(self, instance: str, kind: str) -> int:
        """How many records of `kind` the instance holds."""
        query = "SELECT count(*) FROM records WHERE instance=? AND kind=?"
        return self.db.execute(query, (instance, kind)).fetchone()[0]

    def next_number(self, instance: str, name: str) -> int:
        """The next value of a per-instance counter (for generated ids)."""
        self.db.execute(
            "INSERT INTO counters (instance, name, value) VALUES (?, ?, 1)"
            " ON CONFLICT (instance, name) DO UPDATE SET value = value + 1",
            (instance, name),
        )
        query = "SELECT value FROM counters WHERE instance=? AND name=?"
        return self.db.execute(query, (instance, name)).fetchone()[0]

    # -- usage ---------------------------------------------------------------------------------

    def add_usage(self, instance: str, records: Iterable[tuple[Row, str]]) -> int:
        """Append usage records (body, sortable start); known ids are skipped. Returns the count
        added."""
        before = self.db.total_changes
        self.db.executemany(
            "INSERT OR IGNORE INTO usage (instance, id, account_id, metric, started_at, body)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                (instance, r["id"], r["account_id"], r["metric"], start, _dump(r))
                for r, start in records
            ),
        )
        return self.db.total_changes - before

    def usage_rows(self, sql_filter: str, args: list[Any], limit: int) -> list[tuple[int, Row]]:
        """(seq, body) of usage rows matching a filter, in seq order."""
        sql = f"SELECT seq, body FROM usage WHERE {sql_filter} ORDER BY seq LIMIT ?"
        rows = self.db.execute(sql, [*args, limit + 1])
        return [(row[0], json.loads(row[1])) for row in rows]

    # -- events --------------------------------------------------------------------------------

    def add_events(self, instance: str, bodies: Iterable[Row]) -> None:
        """Append events to the instance's feed; the pusher is woken after commit."""
        self.db.executemany(
            "INSERT INTO events (instance, body) VALUES (?, ?)",
            ((instance, _dump(b)) for b in bodies),
        )
        self.instances_with_new_events.add(instance)

    def events_after(self, instance: str, seq: int, limit: int) -> list[tuple[int, str]]:
        """(seq, raw JSON) of events after `seq`, oldest first."""
        rows = self.db.execute(
            "SELECT seq, body FROM events WHERE instance=? AND seq>? ORDER BY seq LIMIT ?",
            (instance, seq, limit),
        )
        return list(rows)

    def last_event_seq(self, instance: str) -> int:
        """The newest event's seq for the instance, 0 when it has none."""
        query = "SELECT coalesce(max(seq), 0) FROM events WHERE instance=?"
        return self.db.execute(query, (instance,)).fetchone()[0]

    # -- idempotency ---------------------------------------------------------------------------

    def idempotent_result(self, instance: str, key: str) -> tuple[str, int, str] | None:
        """(fingerprint, status, body) stored for an Idempotency-Key, or None."""
        return self.db.execute(
            "SELECT fingerprint, status, body FROM idempotency WHERE instance=? AND key=?",
            (instance, key),
        ).fetchone()

    def save_idempotent_result(
        self, instance: str, key: str, fingerprint: str, status: int, body: str
    ) -> None:
        """Remember the answer given to an Idempotency-Key."""
        self.db.execute(
            "INSERT INTO idempotency (instance, key, fingerprint, status, body)"
            " VALUES (?, ?, ?, ?, ?)",
            (instance, key, fingerprint, status, body),
        )

    # -- schedule ------------------------------------------------------------------------------

    def schedule(
        self, instance: str, subscription_id: str, plan_id: str, at: str, operation_id: str
    ) -> None:
        """Set (or replace) the pending plan change of a subscription."""
        self.db.execute(
            "INSERT OR REPLACE INTO schedule VALUES (?, ?, ?, ?, ?)",
            (instance, subscription_id, plan_id, at, operation_id),
        )

    def scheduled(self, instance: str, subscription_id: str) -> tuple[str, str, str] | None:
        """(plan_id, effective_at, operation_id) pending for a subscription, or None."""
        return self.db.execute(
            "SELECT plan_id, effective_at, operation_id FROM schedule"
            " WHERE instance=? AND subscription_id=?",
            (instance, subscription_id),
        ).fetchone()

    def unschedule(self, instance: str, subscription_id: str) -> None:
        """Drop the pending plan change of a subscription."""
        self.db.execute(
            "DELETE FROM schedule WHERE instance=? AND subscription_id=?",
            (instance, subscription_id),
        )

    def due(self, instance: str, now: str) -> list[tuple[str, str, str]]:
        """(subscription_id, plan_id, operation_id) of changes whose time has come."""
        rows = self.db.execute(
            "SELECT subscription_id, plan_id, operation_id FROM schedule"
            " WHERE instance=? AND effective_at<=? ORDER BY effective_at",
            (instance, now),
        )
        return list(rows)

    # -- instances -----------------------------------------------------------------------------

    def instance_config(self, name: str) -> Row | None:
        """The stored configuration of an instance, or None."""
        query = "SELECT config FROM instances WHERE name=?"
        row = self.db.execute(query, (name,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_instance(self, name: str, config: Row, pushed_seq: int | None) -> None:
        """Create or update an instance; `pushed_seq` None keeps the stored push position."""
        self.db.execute(
            "INSERT INTO instances (name, config, pushed_seq) VALUES (?, ?, coalesce(?, 0))"
            " ON CONFLICT (name) DO UPDATE SET config=excluded.config,"
            " pushed_seq=coalesce(?, pushed_seq)",
            (name, _dump(config), pushed_seq, pushed_seq),
        )

    def delete_instance(self, name: str) -> None:
        """Remove an instance and everything it holds."""
        for table in PER_INSTANCE_TABLES:
            self.db.execute(f"DELETE FROM {table} WHERE instance=?", (name,))
        self.db.execute("DELETE FROM instances WHERE name=?", (name,))

    def instance_names(self) -> list[str]:
        """Every instance, by name."""
        return [row[0] for row in self.db.execute("SELECT name FROM instances ORDER BY name")]

    def pushed_seq(self, name: str) -> int:
        """The seq of the last event the webhook accepted."""
        query = "SELECT pushed_seq FROM instances WHERE name=?"
        row = self.db.execute(query, (name,)).fetchone()
        return row[0] if row else 0

    def set_pushed_seq(self, name: str, seq: int) -> None:
        """Remember that the webhook accepted every event up to `seq`."""
        self.db.execute("UPDATE instances SET pushed_seq=? WHERE name=?", (seq, name))


class Store:
    """The database file (or memory) and the lock every access takes."""

    def __init__(self, data_dir: str) -> None:
        if data_dir == ":memory:":
            target = ":memory:"
        else:
            Path(data_dir).mkdir(parents=True, exist_ok=True)
            target = str(Path(data_dir) / "billing.sqlite3")
        self._lock = threading.RLock()
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        if target != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self.after_commit: Callable[[set[str]], None] = lambda instances: None

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A locked, read-only view."""
        with self._lock:
            yield Tx(self._db)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """A write transaction: commits on success, rolls back on any exception."""
        with self._lock:
            tx = Tx(self._db)
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield tx
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        if tx.instances_with_new_events:
            self.after_commit(tx.instances_with_new_events)

    def close(self) -> None:
        """Close the connection (after the server has stopped)."""
        with self._lock:
            self._db.close()


# One encoder for every row: json.dumps with options builds a new encoder per call, which is
# a third of the cost of a 100,000-account seed.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _dump(body: Row) -> str:
    return _ENCODER.encode(body)
