"""The part of Stripe's API Kabinet uses, kept in memory: customers, Checkout Sessions and their
hosted page, saved cards, off-session PaymentIntents, refunds and signed webhooks.

Every secret key (`sk_test_…` or `rk_test_…`) is its own account: an object is found only with
the key that made it. Requests are form-encoded with bracket nesting and answered with Stripe's
objects and error shapes, so the official SDK works against it unchanged. Admin routes (not
Stripe's) set where an account's events go, make a saved card decline, and slow the API down.
"""

import base64
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from sandboxes.gateway_http import Answer
from sandboxes.stripe_sandbox import checkout, customers, forms, page, payments
from sandboxes.stripe_sandbox.store import Account, Refusal, listing, new_id, public
from sandboxes.stripe_sandbox.webhooks import Courier

Handler = Callable[[Account, dict[str, Any], list[str]], dict[str, Any]]
KEY = re.compile(r"(?:sk|rk)_test_[A-Za-z0-9_]{1,200}")
ID = "([A-Za-z0-9_]{1,255})"


def _routes(*table: tuple[str, str, Handler]) -> list[tuple[str, re.Pattern[str], Handler]]:
    return [(verb, re.compile(path.replace("{id}", ID)), handler) for verb, path, handler in table]


ROUTES = _routes(
    ("POST", "/v1/customers", customers.create_customer),
    ("GET", "/v1/customers/{id}", customers.get_customer),
    ("GET", "/v1/customers/{id}/payment_methods", customers.list_payment_methods),
    ("POST", "/v1/checkout/sessions", checkout.create_session),
    ("GET", "/v1/checkout/sessions", checkout.list_sessions),
    ("GET", "/v1/checkout/sessions/{id}", checkout.get_session),
    ("POST", "/v1/checkout/sessions/{id}/expire", checkout.expire_session),
    ("GET", "/v1/setup_intents/{id}", checkout.get_setup_intent),
    ("POST", "/v1/payment_intents", payments.create_payment_intent),
    ("GET", "/v1/payment_intents/{id}", payments.get_payment_intent),
    ("POST", "/v1/payment_intents/{id}/capture", payments.capture_payment_intent),
    ("POST", "/v1/payment_intents/{id}/cancel", payments.cancel_payment_intent),
    ("GET", "/v1/payment_methods", customers.list_payment_methods),
    ("GET", "/v1/payment_methods/{id}", customers.get_payment_method),
    ("POST", "/v1/payment_methods/{id}/detach", customers.detach_payment_method),
    ("GET", "/v1/charges/{id}", payments.get_charge),
    ("POST", "/v1/refunds", payments.create_refund),
    ("GET", "/v1/refunds/{id}", payments.get_refund),
    ("GET", "/v1/events/{id}", payments.get_event),
)


@dataclass
class Sandbox:
    base_url: str = ""
    accounts: dict[str, Account] = field(default_factory=dict)  # by secret key
    couriers: dict[str, Courier] = field(default_factory=dict)  # by secret key, once set up
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """Any request; a refusal is Stripe's error object. Every answer carries a Request-Id,
        as Stripe's do."""
        try:
            answer = self._route(method, target, headers, body)
        except Refusal as refusal:
            answer = Answer(refusal.status, refusal.body())
        answer.headers.setdefault("Request-Id", new_id("req_"))
        return answer

    def failure(self, status: int, message: str) -> Answer:
        kind = "api_error" if status >= 500 else "invalid_request_error"
        return Answer(status, {"error": {"type": kind, "message": message}})

    def listening_at(self, base_url: str) -> None:
        self.base_url = base_url

    def _route(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        parts = urlsplit(target)
        path = parts.path
        if path.startswith("/_admin/"):
            return self._admin(method, path.removeprefix("/_admin/"), body)
        if path.startswith("/pay/"):
            return self._page(method, path.removeprefix("/pay/"), body)
        time.sleep(self.delay)
        for verb, pattern, handler in ROUTES:
            if (match := pattern.fullmatch(path)) and verb == method:
                account = self._account(headers.get("authorization", ""))
                if method == "POST":
                    params = forms.decode_body(body, headers.get("content-type", ""))
                else:
                    params = forms.decode(parts.query)
                key = headers.get("idempotency-key", "") if method == "POST" else ""
                return self._call(account, handler, list(match.groups()), params, key, path)
        raise Refusal(
            404,
            f"Unrecognized request URL ({method}: {path}). This sandbox serves only the part "
            "of Stripe's API that Kabinet uses.",
        )

    def _call(
        self,
        account: Account,
        handler: Handler,
        ids: list[str],
        params: dict[str, Any],
        key: str,
        path: str,
    ) -> Answer:
        """Run one API call under the lock; POSTs with an `Idempotency-Key` are answered once
        and replayed after. As Stripe, refusals of bad parameters are not remembered."""
        if len(key) > 255:
            raise Refusal(400, "Idempotency-Key is longer than 255 characters.")
        fingerprint = json.dumps([path, params], sort_keys=True)
        with self.lock:
            if key and (known := account.answers.get(key)):
                if known[0] != fingerprint:
                    raise Refusal(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters "
                        f"they were first used with. Try using a key other than '{key}' if you "
                        "meant to execute a different request.",
                        kind="idempotency_error",
                    )
                return Answer(known[1], known[2], headers={"Idempotent-Replayed": "true"})
            try:
                answer = Answer(200, self._show(account, handler(account, params, ids), params))
            except Refusal as refusal:
                answer = Answer(refusal.status, refusal.body())
            if key and answer.status in (200, 402):
                account.answers[key] = (fingerprint, answer.status, answer.body)
            self._send(account)
        return answer

    def _send(self, account: Account) -> None:
        """Hand the events of the request just made to the account's courier (under the lock,
        so they queue in the order they happened)."""
        events = account.take_outbox()
        if account.key in self.couriers:
            self.couriers[account.key].send(account.webhook_url, account.webhook_secret, events)

    def _show(self, account: Account, obj: dict[str, Any], params: dict[str, Any]) -> dict:
        """The object as answered, with ids replaced by their objects where `expand` asks."""
        shown: dict[str, Any] = public(obj)
        for path in forms.expansions(params):
            _expand(account, shown, path.split("."), path)
        return shown

    def _account(self, authorization: str) -> Account:
        """The account of a test secret key, made on first use: every key is a new account."""
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() == "basic":
            try:
                credential = base64.b64decode(credential).decode().partition(":")[0]
            except ValueError:
                credential = ""
        elif scheme.lower() != "bearer":
            credential = ""
        if not credential:
            raise Refusal(
                401,
                "You did not provide an API key. Provide it in the Authorization header as "
                "'Bearer sk_test_…'.",
            )
        if not KEY.fullmatch(credential):
            shown = f"{credential[:8]}…{credential[-4:]}" if len(credential) > 12 else "…"
            raise Refusal(
                401, f"Invalid API Key provided: {shown}. This sandbox takes test keys only."
            )
        with self.lock:
            return self._ensure(credential)

    def _ensure(self, key: str) -> Account:
        if key not in self.accounts:
            self.accounts[key] = Account(key, self.base_url)
        return self.accounts[key]

    def _owner(self, object_id: str, kind: str) -> tuple[Account, dict[str, Any]] | None:
        """Which account holds an object, for the routes that come without a key."""
        for account in self.accounts.values():
            found = account.objects.get(object_id)
            if found is not None and found["object"] == kind:
                return account, found
        return None

    def _page(self, method: str, session_id: str, body: bytes) -> Answer:
        """The hosted Checkout page; a POST is the tester paying with the card typed in."""
        with self.lock:
            owned = self._owner(session_id, "checkout.session")
            if owned is None:
                return Answer(404, {}, html=page.notice("Not found", "No such Checkout Session."))
            account, session = owned
            if session["status"] != "open":
                link = session["success_url"] if session["status"] == "complete" else None
                text = f"This Checkout Session is {session['status']}; it cannot be paid again."
                status = 200 if method == "GET" else 400
                return Answer(status, {}, html=page.notice("Session closed", text, link))
            if method == "GET":
                return Answer(200, {}, html=page.checkout(session))
            if method != "POST":
                return Answer(405, {}, html=page.notice("Not allowed", f"{method} is not allowed."))
            try:
                form = dict(parse_qsl(body.decode(), keep_blank_values=True, max_num_fields=20))
            except ValueError:
                return Answer(400, {}, html=page.notice("Bad form", "The form could not be read."))
            message = checkout.pay(account, session, form)
            self._send(account)
            if message:
                return Answer(200, {}, html=page.checkout(session, message))
            return Answer(303, {}, location=session["success_url"])

    def _admin(self, method: str, path: str, body: bytes) -> Answer:
        """Not Stripe's: the tester's controls."""
        if method == "GET" and path == "health":
            return Answer(200, {"status": "ok"})
        if method == "PUT" and path == "delay":
            seconds = _json(body).get("seconds", 0)
            if not isinstance(seconds, int | float) or not 0 <= seconds <= 60:
                raise Refusal(400, "seconds must be a number from 0 to 60.", param="seconds")
            self.delay = float(seconds)
            return Answer(200, {"delay": self.delay})
        parts = [unquote(part) for part in path.split("/")]
        if len(parts) >= 2 and parts[0] == "accounts" and KEY.fullmatch(parts[1]):
            return self._admin_account(method, parts[1], parts[2:], body)
        if method == "PUT" and len(parts) == 2 and parts[0] == "payment_methods":
            return self._admin_decline(parts[1], _json(body))
        raise Refusal(404, f"Unrecognized admin route ({method}: /_admin/{path}).")

    def _admin_account(self, method: str, key: str, rest: list[str], body: bytes) -> Answer:
        """`PUT /_admin/accounts/{key}` sets where events go; `GET …/events` lists them all."""
        with self.lock:
            account = self._ensure(key)
            if method == "GET" and rest == ["events"]:
                return Answer(200, listing(f"/_admin/accounts/{key}/events", account.events, 10**6))
            if method != "PUT" or rest:
                raise Refusal(404, f"Unrecognized admin route ({method}).")
            settings = _json(body)
            url = settings.get("webhook_url") or ""
            secret = settings.get("webhook_secret") or new_id("whsec_")
            if not isinstance(url, str) or (url and not url.startswith(("http://", "https://"))):
                raise Refusal(400, "webhook_url must be an http(s) URL.", param="webhook_url")
            if not isinstance(secret, str):
                raise Refusal(400, "webhook_secret must be a string.", param="webhook_secret")
            account.webhook_url, account.webhook_secret = url, secret
            self.couriers.setdefault(key, Courier())
        return Answer(200, {"account": key, "webhook_url": url, "webhook_secret": secret})

    def _admin_decline(self, method_id: str, settings: dict[str, Any]) -> Answer:
        """Make every later charge of a saved card fail with this decline code (null: succeed)."""
        code = settings.get("decline_code")
        if code is not None and not (isinstance(code, str) and re.fullmatch(r"[a-z_]{1,50}", code)):
            raise Refusal(400, "decline_code must be a decline code or null.", param="decline_code")
        with self.lock:
            owned = self._owner(method_id, "payment_method")
            if owned is None:
                raise Refusal(404, f"No such PaymentMethod: '{method_id}'", code="resource_missing")
            owned[1]["_decline"] = code
        return Answer(200, {"id": method_id, "decline_code": code})


def _expand(account: Account, node: dict[str, Any], parts: list[str], path: str) -> None:
    """Replace the id at `path` (dotted, `data.` for lists) with the object it names."""
    if not parts:
        return
    if node.get("object") == "list" and parts[0] == "data":
        for item in node["data"]:
            _expand(account, item, parts[1:], path)
        return
    if parts[0] not in node:
        raise Refusal(400, f"This property cannot be expanded ({path}).", param="expand")
    value = node[parts[0]]
    if isinstance(value, str) and value in account.objects:
        node[parts[0]] = value = public(account.objects[value])
    if isinstance(value, dict):
        _expand(account, value, parts[1:], path)


def _json(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except ValueError:
        raise Refusal(400, "The body must be JSON.") from None
    if not isinstance(value, dict):
        raise Refusal(400, "The body must be a JSON object.")
    return value
