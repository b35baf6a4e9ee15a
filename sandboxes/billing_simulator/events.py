"""The change feed: every change appends one envelope (contract 4.4); pull and push share it."""

import uuid
from datetime import datetime
from typing import Any

from sandboxes.billing_simulator.formats import (
    decode_cursor,
    encode_cursor,
    parse_limit,
    render_time,
    utc_now,
)
from sandboxes.billing_simulator.instances import Instance
from sandboxes.billing_simulator.routing import Request, Response
from sandboxes.billing_simulator.storage import Tx

# Who made a change: the portal through the API, the office (a manager) or the system itself.
PORTAL = {"kind": "subscriber", "id": "portal"}
SYSTEM = {"kind": "system", "id": "billing"}


def office(operator: str | None) -> dict[str, str]:
    """The actor of a change made by a manager directly in the billing system."""
    return {"kind": "operator", "id": operator or "office:1"}


def envelope(
    instance: Instance,
    event_type: str,
    resource: tuple[str, str],
    actor: dict[str, str],
    before: Any,
    after: Any,
    at: datetime | None = None,
) -> dict[str, Any]:
    """One event in the contract's envelope."""
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": event_type,
        "occurred_at": render_time(at or utc_now(), instance.time_zone),
        "tenant": instance.name,
        "source": instance.vendor,
        "resource": {"type": resource[0], "id": resource[1]},
        "actor": actor,
        "data": {"before": before, "after": after},
    }


def emit(tx: Tx, instance: Instance, *events: dict[str, Any]) -> None:
    """Append events to the instance's feed inside the caller's transaction."""
    tx.add_events(instance.name, events)


def events_feed(app: Any, request: Request) -> Response:
    """GET /v1/events?cursor=&limit=: oldest first. `next_cursor` is never null here: a feed is
    resumed from it later even when it is empty now; `has_more` says whether to ask at once."""
    instance: Instance = request.instance
    limit = parse_limit(request.query.get("limit"))
    after = decode_cursor(request.query.get("cursor"), int) or 0
    with app.store.read() as tx:
        rows = tx.events_after(instance.name, after, limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1][0] if rows else after
    # Rows hold the exact JSON text that is also pushed, so pull and push stay byte-identical.
    items = "[" + ",".join(body for _, body in rows) + "]"
    cursor = encode_cursor(last)
    body = f'{{"items":{items},"next_cursor":"{cursor}","has_more":{str(has_more).lower()}}}'
    return Response(200, body.encode())
