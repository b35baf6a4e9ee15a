"""The SQLite schema. Every row names its instance: instances share one file, not their data."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS instances (
    name TEXT PRIMARY KEY,
    config TEXT NOT NULL,
    pushed_seq INTEGER NOT NULL DEFAULT 0
);
-- Accounts, plans, subscriptions, documents, payments and operations: one JSON body each.
-- The primary key doubles as the keyset-pagination index (ORDER BY id, never OFFSET). A rowid
-- table, not WITHOUT ROWID: bodies are large, which WITHOUT ROWID handles badly.
CREATE TABLE IF NOT EXISTS records (
    instance TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    account_id TEXT,
    updated_at TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (instance, kind, id)
);
CREATE INDEX IF NOT EXISTS records_by_account ON records (instance, kind, account_id, id);
CREATE INDEX IF NOT EXISTS records_by_update ON records (instance, kind, updated_at);
-- Usage is append-only; seq orders the provider-wide feed and survives restarts.
CREATE TABLE IF NOT EXISTS usage (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    instance TEXT NOT NULL,
    id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    metric TEXT NOT NULL,
    started_at TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (instance, id)
);
CREATE INDEX IF NOT EXISTS usage_by_account ON usage (instance, account_id, started_at);
CREATE INDEX IF NOT EXISTS usage_feed ON usage (instance, seq);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    instance TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_feed ON events (instance, seq);
CREATE TABLE IF NOT EXISTS idempotency (
    instance TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (instance, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS counters (
    instance TEXT NOT NULL,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (instance, name)
) WITHOUT ROWID;
-- Plan changes waiting for their effective time (mode next_period or date).
CREATE TABLE IF NOT EXISTS schedule (
    instance TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    effective_at TEXT NOT NULL,
    operation_id TEXT NOT NULL,
    PRIMARY KEY (instance, subscription_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS schedule_due ON schedule (instance, effective_at);
"""

PER_INSTANCE_TABLES = ("records", "usage", "events", "idempotency", "counters", "schedule")
