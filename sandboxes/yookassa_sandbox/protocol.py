"""What every route shares: YooKassa's error shape and careful reading of a request.

A request the sandbox cannot use is refused the way YooKassa refuses it, as
`{"type": "error", "id", "code", "description", "parameter"?}` with a 4xx status, so that a
client's error handling is tested too and a bad request never takes the sandbox down.
"""

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sandboxes.gateway_http import Answer

KOPECK = Decimal("0.01")
LARGEST = Decimal("1e12")  # far above any limit of YooKassa's, small enough to quantize safely


class Refusal(Exception):
    """A request refused with YooKassa's error object; raised anywhere, answered by the router."""

    def __init__(self, status: int, code: str, description: str, parameter: str = "") -> None:
        super().__init__(description)
        self.status = status
        self.code = code
        self.description = description
        self.parameter = parameter

    def answer(self) -> Answer:
        body = {
            "type": "error",
            "id": str(uuid.uuid4()),
            "code": self.code,
            "description": self.description,
        }
        if self.parameter:
            body["parameter"] = self.parameter
        return Answer(self.status, body)


def invalid(description: str, parameter: str = "") -> Refusal:
    return Refusal(400, "invalid_request", description, parameter)


def not_found(description: str) -> Refusal:
    return Refusal(404, "not_found", description)


def now() -> str:
    """A timestamp as YooKassa writes them: UTC with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def read_object(body: bytes, *, empty_ok: bool = False) -> dict[str, Any]:
    """The JSON object of a request body; anything else (bad UTF-8, bad JSON, a list) is refused."""
    if not body.strip() and empty_ok:
        return {}
    try:
        request = json.loads(body)
    except ValueError:  # also UnicodeDecodeError
        raise invalid("the body is not valid JSON") from None
    if not isinstance(request, dict):
        raise invalid("the body must be a JSON object")
    return request


def idempotence_key(headers: dict[str, str]) -> str:
    """YooKassa requires the header on every POST; it tells a retry from a new request."""
    key = headers.get("idempotence-key", "")
    if not key or len(key) > 64:
        raise invalid("Idempotence-Key header of 1 to 64 characters is required", "Idempotence-Key")
    return key


def fingerprint(path: str, request: dict[str, Any]) -> str:
    """What makes two requests "the same" for an Idempotence-Key: where they went and their body."""
    return f"{path}\n{json.dumps(request, sort_keys=True, ensure_ascii=False)}"


def amount(raw: Any, parameter: str = "amount") -> tuple[Decimal, str]:
    """A positive `{"value", "currency"}` with at most two decimals, as YooKassa insists."""
    if not isinstance(raw, dict):
        raise invalid(f"{parameter} must be an object with value and currency", parameter)
    value, currency = raw.get("value"), raw.get("currency")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise invalid(f"{parameter}.currency must be a three-letter code", f"{parameter}.currency")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise invalid(f"{parameter}.value must be a decimal number", f"{parameter}.value")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise invalid(f"{parameter}.value must be a decimal number", f"{parameter}.value") from None
    if not number.is_finite() or abs(number) >= LARGEST:
        raise invalid(f"{parameter}.value is out of range", f"{parameter}.value")
    if number != number.quantize(KOPECK):
        raise invalid(f"{parameter}.value has more than two decimals", f"{parameter}.value")
    if number <= 0:
        raise invalid(f"{parameter}.value must be greater than zero", f"{parameter}.value")
    return number, currency.upper()


def money(value: Decimal, currency: str) -> dict[str, str]:
    return {"value": f"{value:.2f}", "currency": currency}


def text(request: dict[str, Any], name: str, limit: int) -> str | None:
    """An optional string field no longer than YooKassa allows."""
    value = request.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(f"{name} must be a string", name)
    if len(value) > limit:
        raise invalid(f"{name} is longer than {limit} characters", name)
    return value


def flag(request: dict[str, Any], name: str, default: bool) -> bool:
    value = request.get(name, default)
    if not isinstance(value, bool):
        raise invalid(f"{name} must be true or false", name)
    return value


def mapping(request: dict[str, Any], name: str) -> dict[str, Any] | None:
    """An optional object field such as `metadata` or `receipt`."""
    value = request.get(name)
    if value is not None and not isinstance(value, dict):
        raise invalid(f"{name} must be an object", name)
    return value
