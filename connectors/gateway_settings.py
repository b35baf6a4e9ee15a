"""The provider's payment gateway settings: read with defaults, checked and saved.

Secrets are never shown back: the console gets a masked hint, and a secret left empty on save
keeps the stored one.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from connectors.models import GatewayKind, GatewayMode, PaymentGateway, PaymentPurpose, VatCode

# The secrets each gateway needs, and what a key looks like in each mode.
SECRET_FIELDS = {
    GatewayKind.YOOKASSA: ("shop_id", "secret_key"),
    GatewayKind.STRIPE: ("secret_key", "webhook_secret"),
    GatewayKind.NONE: (),
}
_KEY_PATTERNS = {
    (GatewayKind.YOOKASSA, "shop_id"): re.compile(r"[0-9]{1,12}"),
    (GatewayKind.YOOKASSA, "secret_key"): re.compile(r"(test|live)_[A-Za-z0-9_-]{8,200}"),
    (GatewayKind.STRIPE, "secret_key"): re.compile(r"[sr]k_(test|live)_[A-Za-z0-9]{8,200}"),
    (GatewayKind.STRIPE, "webhook_secret"): re.compile(r"whsec_[A-Za-z0-9]{8,200}"),
}
LARGEST_AMOUNT = Decimal("1000000000")


def payment_gateway_get() -> PaymentGateway:
    """The stored settings, or the defaults of a provider that has none yet (not saved)."""
    return PaymentGateway.objects.first() or PaymentGateway(
        kind=GatewayKind.NONE,
        mode=GatewayMode.TEST,
        min_amount=Decimal("10.00"),
        max_amount=Decimal("100000.00"),
        purposes=[PaymentPurpose.TOP_UP, PaymentPurpose.INVOICE],
    )


# What of a gateway's settings is kept when the provider switches to another kind.
KEPT_ON_SWITCH = (
    "mode",
    "credentials",
    "tax_system",
    "vat_code",
    "vat_codes",
    "payment_subject",
    "payment_mode",
    "receipt_contact",
)


def payment_gateway_for(kind: str) -> PaymentGateway | None:
    """The settings to reach a gateway of `kind` with: the current ones, or those kept from
    before the provider switched away from it (not saved); None if it never used that kind."""
    current = payment_gateway_get()
    if current.kind == kind and kind != GatewayKind.NONE:
        return current
    kept = current.former.get(kind) if current.pk else None
    if not isinstance(kept, dict):
        return None
    former = PaymentGateway(
        kind=kind,
        min_amount=current.min_amount,
        max_amount=current.max_amount,
        purposes=[],
    )
    for name in KEPT_ON_SWITCH:
        if name in kept:
            setattr(former, name, kept[name])
    return former


def secret_hint(value: str) -> str:
    """Enough of a secret to recognise it, never enough to use it."""
    return f"…{value[-4:]}" if len(value) > 8 else "…"


@dataclass(frozen=True)
class GatewaySettings:
    kind: str
    mode: str
    secrets: dict[str, str]  # new values; an empty one keeps what is stored
    min_amount: Decimal
    max_amount: Decimal
    purposes: list[str]
    tax_system: int | None = None
    vat_code: int | None = None
    vat_codes: dict[str, int] | None = None
    payment_subject: str = ""
    payment_mode: str = ""
    receipt_contact: str = ""


@transaction.atomic
def payment_gateway_save(*, settings: GatewaySettings, currency: str) -> PaymentGateway:
    """Check and store the settings; a ValidationError names each wrong field and nothing is
    stored then."""
    gateway = PaymentGateway.objects.select_for_update().first() or payment_gateway_get()
    kind = GatewayKind(settings.kind)
    former = dict(gateway.former)
    if gateway.kind != kind and gateway.kind != GatewayKind.NONE:
        former[gateway.kind] = {name: getattr(gateway, name) for name in KEPT_ON_SWITCH}
    kept = former.get(kind, {}) if gateway.kind != kind else {}
    stored = gateway.credentials if gateway.kind == kind else kept.get("credentials", {})
    credentials = {
        name: (settings.secrets.get(name) or "").strip() or stored.get(name, "")
        for name in SECRET_FIELDS[kind]
    }
    errors = _secret_errors(kind, settings.mode, credentials)
    errors |= _amount_errors(settings)
    if kind == GatewayKind.YOOKASSA:
        errors |= _receipt_errors(settings, currency)
    if errors:
        raise ValidationError(errors)
    gateway.kind = kind
    gateway.former = former
    gateway.mode = settings.mode
    gateway.credentials = credentials
    gateway.min_amount = settings.min_amount
    gateway.max_amount = settings.max_amount
    gateway.purposes = sorted(set(settings.purposes))
    receipts = kind == GatewayKind.YOOKASSA
    gateway.tax_system = settings.tax_system if receipts else None
    gateway.vat_code = settings.vat_code if receipts else None
    gateway.vat_codes = dict(settings.vat_codes or {}) if receipts else {}
    gateway.payment_subject = settings.payment_subject if receipts else ""
    gateway.payment_mode = settings.payment_mode if receipts else ""
    gateway.receipt_contact = settings.receipt_contact if receipts else ""
    gateway.save()
    return gateway


def _secret_errors(kind: GatewayKind, mode: str, credentials: dict[str, str]) -> dict:
    errors: dict[str, list[str]] = {}
    for name, value in credentials.items():
        pattern = _KEY_PATTERNS[(kind, name)]
        if not value:
            errors[name] = [_("This is needed to take payments.")]
        elif not pattern.fullmatch(value):
            errors[name] = [_("This does not look like a key of this gateway.")]
        elif "_test_" in f"_{value}" and mode == GatewayMode.LIVE:
            errors[name] = [_("This is a test key; live mode needs a live one.")]
        elif "_live_" in f"_{value}" and mode == GatewayMode.TEST:
            errors[name] = [_("This is a live key; test mode needs a test one.")]
    return errors


def _amount_errors(settings: GatewaySettings) -> dict:
    errors: dict[str, list[str]] = {}
    if not Decimal(0) < settings.min_amount <= LARGEST_AMOUNT:
        errors["min_amount"] = [_("Give an amount above zero.")]
    if settings.max_amount < settings.min_amount:
        errors["max_amount"] = [_("The largest payment is below the smallest.")]
    elif settings.max_amount > LARGEST_AMOUNT:
        errors["max_amount"] = [_("Give a smaller amount.")]
    if settings.kind != GatewayKind.NONE and not settings.purposes:
        errors["purposes"] = [_("Choose what clients may pay for.")]
    return errors


def _receipt_errors(settings: GatewaySettings, currency: str) -> dict:
    """YooKassa takes roubles only and must send a fiscal receipt (54-FZ) with every payment."""
    errors: dict[str, list[str]] = {}
    if currency != "RUB":
        errors["kind"] = [_("YooKassa takes payments in roubles only.")]
    required = {
        "tax_system": settings.tax_system,
        "vat_code": settings.vat_code,
        "payment_subject": settings.payment_subject,
        "payment_mode": settings.payment_mode,
        "receipt_contact": settings.receipt_contact,
    }
    for name, value in required.items():
        if not value:
            errors[name] = [_("Receipts under 54-FZ need this.")]
    wrong = [code for code in (settings.vat_codes or {}).values() if code not in VatCode.values]
    if wrong:
        errors["vat_codes"] = [_("Choose a VAT rate from the list.")]
    return errors
