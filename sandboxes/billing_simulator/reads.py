"""Handlers of the contract's GET endpoints."""

from collections.abc import Callable
from typing import Any

from sandboxes.billing_simulator.entities import METRICS
from sandboxes.billing_simulator.formats import (
    decode_cursor,
    encode_cursor,
    parse_limit,
    parse_time,
    sortable,
)
from sandboxes.billing_simulator.instances import Instance
from sandboxes.billing_simulator.pdf import document_pdf
from sandboxes.billing_simulator.routing import ApiError, Request, Response, json_response
from sandboxes.billing_simulator.storage import Tx

PLAN_CHANGE_MODES = ["now", "next_period", "date"]


def capabilities(app: Any, request: Request) -> Response:
    """GET /v1/capabilities: what this billing system can do."""
    inst: Instance = request.instance
    return json_response(
        200,
        {
            "vendor": inst.vendor,
            "version": "1.0",
            "contract": "portal-billing-connector/v1",
            "read": [
                "accounts",
                "balance",
                "plans",
                "subscriptions",
                "usage",
                "documents",
                "payments",
            ],
            "write": [
                "post_payment",
                "post_refund",
                "change_plan",
                "suspend",
                "resume",
                "end",
                "order",
                "promised_payment",
            ],
            "events": {"mode": "push" if inst.webhook_url else "poll", "min_interval_s": 5},
            "plan_change_modes": PLAN_CHANGE_MODES,
            "usage_metrics": list(METRICS),
            "currency": inst.currency,
            "time_zone": inst.time_zone,
        },
    )


def require(tx: Tx, inst: Instance, kind: str, record_id: str) -> dict[str, Any]:
    """A record that must exist, or a 404 naming it."""
    body = tx.get(inst.name, kind, record_id)
    if body is None:
        raise ApiError(404, "not_found", f"no {kind} {record_id}")
    return body


def _page(rows: list[Any], limit: int, position: Callable[[Any], str | int]) -> dict[str, Any]:
    """The contract's page: `next_cursor` is null on the last page."""
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next_cursor": encode_cursor(position(rows[-1])) if more else None}


def _since(request: Request) -> str | None:
    raw = request.query.get("updated_since")
    return sortable(parse_time(raw, "updated_since")) if raw else None


def _list(request: Request, app: Any, kind: str, account_id: str | None = None) -> Response:
    inst: Instance = request.instance
    limit = parse_limit(request.query.get("limit"))
    after = decode_cursor(request.query.get("cursor"), str)
    since = _since(request)
    with app.store.read() as tx:
        if account_id is not None:
            require(tx, inst, "account", account_id)
        rows = tx.page(
            inst.name, kind, after=after, limit=limit, account_id=account_id, since=since
        )
    return json_response(200, _page(rows, limit, lambda body: body["id"]))


def accounts_list(app: Any, request: Request) -> Response:
    """GET /v1/accounts."""
    return _list(request, app, "account")


def plans_list(app: Any, request: Request) -> Response:
    """GET /v1/plans (`account_id` is accepted; every plan is offered to every account)."""
    return _list(request, app, "plan")


def account_get(app: Any, request: Request) -> Response:
    """GET /v1/accounts/{id}."""
    with app.store.read() as tx:
        body = require(tx, request.instance, "account", request.params["account_id"])
    return json_response(200, body)


def all_subscriptions_list(app: Any, request: Request) -> Response:
    """GET /v1/subscriptions: every account's services, so a full sync need not ask per account."""
    return _list(request, app, "subscription")


def subscriptions_list(app: Any, request: Request) -> Response:
    """GET /v1/accounts/{id}/subscriptions."""
    return _list(request, app, "subscription", request.params["account_id"])


def all_documents_list(app: Any, request: Request) -> Response:
    """GET /v1/documents: every account's documents, for a periodic sync."""
    return _list(request, app, "document")


def all_payments_list(app: Any, request: Request) -> Response:
    """GET /v1/payments: every account's payments, for a periodic sync."""
    return _list(request, app, "payment")


def documents_list(app: Any, request: Request) -> Response:
    """GET /v1/accounts/{id}/documents."""
    return _list(request, app, "document", request.params["account_id"])


def payments_list(app: Any, request: Request) -> Response:
    """GET /v1/accounts/{id}/payments."""
    return _list(request, app, "payment", request.params["account_id"])


def operation_get(app: Any, request: Request) -> Response:
    """GET /v1/operations/{id}."""
    with app.store.read() as tx:
        body = require(tx, request.instance, "operation", request.params["operation_id"])
    return json_response(200, body)


def document_file(app: Any, request: Request) -> Response:
    """GET /v1/documents/{id}/file?format=pdf: a PDF generated from the document."""
    file_format = request.query.get("format", "pdf")
    if file_format != "pdf":
        raise ApiError(422, "unsupported", "only format=pdf is available")
    inst: Instance = request.instance
    with app.store.read() as tx:
        body = require(tx, inst, "document", request.params["document_id"])
    filename = "".join(c if c.isalnum() else "-" for c in body["id"]) + ".pdf"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(200, document_pdf(body), "application/pdf", headers)


def account_usage(app: Any, request: Request) -> Response:
    """GET /v1/accounts/{id}/usage?from=&to=&metric=: records that started in [from, to).
    Usage records never change, so `updated_since` acts as another lower bound on the start."""
    inst: Instance = request.instance
    account_id = request.params["account_id"]
    where, args = "instance=? AND account_id=?", [inst.name, account_id]
    for name, operator in (("from", ">="), ("updated_since", ">="), ("to", "<")):
        if request.query.get(name):
            where += f" AND started_at{operator}?"
            args.append(sortable(parse_time(request.query[name], name)))
    if request.query.get("metric"):
        where += " AND metric=?"
        args.append(request.query["metric"])
    with app.store.read() as tx:
        require(tx, inst, "account", account_id)
    return _usage_page(app, request, where, args)


def usage_feed(app: Any, request: Request) -> Response:
    """GET /v1/usage?cursor=&limit=: every record in the order it was recorded. Like the event
    feed, `next_cursor` is never null so a client can resume from it later."""
    return _usage_page(app, request, "instance=?", [request.instance.name], feed=True)


def _usage_page(
    app: Any, request: Request, where: str, args: list[Any], feed: bool = False
) -> Response:
    limit = parse_limit(request.query.get("limit"))
    after = decode_cursor(request.query.get("cursor"), int) or 0
    with app.store.read() as tx:
        rows = tx.usage_rows(where + " AND seq>?", [*args, after], limit)
    more = len(rows) > limit
    rows = rows[:limit]
    page: dict[str, Any] = {"items": [body for _, body in rows]}
    if feed:
        page["next_cursor"] = encode_cursor(rows[-1][0] if rows else after)
        page["has_more"] = more
    else:
        page["next_cursor"] = encode_cursor(rows[-1][0]) if more else None
    return json_response(200, page)
