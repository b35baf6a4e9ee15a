"""Wire formats shared by every module: timestamps, money, cursors and input checks."""

import base64
import binascii
import json
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from sandboxes.billing_simulator.routing import ApiError

CENT = Decimal("0.01")
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
# Fixed-width UTC text sorts like the instant it names, so SQLite can compare it as a string.
_SORTABLE = "%Y-%m-%dT%H:%M:%S.%f+00:00"


def utc_now() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def sortable(moment: datetime) -> str:
    """`moment` as fixed-width UTC text for indexed comparisons."""
    return moment.astimezone(UTC).strftime(_SORTABLE)


def render_time(moment: datetime, time_zone: str) -> str:
    """RFC 3339 with the instance's offset, to the second."""
    return moment.astimezone(ZoneInfo(time_zone)).isoformat(timespec="seconds")


def parse_time(text: Any, field: str) -> datetime:
    """An RFC 3339 timestamp that carries an offset, or a 422 naming `field`."""
    if not isinstance(text, str):
        raise invalid(field, "must be an RFC 3339 timestamp string")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise invalid(field, "is not an RFC 3339 timestamp") from None
    if moment.tzinfo is None:
        raise invalid(field, "must carry a UTC offset")
    return moment


def parse_decimal(text: Any, field: str) -> Decimal:
    """A decimal given as a string (never a float: binary floats cannot hold cents exactly)."""
    if not isinstance(text, str):
        raise invalid(field, 'must be a decimal string such as "500.00"')
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise invalid(field, "is not a decimal number") from None
    if not number.is_finite():
        raise invalid(field, "is not a finite number")
    return number


def money(value: Decimal, currency: str) -> dict[str, str]:
    """The contract's money shape: a two-place decimal string plus ISO 4217 currency."""
    return {"value": str(value.quantize(CENT)), "currency": currency}


def parse_money(raw: Any, field: str, currency: str | None = None) -> Decimal:
    """The decimal of a money object; with `currency`, the currency must match it."""
    if not isinstance(raw, dict):
        raise invalid(field, "must be an object {value, currency}")
    value = parse_decimal(raw.get("value"), f"{field}.value")
    if value != value.quantize(CENT):
        raise invalid(f"{field}.value", "has more than two decimal places")
    if currency is not None and raw.get("currency") != currency:
        raise invalid(f"{field}.currency", f"must be {currency}")
    return value


def encode_cursor(position: str | int) -> str:
    """An opaque cursor: clients must not build or parse it."""
    raw = json.dumps({"p": position}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, kind: type) -> Any:
    """The position inside a cursor from `encode_cursor`, or a 400 for anything else."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))["p"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise ApiError(400, "validation_failed", "cursor is not one this server issued") from None
    if not isinstance(position, kind):
        raise ApiError(400, "validation_failed", "cursor is not one this server issued")
    return position


def parse_limit(raw: str | None) -> int:
    """`?limit=`: 1 to MAX_LIMIT, DEFAULT_LIMIT when absent."""
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(400, "validation_failed", f"limit must be an integer from 1 to {MAX_LIMIT}")
    return int(raw)


def invalid(field: str, message: str) -> ApiError:
    """A 422 problem that names the offending field."""
    return ApiError(422, "validation_failed", f"{field} {message}", errors={field: message})


def require_text(body: dict[str, Any], field: str, choices: tuple[str, ...] = ()) -> str:
    """A required non-empty string field, optionally one of `choices`."""
    value = body.get(field)
    if not isinstance(value, str) or not value:
        raise invalid(field, "is required")
    if choices and value not in choices:
        raise invalid(field, f"must be one of {', '.join(choices)}")
    return value


def canonical_json(value: Any) -> bytes:
    """Stable bytes for hashing a request body (key order and spacing do not matter)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
