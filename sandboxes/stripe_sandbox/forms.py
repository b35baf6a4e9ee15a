"""Stripe's request encoding: `application/x-www-form-urlencoded` with bracket nesting
(`line_items[0][price_data][unit_amount]=500`, `metadata[order]=7`, `expand[]=customer`), decoded
into dicts and lists, and readers that check one parameter each and name it when refusing.
"""

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sandboxes.stripe_sandbox.store import Refusal

MAX_FIELDS = 1000
NAME = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")
PART = re.compile(r"\[([^\[\]]*)\]")
MAPS = {"metadata"}  # their keys are the caller's own, even when they look like indexes


def decode(text: str) -> dict[str, Any]:
    """The nested parameters of a form body or query string; 400 when it is not one."""
    try:
        pairs = parse_qsl(
            text, keep_blank_values=True, strict_parsing=True, max_num_fields=MAX_FIELDS
        )
    except ValueError as problem:
        raise Refusal(
            400, f"Invalid request: the parameters are not form-encoded ({problem})."
        ) from None
    root: dict[str, Any] = {}
    for name, value in pairs:
        match = NAME.fullmatch(name)
        if match is None:
            raise Refusal(400, f"Invalid parameter name: '{name}'.", param=name)
        _place(root, [match[1], *PART.findall(match[2])], value, name)
    return _with_lists(root, "")


def decode_body(body: bytes, content_type: str) -> dict[str, Any]:
    """A POST body; Stripe's v1 API takes forms only, so JSON or binary bodies are refused."""
    if body and content_type and "x-www-form-urlencoded" not in content_type:
        raise Refusal(400, "Invalid request: send parameters form-encoded, as Stripe's v1 API.")
    try:
        return decode(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise Refusal(400, "Invalid request: the body is not UTF-8.") from None


def _place(node: dict[str, Any], path: list[str], value: str, name: str) -> None:
    """Put one value at its path; `[]` appends. A name used both as a value and as a parent
    (`metadata=x&metadata[a]=y`) is refused rather than guessed."""
    for part in path[:-1]:
        child = node.setdefault(part or str(len(node)), {})
        if not isinstance(child, dict):
            raise Refusal(400, f"Invalid parameter: '{name}' mixes a value and a hash.", param=name)
        node = child
    last = path[-1] or str(len(node))
    if isinstance(node.get(last), dict):
        raise Refusal(400, f"Invalid parameter: '{name}' mixes a value and a hash.", param=name)
    node[last] = value


def _with_lists(node: Any, key: str) -> Any:
    """Hashes keyed 0, 1, 2… become lists, as the SDK encodes lists."""
    if not isinstance(node, dict):
        return node
    items = {name: _with_lists(value, name) for name, value in node.items()}
    if items and key not in MAPS and all(name.isdigit() for name in items):
        return [items[name] for name in sorted(items, key=int)]
    return items


def section(node: Any, key: str, param: str, *, required: bool = False) -> dict[str, Any]:
    """A nested hash such as `price_data`; empty when absent and not required."""
    value = node.get(key) if isinstance(node, dict) else None
    if value is None:
        if required:
            raise _missing(param)
        return {}
    if not isinstance(value, dict):
        raise Refusal(400, f"Invalid object: {param} must be a hash.", param=param)
    return value


def text(
    node: Any, key: str, param: str = "", *, required: bool = False, limit: int = 5000
) -> str | None:
    value = node.get(key) if isinstance(node, dict) else None
    param = param or key
    if value is None or value == "":
        if required:
            raise _missing(param)
        return None
    if not isinstance(value, str):
        raise Refusal(400, f"Invalid string: {param} must be a string.", param=param)
    if len(value) > limit:
        raise Refusal(400, f"Invalid string: {param} is longer than {limit}.", param=param)
    return value


def integer(node: Any, key: str, param: str = "", *, required: bool = False) -> int | None:
    """A positive whole number, as amounts in minor units and quantities are."""
    param = param or key
    value = text(node, key, param, required=required, limit=20)
    if value is None:
        return None
    if not re.fullmatch(r"-?\d+", value):
        raise Refusal(
            400, f"Invalid integer: {value}", code="parameter_invalid_integer", param=param
        )
    if int(value) < 1:
        raise Refusal(
            400,
            f"Invalid {param}: must be a positive integer (in the smallest currency unit).",
            code="parameter_invalid_integer",
            param=param,
        )
    return int(value)


def boolean(node: Any, key: str) -> bool:
    value = text(node, key, limit=10)
    if value not in (None, "true", "false"):
        raise Refusal(400, f"Invalid boolean: {value}", param=key)
    return value == "true"


def choice(
    node: Any, key: str, options: tuple[str, ...], param: str = "", *, required: bool = False
) -> str | None:
    param = param or key
    value = text(node, key, param, required=required, limit=100)
    if value is not None and value not in options:
        allowed = ", ".join(options)
        raise Refusal(400, f"Invalid {param}: must be one of {allowed}.", param=param)
    return value


def currency(node: Any, key: str, param: str = "", *, required: bool = False) -> str | None:
    """Three letters; Stripe answers them lowercase whatever case they came in."""
    param = param or key
    value = text(node, key, param, required=required, limit=3)
    if value is not None and not re.fullmatch(r"[A-Za-z]{3}", value):
        raise Refusal(400, f"Invalid currency: {value}.", param=param)
    return value.lower() if value else None


def url(node: Any, key: str, *, required: bool = False) -> str | None:
    value = text(node, key, required=required, limit=5000)
    parts = urlsplit(value or "")
    if value is not None and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise Refusal(400, f"Not a valid URL: {key}.", code="url_invalid", param=key)
    return value


def metadata(node: Any, key: str = "metadata", param: str = "") -> dict[str, str]:
    """Stripe's limits: 50 keys, keys up to 40 characters, values up to 500."""
    param = param or key
    value = section(node, key, param)
    if len(value) > 50:
        raise Refusal(400, f"Invalid {param}: at most 50 keys.", param=param)
    for name, item in value.items():
        if len(name) > 40 or not isinstance(item, str) or len(item) > 500:
            raise Refusal(
                400,
                f"Invalid {param}[{name}]: keys up to 40 and values up to 500 characters.",
                param=f"{param}[{name}]",
            )
    return dict(value)


def expansions(params: dict[str, Any]) -> list[str]:
    """`expand[0]=a.b` or `expand[]=a.b`, as paths to expand."""
    value = params.get("expand")
    paths = [value] if isinstance(value, str) else value
    if paths is None:
        return []
    if not isinstance(paths, list) or not all(isinstance(path, str) for path in paths):
        raise Refusal(400, "Invalid array: expand must be a list of strings.", param="expand")
    return paths


def limit(params: dict[str, Any]) -> int:
    value = integer(params, "limit")
    if value is not None and value > 100:
        raise Refusal(400, "Invalid limit: must be at most 100.", param="limit")
    return value or 10


def _missing(param: str) -> Refusal:
    return Refusal(400, f"Missing required param: {param}.", code="parameter_missing", param=param)
