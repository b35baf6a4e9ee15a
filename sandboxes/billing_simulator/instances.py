"""An instance is one provider's billing system: its own token, secret, currency, zone, data."""

import hmac
import re
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sandboxes.billing_simulator.formats import invalid
from sandboxes.billing_simulator.routing import ApiError, Request

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


@dataclass(frozen=True)
class Instance:
    """The configuration of one billing system."""

    name: str
    token: str
    event_secret: str
    currency: str = "RUB"
    time_zone: str = "UTC"
    webhook_url: str | None = None
    vendor: str = "simulator"
    # Promised payments: the largest amount and how long until it is taken back.
    promise_limit: str = "1000.00"
    promise_seconds: int = 5 * 24 * 3600

    def public(self) -> dict[str, Any]:
        """The configuration as the admin API shows it."""
        return asdict(self)


def instance_from_body(name: str, body: dict[str, Any]) -> Instance:
    """Validate an admin PUT body into an Instance (422 naming the field otherwise)."""
    if not NAME.match(name):
        raise ApiError(400, "validation_failed", "instance names are [a-z0-9_-], up to 63 long")
    fields = {
        "token": body.get("token"),
        "event_secret": body.get("event_secret"),
        "currency": body.get("currency", "RUB"),
        "time_zone": body.get("time_zone", "UTC"),
        "webhook_url": body.get("webhook_url") or None,
        "vendor": body.get("vendor", "simulator"),
        "promise_limit": body.get("promise_limit", "1000.00"),
        "promise_seconds": body.get("promise_seconds", 5 * 24 * 3600),
    }
    for field in ("token", "event_secret", "vendor"):
        if not isinstance(fields[field], str) or not fields[field]:
            raise invalid(field, "is required")
    _check_currency(fields["currency"])
    _check_zone(fields["time_zone"])
    _check_webhook(fields["webhook_url"])
    _check_promise(fields["promise_limit"], fields["promise_seconds"])
    return Instance(name=name, **fields)


def _check_currency(currency: Any) -> None:
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
        raise invalid("currency", "must be an ISO 4217 code such as RUB")
    if not currency.isupper():
        raise invalid("currency", "must be upper case")


def _check_promise(limit: Any, seconds: Any) -> None:
    try:
        if not isinstance(limit, str) or Decimal(limit) <= 0:
            raise InvalidOperation
    except InvalidOperation:
        raise invalid("promise_limit", "must be a positive decimal string") from None
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds <= 0:
        raise invalid("promise_seconds", "must be a positive whole number")


def _check_zone(time_zone: Any) -> None:
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise invalid("time_zone", "is not an IANA time zone") from None


def _check_webhook(url: Any) -> None:
    if url is None:
        return
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise invalid("webhook_url", "must be an http(s) URL")


def authenticate(instance: Instance, request: Request) -> None:
    """Require the instance's bearer token; compared in constant time."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthorized", "send Authorization: Bearer <token>")
    if not hmac.compare_digest(token.strip().encode(), instance.token.encode()):
        raise ApiError(401, "unauthorized", "the bearer token is not valid for this instance")
