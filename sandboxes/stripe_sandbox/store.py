"""Each secret key's own world: the objects it made, its idempotent answers and its events.

Objects are kept as the JSON Stripe would answer with. Keys starting with `_` are the sandbox's
own notes (a card's hidden behaviour, a session's line items) and never leave the process.
"""

import copy
import secrets
import string
import time
from dataclasses import dataclass, field
from typing import Any

API_VERSION = "2024-06-20"
ALPHABET = string.ascii_letters + string.digits
LABELS = {"payment_method": "PaymentMethod", "setup_intent": "SetupIntent"}


def new_id(prefix: str) -> str:
    """Stripe's ids are a type prefix and a random tail; the prefix tells tests what they hold."""
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(24))


def now() -> int:
    return int(time.time())


class Refusal(Exception):
    """A request Stripe would refuse, carrying the error object it would answer with."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        kind: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error: dict[str, Any] = {"type": kind, "message": message}
        if code:
            self.error["code"] = code
        if param:
            self.error["param"] = param
        self.error.update(extra)

    def body(self) -> dict[str, Any]:
        return {"error": self.error}


def missing(kind: str, object_id: Any, param: str | None = None) -> Refusal:
    """Stripe's answer for an id this account does not have, whoever else might."""
    label = LABELS.get(kind, kind)
    return Refusal(404, f"No such {label}: '{object_id}'", code="resource_missing", param=param)


def public(value: Any) -> Any:
    """A deep copy as the API shows it: without the sandbox's own notes, and safe to change."""
    if isinstance(value, dict):
        return {key: public(item) for key, item in value.items() if not key.startswith("_")}
    if isinstance(value, list):
        return [public(item) for item in value]
    return copy.copy(value)


def listing(url: str, items: list[dict[str, Any]], limit: int = 10) -> dict[str, Any]:
    """Stripe's list envelope, newest first as Stripe lists."""
    newest = list(reversed(items))
    return {
        "object": "list",
        "data": [public(item) for item in newest[:limit]],
        "has_more": len(newest) > limit,
        "url": url,
    }


@dataclass
class Account:
    """One secret key. Nothing here is reachable with another key."""

    key: str
    base_url: str
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    answers: dict[str, tuple[str, int, dict[str, Any]]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)
    webhook_url: str = ""
    webhook_secret: str = ""

    def add(self, obj: dict[str, Any]) -> dict[str, Any]:
        self.objects[obj["id"]] = obj
        return obj

    def find(self, object_id: Any, kind: str, param: str | None = None) -> dict[str, Any]:
        """The object of that type with that id, or Stripe's `resource_missing`."""
        found = self.objects.get(object_id) if isinstance(object_id, str) else None
        if found is None or found["object"] != kind:
            raise missing(kind, object_id, param)
        return found

    def all(self, kind: str) -> list[dict[str, Any]]:
        return [obj for obj in self.objects.values() if obj["object"] == kind]

    def emit(self, kind: str, obj: dict[str, Any]) -> None:
        """Record an event with a snapshot of the object as it is now; it goes out once the
        request that caused it has finished."""
        event = {
            "id": new_id("evt_"),
            "object": "event",
            "api_version": API_VERSION,
            "created": now(),
            "type": kind,
            "livemode": False,
            "pending_webhooks": 1 if self.webhook_url else 0,
            "request": {"id": None, "idempotency_key": None},
            "data": {"object": public(obj)},
        }
        self.add(event)
        self.events.append(event)
        self.outbox.append(event)

    def take_outbox(self) -> list[dict[str, Any]]:
        sent, self.outbox = self.outbox, []
        return sent
