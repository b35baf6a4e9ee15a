"""Typed data at the billing boundary. Connectors return these; they never see the cabinet's
models. Field names follow docs/billing-contract.openapi.yaml (the generic REST contract)."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar


@dataclass(frozen=True)
class Money:
    value: Decimal
    currency: str  # ISO 4217, upper case

    def __post_init__(self) -> None:
        if not isinstance(self.value, Decimal):
            raise TypeError("Money.value must be a Decimal")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")


class AccountStatus(StrEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class HolderType(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"


@dataclass(frozen=True)
class Holder:
    type: HolderType
    name: str
    inn: str | None = None
    kpp: str | None = None
    ogrn: str | None = None
    legal_address: str | None = None


@dataclass(frozen=True)
class PromisedPayment:
    """Credit the billing system gave on the client's promise to pay, until a moment."""

    amount: Money
    until: datetime


@dataclass(frozen=True)
class AccountData:
    id: str  # the billing system's natural key
    number: str  # contract number as the client knows it
    status: AccountStatus
    holder: Holder
    balance: Money
    balance_as_of: datetime
    credit_limit: Money
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    recommended_payment: Money | None = None
    promised_payment: PromisedPayment | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class UnitRate:
    metric: str
    unit: str
    price: Money
    included: Decimal | None = None


@dataclass(frozen=True)
class PlanData:
    id: str
    code: str
    name: str
    service_type: str  # internet | tv | voip | hosting | utility | other
    recurring_price: Money | None
    period: str | None  # month | day | None for one-off or usage-only
    unit_rates: tuple[UnitRate, ...] = ()
    attributes: dict = field(default_factory=dict)
    self_service: bool = False


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    PENDING = "pending"
    ENDED = "ended"


@dataclass(frozen=True)
class ScheduledChange:
    plan_id: str
    effective_at: datetime


@dataclass(frozen=True)
class SubscriptionData:
    id: str
    account_id: str
    plan_id: str
    status: SubscriptionStatus
    started_at: datetime | None
    ends_at: datetime | None = None
    identifiers: dict = field(default_factory=dict)  # login, ip, msisdn, meter
    scheduled_change: ScheduledChange | None = None
    suspended_until: datetime | None = None  # a voluntary block's end, if the client gave one


class Direction(StrEnum):
    IN = "in"  # towards the client: download
    OUT = "out"  # from the client: upload
    BOTH = "both"


@dataclass(frozen=True)
class UsageRecordData:
    """One consumption record, normalised from whatever wrote it.

    `source_key` is unique per provider: re-importing the same record must be recognised.
    `account_ref` names the account as the source knows it (a RADIUS User-Name, a CDR src, a meter
    id, or the billing system's account id); mapping it to an account is the sync engine's job.
    """

    source_key: str
    account_ref: str
    metric: str  # data | time | calls | energy | water | heat | custom
    unit: str  # B | s | kWh | m3 | Gcal | unit
    quantity: Decimal
    started_at: datetime
    ended_at: datetime | None = None
    direction: Direction | None = None
    source_type: str = ""  # radacct | radius_detail | asterisk_csv | meter_reading | billing
    attributes: dict = field(default_factory=dict)
    # The billing system's id of the service the record belongs to, when the source says so.
    service_ref: str | None = None


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    ACT = "act"
    UPD = "upd"
    RECEIPT = "receipt"
    CONTRACT = "contract"
    STATEMENT = "statement"


@dataclass(frozen=True)
class DocumentData:
    id: str
    account_id: str
    kind: DocumentKind
    number: str
    issued_at: datetime
    total: Money
    status: str  # issued | paid | partially_paid | void
    vat: Money | None = None
    period_from: datetime | None = None
    period_to: datetime | None = None
    due_at: datetime | None = None
    file_formats: tuple[str, ...] = ()  # pdf, xml: fetched with BillingConnector.document_file


@dataclass(frozen=True)
class PaymentData:
    id: str
    account_id: str
    amount: Money
    method: str  # card | sbp | cash | bank_transfer | promised | bonus | other
    status: str  # posted | reversed
    posted_at: datetime
    external_ref: str | None = None
    comment: str = ""


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    next_cursor: str | None


@dataclass(frozen=True)
class ChangeEvent:
    id: str
    type: str  # account.updated, balance.changed, subscription.plan_changed, ...
    occurred_at: datetime
    resource_type: str
    resource_id: str
    tenant: str
    data: dict = field(default_factory=dict)
