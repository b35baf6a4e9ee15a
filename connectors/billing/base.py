"""The billing connector protocol: what Kabinet asks of a provider's billing system."""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

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


@dataclass(frozen=True)
class ConnectorConfig:
    """What an adapter needs; built from connectors.models.BillingConnection.

    The secrets are kept out of repr() so that they cannot reach a log line or a traceback.
    """

    tenant: str
    base_url: str = ""
    token: str = field(default="", repr=False)
    event_secret: str = field(default="", repr=False)
    options: Mapping[str, object] = field(default_factory=dict)
    timeout: float = 10.0
    retries: int = 2


@dataclass(frozen=True)
class WriteResult:
    """The billing system's answer to a write: done now, or accepted and pending."""

    done: bool
    reference: str = ""
    detail: dict = field(default_factory=dict)


class BillingConnector(ABC):
    """One adapter per kind of billing system (see connectors.billing.registry).

    Reads return typed data; writes take an idempotency key that the billing system must honour
    (a replay returns the first result). Every method raises connectors.errors.ConnectorError
    subclasses: Unavailable (retry later), Rejected (the billing system said no), BadResponse
    (it answered something that does not follow the contract).
    """

    def __init__(self, config: ConnectorConfig) -> None:
        self.config = config

    @abstractmethod
    def list_accounts(
        self, *, cursor: str | None = None, updated_since: datetime | None = None, limit: int = 500
    ) -> Page[AccountData]:
        """A page of accounts, oldest change first; pass `next_cursor` back for the next page."""

    @abstractmethod
    def get_account(self, account_id: str) -> AccountData:
        """One account with its current balance."""

    @abstractmethod
    def list_subscriptions(self, account_id: str) -> list[SubscriptionData]:
        """The account's services."""

    @abstractmethod
    def list_subscriptions_page(
        self, *, cursor: str | None = None, updated_since: datetime | None = None, limit: int = 500
    ) -> Page[SubscriptionData]:
        """Services of all accounts, a page at a time (a full sync must not ask per account)."""

    @abstractmethod
    def list_plans(self) -> list[PlanData]:
        """The provider's catalog as the billing system knows it."""

    @abstractmethod
    def list_usage(self, *, cursor: str | None = None, limit: int = 1000) -> Page[UsageRecordData]:
        """Usage records of all accounts, in the order the billing system recorded them."""

    @abstractmethod
    def list_documents(self, account_id: str) -> list[DocumentData]:
        """The account's invoices, acts and statements."""

    @abstractmethod
    def list_documents_page(
        self, *, cursor: str | None = None, updated_since: datetime | None = None, limit: int = 500
    ) -> Page[DocumentData]:
        """Documents of all accounts, a page at a time."""

    @abstractmethod
    def list_payments_page(
        self, *, cursor: str | None = None, updated_since: datetime | None = None, limit: int = 500
    ) -> Page[PaymentData]:
        """Payments of all accounts, a page at a time."""

    @abstractmethod
    def document_file(self, document_id: str, file_format: str = "pdf") -> bytes:
        """The document's file."""

    @abstractmethod
    def list_payments(self, account_id: str) -> list[PaymentData]:
        """Payments the billing system has posted to the account."""

    @abstractmethod
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
        """Credit a payment received elsewhere (a gateway) to the account; `document_id` names
        the invoice it pays, if any."""

    @abstractmethod
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
        """Take back from the balance money the gateway returned to the client; `payment_ref`
        is the external_ref of the payment refunded."""

    @abstractmethod
    def change_plan(
        self,
        subscription_id: str,
        *,
        plan_id: str,
        mode: str,
        effective_at: datetime | None,
        idempotency_key: str,
    ) -> WriteResult:
        """Switch a service to another plan now, from the next period, or from a date."""

    @abstractmethod
    def suspend_service(
        self, subscription_id: str, *, until: datetime | None, idempotency_key: str
    ) -> WriteResult:
        """Block a service at the client's wish (добровольная блокировка), until a moment or
        until resumed."""

    @abstractmethod
    def resume_service(self, subscription_id: str, *, idempotency_key: str) -> WriteResult:
        """Lift the client's block of a service."""

    @abstractmethod
    def order_service(self, account_id: str, *, plan_id: str, idempotency_key: str) -> WriteResult:
        """Add a new service on a plan to the account."""

    @abstractmethod
    def end_service(self, subscription_id: str, *, idempotency_key: str) -> WriteResult:
        """Switch a service off for good."""

    @abstractmethod
    def promised_payment(
        self, account_id: str, *, amount: Money, idempotency_key: str
    ) -> WriteResult:
        """Credit the account for a few days on the client's promise to pay."""

    @abstractmethod
    def list_events(self, *, cursor: str | None = None, limit: int = 500) -> Page[ChangeEvent]:
        """The change feed, oldest first, for billing systems that cannot push events."""

    @abstractmethod
    def verify_event(self, headers: Mapping[str, str], raw_body: bytes) -> ChangeEvent:
        """Check a pushed change event's signature and freshness; return the event or raise
        connectors.errors.Rejected."""
