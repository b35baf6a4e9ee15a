"""The generic REST contract (docs/billing-contract.openapi.yaml), used for the simulator too."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from connectors.billing.base import BillingConnector, ConnectorConfig, WriteResult
from connectors.billing.rest import mapping, webhooks
from connectors.billing.types import (
    AccountData,
    ChangeEvent,
    DocumentData,
    Money,
    Page,
    PaymentData,
    PlanData,
    SubscriptionData,
    UsageRecordData,
)
from connectors.errors import BadResponse, Rejected
from connectors.http import HttpClient, Response


class RestConnector(BillingConnector):
    def __init__(self, config: ConnectorConfig) -> None:
        super().__init__(config)
        self.http = HttpClient(
            config.base_url.rstrip("/") + "/v1/",
            headers={"Authorization": f"Bearer {config.token}"},
            timeout=config.timeout,
            retries=config.retries,
        )

    def list_accounts(
        self, *, cursor: str | None = None, updated_since: datetime | None = None, limit: int = 500
    ) -> Page[AccountData]:
        params = {
            "cursor": cursor,
            "limit": limit,
            "updated_since": updated_since.isoformat() if updated_since else None,
        }
        return self._page("accounts", params, mapping.account)

    def get_account(self, account_id: str) -> AccountData:
        return mapping.account(self._json("GET", f"accounts/{account_id}"))

    def list_subscriptions(self, account_id: str) -> list[SubscriptionData]:
        return self._list(f"accounts/{account_id}/subscriptions", mapping.subscription)

    def list_subscriptions_page(
        self, *, cursor: str | None = None, updated_since: datetime | None = None, limit: int = 500
    ) -> Page[SubscriptionData]:
        params = {
            "cursor": cursor,
            "limit": limit,
            "updated_since": updated_since.isoformat() if updated_since else None,
        }
        return self._page("subscriptions", params, mapping.subscription)

    def list_plans(self) -> list[PlanData]:
        return self._list("plans", mapping.plan)

    def list_usage(self, *, cursor: str | None = None, limit: int = 1000) -> Page[UsageRecordData]:
        return self._page("usage", {"cursor": cursor, "limit": limit}, mapping.usage)

    def list_documents(self, account_id: str) -> list[DocumentData]:
        return self._list(f"accounts/{account_id}/documents", mapping.document)

    def list_documents_page(
        self, *, cursor: str | None = None, updated_since: datetime | None = None, limit: int = 500
    ) -> Page[DocumentData]:
        return self._page("documents", self._feed(cursor, updated_since, limit), mapping.document)

    def list_payments_page(
        self, *, cursor: str | None = None, updated_since: datetime | None = None, limit: int = 500
    ) -> Page[PaymentData]:
        return self._page("payments", self._feed(cursor, updated_since, limit), mapping.payment)

    @staticmethod
    def _feed(cursor: str | None, updated_since: datetime | None, limit: int) -> dict:
        return {
            "cursor": cursor,
            "limit": limit,
            "updated_since": updated_since.isoformat() if updated_since else None,
        }

    def document_file(self, document_id: str, file_format: str = "pdf") -> bytes:
        response = self._checked(
            self.http.get(f"documents/{document_id}/file", {"format": file_format})
        )
        return response.body

    def list_payments(self, account_id: str) -> list[PaymentData]:
        return self._list(f"accounts/{account_id}/payments", mapping.payment)

    def post_payment(
        self,
        account_id: str,
        *,
        amount: Money,
        method: str,
        external_ref: str,
        paid_at: datetime,
        idempotency_key: str,
        document_id: str = "",
    ) -> WriteResult:
        body = {
            "amount": {"value": str(amount.value), "currency": amount.currency},
            "method": method,
            "external_ref": external_ref,
            "paid_at": paid_at.isoformat(),
        }
        if document_id:
            body["document_id"] = document_id
        data = self._json("POST", f"accounts/{account_id}/payments", body, idempotency_key)
        return WriteResult(done=True, reference=str(mapping.payment(data).id), detail=data)

    def post_refund(
        self,
        account_id: str,
        *,
        amount: Money,
        payment_ref: str,
        external_ref: str,
        refunded_at: datetime,
        idempotency_key: str,
    ) -> WriteResult:
        body = {
            "amount": {"value": str(amount.value), "currency": amount.currency},
            "payment_ref": payment_ref,
            "external_ref": external_ref,
            "refunded_at": refunded_at.isoformat(),
        }
        data = self._json("POST", f"accounts/{account_id}/refunds", body, idempotency_key)
        return WriteResult(done=True, reference=str(mapping.payment(data).id), detail=data)

    def change_plan(
        self,
        subscription_id: str,
        *,
        plan_id: str,
        mode: str,
        effective_at: datetime | None,
        idempotency_key: str,
    ) -> WriteResult:
        body = {
            "plan_id": plan_id,
            "mode": mode,
            "effective_at": effective_at.isoformat() if effective_at else None,
        }
        response = self._checked(
            self.http.request(
                "POST",
                f"subscriptions/{subscription_id}/change-plan",
                json_body=body,
                headers={"Idempotency-Key": idempotency_key},
            )
        )
        data = response.json()
        return WriteResult(
            done=response.status != 202, reference=str(data.get("id", "")), detail=data
        )

    def suspend_service(
        self, subscription_id: str, *, until: datetime | None, idempotency_key: str
    ) -> WriteResult:
        body = {"reason": "voluntary", "to": until.isoformat() if until else None}
        data = self._json("POST", f"subscriptions/{subscription_id}/suspend", body, idempotency_key)
        return WriteResult(done=True, reference=str(mapping.subscription(data).id), detail=data)

    def resume_service(self, subscription_id: str, *, idempotency_key: str) -> WriteResult:
        data = self._json("POST", f"subscriptions/{subscription_id}/resume", {}, idempotency_key)
        return WriteResult(done=True, reference=str(mapping.subscription(data).id), detail=data)

    def order_service(self, account_id: str, *, plan_id: str, idempotency_key: str) -> WriteResult:
        body = {"plan_id": plan_id}
        data = self._json("POST", f"accounts/{account_id}/subscriptions", body, idempotency_key)
        return WriteResult(done=True, reference=str(mapping.subscription(data).id), detail=data)

    def end_service(self, subscription_id: str, *, idempotency_key: str) -> WriteResult:
        data = self._json("POST", f"subscriptions/{subscription_id}/end", {}, idempotency_key)
        return WriteResult(done=True, reference=str(mapping.subscription(data).id), detail=data)

    def promised_payment(
        self, account_id: str, *, amount: Money, idempotency_key: str
    ) -> WriteResult:
        body = {"amount": {"value": str(amount.value), "currency": amount.currency}}
        data = self._json("POST", f"accounts/{account_id}/promised-payment", body, idempotency_key)
        return WriteResult(done=True, reference=str(mapping.account(data).id), detail=data)

    def list_events(self, *, cursor: str | None = None, limit: int = 500) -> Page[ChangeEvent]:
        return self._page("events", {"cursor": cursor, "limit": limit}, mapping.event)

    def verify_event(self, headers: Mapping[str, str], raw_body: bytes) -> ChangeEvent:
        return webhooks.verify(
            secret=self.config.event_secret,
            tenant=self.config.tenant,
            headers=headers,
            raw_body=raw_body,
        )

    def _json(self, method: str, path: str, body: Any = None, key: str | None = None) -> Any:
        headers = {"Idempotency-Key": key} if key else None
        return self._checked(
            self.http.request(method, path, json_body=body, headers=headers)
        ).json()

    def _list(self, path: str, parse: Any) -> list:
        """Every item of a paginated list (an account's services, documents, payments)."""
        items: list = []
        cursor = None
        while True:
            page = self._page(path, {"cursor": cursor, "limit": 1000}, parse)
            items.extend(page.items)
            if not page.next_cursor or not page.items:
                return items
            cursor = page.next_cursor

    def _page(self, path: str, params: dict, parse: Any) -> Page:
        data = self.http.get(path, params)
        payload = self._checked(data).json()
        if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
            raise BadResponse(f"{path}: expected a page with items")
        return Page(tuple(parse(item) for item in payload["items"]), payload.get("next_cursor"))

    @staticmethod
    def _checked(response: Response) -> Response:
        if response.status >= 400:
            problem = response.json() if response.body.startswith(b"{") else {}
            raise Rejected(
                str(problem.get("detail") or problem.get("title") or f"status {response.status}"),
                status=response.status,
                code=str(problem.get("code") or ""),
            )
        return response
