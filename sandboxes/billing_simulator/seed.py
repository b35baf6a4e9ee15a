"""Bulk seeding: one transaction, executemany per section, so 100,000 accounts load in seconds."""

from collections.abc import Callable
from typing import Any

from sandboxes.billing_simulator import entities
from sandboxes.billing_simulator.events import envelope
from sandboxes.billing_simulator.formats import invalid, render_time, sortable, utc_now
from sandboxes.billing_simulator.instances import Instance
from sandboxes.billing_simulator.storage import Tx

SEED_ACTOR = {"kind": "system", "id": "seed"}
# Order matters: references point backwards (subscriptions need accounts and plans).
SECTIONS = ("plans", "accounts", "subscriptions", "documents", "payments")
EVENT_TYPES = {
    "plans": ("plan.updated", "plan"),
    "accounts": ("account.updated", "account"),
    "subscriptions": ("subscription.created", "subscription"),
    "documents": ("document.issued", "document"),
    "payments": ("payment.posted", "payment"),
}
KINDS = {section: kind for section, (_, kind) in EVENT_TYPES.items()}


def _items(body: dict[str, Any], section: str) -> list[dict[str, Any]]:
    items = body.get(section) or []
    if not isinstance(items, list):
        raise invalid(section, "must be a list")
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise invalid(f"{section}[{index}]", "must be an object")
    return items


def _normalise(section: str, items: list[dict[str, Any]], inst: Instance, now: str) -> list[dict]:
    builders: dict[str, Callable[..., dict]] = {
        "plans": lambda raw, where: entities.plan(raw, where, inst),
        "accounts": lambda raw, where: entities.account(raw, where, inst, now),
        "subscriptions": lambda raw, where: entities.subscription(raw, where, inst, now),
        "documents": lambda raw, where: entities.document(raw, where, inst, now),
        "payments": lambda raw, where: entities.payment(raw, where, inst, now),
    }
    build = builders[section]
    return [build(raw, f"{section}[{index}]") for index, raw in enumerate(items)]


def _check_references(
    tx: Tx, inst: Instance, items: list[dict], field: str, kind: str, seeded: set[str]
) -> None:
    """Every `field` must name a record seeded now or stored before."""
    wanted = {item[field] for item in items} - seeded
    missing = wanted - tx.existing_ids(inst.name, kind, wanted)
    if missing:
        raise invalid(field, f"names unknown {kind} ids: {', '.join(sorted(missing)[:5])}")


def seed(tx: Tx, inst: Instance, body: dict[str, Any]) -> dict[str, int]:
    """Store every section of a seed; returns how many of each were stored."""
    moment = utc_now()
    now, stamp = render_time(moment, inst.time_zone), sortable(moment)
    emit_events = body.get("emit_events", True) is not False
    stored: dict[str, list[dict]] = {}
    for section in SECTIONS:
        stored[section] = _normalise(section, _items(body, section), inst, now)
    seeded_ids = {s: {item["id"] for item in stored[s]} for s in ("accounts", "plans")}
    for section, field, target in (
        ("subscriptions", "account_id", "accounts"),
        ("subscriptions", "plan_id", "plans"),
        ("documents", "account_id", "accounts"),
        ("payments", "account_id", "accounts"),
    ):
        _check_references(tx, inst, stored[section], field, KINDS[target], seeded_ids[target])
    for section in SECTIONS:
        tx.put_many(inst.name, KINDS[section], stored[section], stamp)
        if emit_events and stored[section]:
            event_type, kind = EVENT_TYPES[section]
            tx.add_events(
                inst.name,
                (
                    envelope(inst, event_type, (kind, b["id"]), SEED_ACTOR, None, b, moment)
                    for b in stored[section]
                ),
            )
    counts = {section: len(stored[section]) for section in SECTIONS}
    counts["usage"] = _seed_usage(tx, inst, _items(body, "usage"), seeded_ids, emit_events)
    return counts


def _seed_usage(
    tx: Tx, inst: Instance, items: list[dict], seeded: dict[str, set[str]], emit_events: bool
) -> int:
    """Append usage records (known ids are skipped) and one batched `usage.recorded` event."""
    records = [entities.usage(raw, f"usage[{i}]", inst) for i, raw in enumerate(items)]
    bodies = [body for body, _ in records]
    _check_references(tx, inst, bodies, "account_id", "account", seeded["accounts"])
    added = tx.add_usage(inst.name, ((body, sortable(start)) for body, start in records))
    if emit_events and added:
        accounts = sorted({body["account_id"] for body in bodies})
        batch = f"batch:{tx.next_number(inst.name, 'usage_batch')}"
        after = {"count": added, "account_ids": accounts[:1000]}
        event = envelope(inst, "usage.recorded", ("usage", batch), SEED_ACTOR, None, after)
        tx.add_events(inst.name, [event])
    return added
