"""The simulator as one object: storage, faults, push workers and the two routers."""

import logging
from typing import Any
from urllib.parse import unquote

from sandboxes.billing_simulator import admin, reads, refunds, writes
from sandboxes.billing_simulator.changes import scheduled_apply
from sandboxes.billing_simulator.events import events_feed
from sandboxes.billing_simulator.faults import Faults
from sandboxes.billing_simulator.formats import sortable, utc_now
from sandboxes.billing_simulator.instances import Instance, authenticate
from sandboxes.billing_simulator.push import Pusher
from sandboxes.billing_simulator.routing import (
    ApiError,
    Request,
    Response,
    Router,
    parse_query,
    problem_response,
)
from sandboxes.billing_simulator.storage import Store, Tx

logger = logging.getLogger("billing_simulator")


def api_router() -> Router:
    """The contract's endpoints, relative to `/{instance}/v1`."""
    router = Router()
    router.add("GET", "/capabilities", reads.capabilities)
    router.add("GET", "/accounts", reads.accounts_list)
    router.add("GET", "/accounts/{account_id}", reads.account_get)
    router.add("GET", "/accounts/{account_id}/subscriptions", reads.subscriptions_list)
    router.add("GET", "/accounts/{account_id}/usage", reads.account_usage)
    router.add("GET", "/accounts/{account_id}/documents", reads.documents_list)
    router.add("GET", "/accounts/{account_id}/payments", reads.payments_list)
    router.add("POST", "/accounts/{account_id}/payments", writes.payment_post)
    router.add("POST", "/accounts/{account_id}/refunds", refunds.refund_post)
    router.add("GET", "/subscriptions", reads.all_subscriptions_list)
    router.add("GET", "/documents", reads.all_documents_list)
    router.add("GET", "/payments", reads.all_payments_list)
    router.add("GET", "/plans", reads.plans_list)
    router.add("GET", "/usage", reads.usage_feed)
    router.add("GET", "/documents/{document_id}/file", reads.document_file)
    router.add("POST", "/subscriptions/{subscription_id}/change-plan", writes.change_plan)
    router.add("POST", "/subscriptions/{subscription_id}/suspend", writes.suspend)
    router.add("POST", "/subscriptions/{subscription_id}/resume", writes.resume)
    router.add("POST", "/subscriptions/{subscription_id}/end", writes.end)
    router.add("POST", "/accounts/{account_id}/promised-payment", writes.promised_payment)
    router.add("POST", "/accounts/{account_id}/subscriptions", writes.order)
    router.add("GET", "/operations/{operation_id}", reads.operation_get)
    router.add("GET", "/events", events_feed)
    return router


def admin_router() -> Router:
    """Admin endpoints (no token), relative to `/_admin`."""
    router = Router()
    router.add("GET", "/health", admin.health)
    router.add("PUT", "/instances/{instance}", admin.instance_put)
    router.add("GET", "/instances/{instance}", admin.instance_get)
    router.add("DELETE", "/instances/{instance}", admin.instance_delete)
    router.add("POST", "/instances/{instance}/seed", admin.seed_post)
    router.add("PUT", "/instances/{instance}/faults", admin.faults_put)
    router.add("GET", "/instances/{instance}/faults", admin.faults_get)
    router.add("POST", "/instances/{instance}/office-change", admin.office_change)
    return router


class Simulator:
    """Answers decoded requests; knows nothing about sockets."""

    def __init__(self, data_dir: str) -> None:
        self.store = Store(data_dir)
        self.faults = Faults()
        self.pusher = Pusher(self.store, self.load_instance)
        self.store.after_commit = self.pusher.wake
        self._api = api_router()
        self._admin = admin_router()

    def start(self) -> None:
        """Resume pushing whatever earlier runs left undelivered."""
        with self.store.read() as tx:
            self.pusher.wake(set(tx.instance_names()))

    def stop(self) -> None:
        """Stop push workers and close the database."""
        self.pusher.stop()
        self.store.close()

    def load_instance(self, name: str, tx: Tx | None = None) -> Instance | None:
        """The instance called `name`, or None."""
        if tx is None:
            with self.store.read() as own:
                config = own.instance_config(name)
        else:
            config = tx.instance_config(name)
        return Instance(**config) if config else None

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Response:
        """Answer one request; every failure becomes problem+json, never a traceback."""
        path, _, query = target.partition("?")
        request = Request(method, path, parse_query(query), headers, body)
        try:
            if path.startswith("/_admin/"):
                handler, request.params = self._admin.resolve(method, path[len("/_admin") :])
                return handler(self, request)
            return self._handle_api(request)
        except ApiError as error:
            return problem_response(error)
        except Exception:
            logger.exception("unexpected failure on %s %s", method, path)
            return problem_response(ApiError(500, "internal_error", "unexpected failure"))

    def _handle_api(self, request: Request) -> Response:
        parts = request.path.split("/", 3)  # "", instance, "v1", rest
        if len(parts) < 3 or parts[2] != "v1":
            raise ApiError(404, "not_found", "paths are /{instance}/v1/...")
        inst = self.load_instance(unquote(parts[1]))
        if inst is None:
            raise ApiError(404, "not_found", f"no billing instance {unquote(parts[1])}")
        faulty = self.faults.intercept(inst.name)
        if faulty is not None:
            return faulty
        authenticate(inst, request)
        handler, request.params = self._api.resolve(request.method, "/" + "".join(parts[3:]))
        request.instance = inst
        self._apply_due_changes(inst)
        return handler(self, request)

    def _apply_due_changes(self, inst: Instance) -> None:
        with self.store.read() as tx:
            due = tx.due(inst.name, sortable(utc_now()))
        if due:
            with self.store.transaction() as tx:
                scheduled_apply(tx, inst)


def describe(app: Any) -> str:
    """One line about the simulator's state, for the start-up banner."""
    with app.store.read() as tx:
        return f"{len(tx.instance_names())} instance(s)"
