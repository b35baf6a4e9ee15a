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
    parts = dict(item.strip().split("=", 1) for item in header.split(",") if "=" in item)
    stamp, digest = parts.get("t", ""), parts.get("v1", "")
    well_formed = (
        stamp.isascii()
        and stamp.isdigit()
        and len(stamp) <= 12
        and len(digest) == 64
        and all(char in "0123456789abcdef" for char in digest)
    )
    if not secret or not well_formed:
        raise Rejected("missing or malformed signature", status=400, code="bad_signature")
    timestamp = int(stamp)
    if abs((now if now is not None else time.time()) - timestamp) > TOLERANCE_SECONDS:
        raise Rejected("signature too old or from the future", status=400, code="stale_signature")
    expected = sign(secret, raw_body, timestamp).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, digest):
        raise Rejected("signature does not match", status=400, code="bad_signature")
    try:
        event = mapping.event(json.loads(raw_body))
    except (ValueError, TypeError, BadResponse) as error:
        raise Rejected(f"not an event: {error}", status=400, code="bad_event") from error
    if event.tenant != tenant:
        raise Rejected("the event is for another provider", status=400, code="wrong_tenant")
    return event
