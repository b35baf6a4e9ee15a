"""Verifying change events the billing system pushes: `X-Portal-Signature: t=<unix>,v1=<hex>`
where hex = HMAC-SHA256(secret, f"{t}.{raw body}"), the scheme Stripe uses."""

import hashlib
import hmac
import json
import time
from collections.abc import Mapping

from connectors.billing.rest import mapping
from connectors.billing.types import ChangeEvent
from connectors.errors import BadResponse, Rejected

SIGNATURE_HEADER = "X-Portal-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, raw_body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw_body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(
    *,
    secret: str,
    tenant: str,
    headers: Mapping[str, str],
    raw_body: bytes,
    now: float | None = None,
) -> ChangeEvent:
    """The event, if the signature is right, recent, and the event names this provider."""
    header = next(
        (value for name, value in headers.items() if name.lower() == SIGNATURE_HEADER.lower()), ""
    )
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    if not secret or "t" not in parts or "v1" not in parts or not parts["t"].isdigit():
        raise Rejected("missing or malformed signature", status=400, code="bad_signature")
    timestamp = int(parts["t"])
    if abs((now if now is not None else time.time()) - timestamp) > TOLERANCE_SECONDS:
        raise Rejected("signature too old or from the future", status=400, code="stale_signature")
    expected = sign(secret, raw_body, timestamp).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, parts["v1"]):
        raise Rejected("signature does not match", status=400, code="bad_signature")
    try:
        event = mapping.event(json.loads(raw_body))
    except (ValueError, BadResponse) as error:
        raise Rejected(f"not an event: {error}", status=400, code="bad_event") from error
    if event.tenant != tenant:
        raise Rejected("the event is for another provider", status=400, code="wrong_tenant")
    return event
