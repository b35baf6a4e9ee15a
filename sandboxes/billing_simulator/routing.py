"""Requests, responses, problem details and the path router.

Kept free of sockets so handlers can be read (and reasoned about) as plain functions.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

PROBLEM_TYPE_BASE = "https://kabinet.example/problems/"
_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    422: "Validation failed",
    500: "Internal error",
    503: "Billing unavailable",
}


class ApiError(Exception):
    """A failure answered as `application/problem+json` (RFC 7807) with the contract's `code`."""

    def __init__(self, status: int, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.extra = extra


@dataclass
class Response:
    """What a handler returns; the server writes it as is."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    """One HTTP request, decoded. `params` are the path's named parts (percent-decoded)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    instance: Any = None  # the Instance the request addresses, once resolved

    def json(self) -> dict[str, Any]:
        """The body as a JSON object, or a 400 problem."""
        try:
            value = json.loads(self.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "validation_failed", "body is not valid JSON") from None
        if not isinstance(value, dict):
            raise ApiError(400, "validation_failed", "body must be a JSON object")
        return value


def parse_query(raw: str) -> dict[str, str]:
    """Query parameters, first value wins. `+` stays `+`: it is the UTC offset sign in
    timestamps, and clients rarely encode it."""
    query: dict[str, str] = {}
    for pair in raw.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        query.setdefault(unquote(name), unquote(value))
    return query


def json_response(status: int, value: Any, headers: dict[str, str] | None = None) -> Response:
    """A JSON response in UTF-8."""
    body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, body, "application/json", headers or {})


def problem_response(error: ApiError) -> Response:
    """An ApiError as problem+json."""
    document = {
        "type": PROBLEM_TYPE_BASE + error.code,
        "title": _TITLES.get(error.status, "Error"),
        "status": error.status,
        "detail": error.detail,
        "code": error.code,
        **error.extra,
    }
    response = json_response(error.status, document)
    response.content_type = "application/problem+json"
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="billing"'
    return response


Handler = Callable[[Any, Request], Response]


class Router:
    """Method + path pattern → handler. Patterns use `{name}` for one path segment."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        """Register `handler` for `method` on `pattern`."""
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
        self._routes.append((method, re.compile(f"^{regex}$"), handler))

    def resolve(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        """The handler and decoded path parameters, or a 404/405 problem."""
        path_known = False
        for route_method, regex, handler in self._routes:
            match = regex.match(path)
            if match is None:
                continue
            path_known = True
            if route_method == method:
                return handler, {k: unquote(v) for k, v in match.groupdict().items()}
        if path_known:
            raise ApiError(405, "method_not_allowed", f"{method} is not allowed on {path}")
        raise ApiError(404, "not_found", f"no endpoint at {path}")
