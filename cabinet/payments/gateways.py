"""The provider's gateway, spoken to in Kabinet's terms: start a payment the client confirms on
the gateway's page, read how it stands, charge a saved card, give money back. Each call builds a
client with this provider's own credentials; nothing is kept between providers."""

import contextlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from cabinet.payments.models import OnlinePayment, PaymentRefund, PaymentStatus, SavedCard
from connectors.errors import BadResponse, Rejected
from connectors.models import GatewayKind, PaymentGateway, ReceiptContact
from connectors.payments.stripe_account import Declined, StripeAccount
from connectors.payments.yookassa import YooKassaShop

CENT = Decimal("0.01")
# Stripe counts these currencies in whole units, the rest in hundredths.
WHOLE_UNIT_CURRENCIES = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF"})


@dataclass(frozen=True)
class Started:
    reference: str  # what the client confirms: YooKassa's payment, Stripe's Checkout Session
    confirmation_url: str


@dataclass(frozen=True)
class CardToSave:
    token: str
    title: str
    customer: str = ""


@dataclass(frozen=True)
class Outcome:
    status: str  # a PaymentStatus
    paid: Decimal | None = None  # what the gateway took
    charge_ref: str = ""  # the money taken, which refunds go against
    reason: str = ""
    card: CardToSave | None = None


@dataclass(frozen=True)
class Client:
    """Who pays: the receipt goes to them and a saved card is kept for them."""

    email: str
    phone: str
    name: str
    stripe_customer: str = ""  # a Stripe customer the account already has


class Gateway(Protocol):
    def start(
        self, payment: OnlinePayment, *, description: str, return_url: str, client: Client
    ) -> Started: ...

    def outcome(self, payment: OnlinePayment) -> Outcome: ...

    def abandon(self, payment: OnlinePayment) -> None: ...

    def charge_saved(
        self, payment: OnlinePayment, *, card: SavedCard, description: str
    ) -> Outcome: ...

    def refund(self, refund: PaymentRefund) -> str: ...


def gateway_client(gateway: PaymentGateway) -> Gateway:
    if gateway.kind == GatewayKind.YOOKASSA:
        return YooKassaGateway(gateway)
    if gateway.kind == GatewayKind.STRIPE:
        return StripeGateway(gateway)
    raise ValueError("this provider takes no online payments")


class YooKassaGateway:
    def __init__(self, gateway: PaymentGateway) -> None:
        self._settings = gateway
        self._shop = YooKassaShop(
            shop_id=gateway.credentials.get("shop_id", ""),
            secret_key=gateway.credentials.get("secret_key", ""),
            api_url=settings.YOOKASSA_API_URL,
            timeout=settings.GATEWAY_TIMEOUT_SECONDS,
        )

    def start(
        self, payment: OnlinePayment, *, description: str, return_url: str, client: Client
    ) -> Started:
        params = {
            "amount": _value(payment.amount, payment.currency),
            "capture": True,
            "confirmation": {"type": "redirect", "return_url": return_url},
            "description": description[:128],
            "metadata": {"kabinet_payment": str(payment.id)},
            "receipt": self._receipt(payment.amount, payment.currency, description, client),
        }
        if payment.save_card:
            params["save_payment_method"] = True
        answer = self._shop.create_payment(params, idempotency_key=str(payment.id))
        return Started(answer.id, answer.confirmation.confirmation_url)

    def outcome(self, payment: OnlinePayment) -> Outcome:
        return self._read(self._shop.find_payment(payment.gateway_payment_id))

    def abandon(self, payment: OnlinePayment) -> None:
        """Nothing to do: an unconfirmed YooKassa payment is cancelled by YooKassa in time."""

    def charge_saved(self, payment: OnlinePayment, *, card: SavedCard, description: str) -> Outcome:
        client = _payer(payment)
        params = {
            "amount": _value(payment.amount, payment.currency),
            "capture": True,
            "payment_method_id": card.token,
            "description": description[:128],
            "metadata": {"kabinet_payment": str(payment.id)},
            "receipt": self._receipt(payment.amount, payment.currency, description, client),
        }
        return self._read(self._shop.create_payment(params, idempotency_key=str(payment.id)))

    def refund(self, refund: PaymentRefund) -> str:
        payment = refund.payment
        client = _payer(payment)
        description = _("Refund: %(reason)s") % {"reason": refund.reason}
        answer = self._shop.refund(
            {
                "payment_id": payment.charge_ref,
                "amount": _value(refund.amount, refund.currency),
                "description": description[:250],
                "receipt": self._receipt(refund.amount, refund.currency, description, client),
            },
            idempotency_key=str(refund.id),
        )
        if answer.status == "canceled":
            raise Rejected("YooKassa did not refund", status=400, code="canceled")
        return str(answer.id)

    def _read(self, remote: Any) -> Outcome:
        paid = Decimal(str(remote.amount.value)).quantize(CENT)
        if remote.status == "succeeded":
            method = remote.payment_method
            card = None
            if method is not None and getattr(method, "saved", False):
                card = CardToSave(token=str(method.id), title=_card_title(method))
            return Outcome(PaymentStatus.SUCCEEDED, paid, str(remote.id), card=card)
        if remote.status == "canceled":
            details = remote.cancellation_details
            reason = details.reason if details else ""
            return Outcome(PaymentStatus.CANCELED, paid, str(remote.id), reason=reason or "")
        return Outcome(PaymentStatus.PENDING, paid, str(remote.id))

    def _receipt(self, amount: Decimal, currency: str, description: str, client: Client) -> dict:
        """A 54-FZ receipt of one line, sent where the provider chose."""
        gateway = self._settings
        by_phone = bool(
            client.phone and (gateway.receipt_contact == ReceiptContact.PHONE or not client.email)
        )
        if not by_phone and not client.email:
            raise Rejected("no e-mail or phone to send the 54-FZ receipt to", status=400)
        return {
            "customer": {"phone": client.phone} if by_phone else {"email": client.email},
            "tax_system_code": gateway.tax_system,
            "items": [
                {
                    "description": description[:128],
                    "quantity": "1.00",
                    "amount": _value(amount, currency),
                    "vat_code": gateway.vat_code,
                    "payment_mode": gateway.payment_mode,
                    "payment_subject": gateway.payment_subject,
                }
            ],
        }


def stripe_account(gateway: PaymentGateway) -> StripeAccount:
    return StripeAccount(
        secret_key=gateway.credentials.get("secret_key", ""),
        api_url=settings.STRIPE_API_URL,
        timeout=settings.GATEWAY_TIMEOUT_SECONDS,
    )


class StripeGateway:
    def __init__(self, gateway: PaymentGateway) -> None:
        self._account = stripe_account(gateway)

    def start(
        self, payment: OnlinePayment, *, description: str, return_url: str, client: Client
    ) -> Started:
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": payment.currency.lower(),
                        "unit_amount": minor_units(payment.amount, payment.currency),
                        "product_data": {"name": description[:250]},
                    },
                    "quantity": 1,
                }
            ],
            "success_url": return_url,
            "cancel_url": return_url + "cancel",
            "client_reference_id": str(payment.id),
            "metadata": {"kabinet_payment": str(payment.id)},
            "payment_intent_data": {"metadata": {"kabinet_payment": str(payment.id)}},
        }
        if payment.save_card:
            params["customer"] = client.stripe_customer or self._new_customer(payment, client)
            params["payment_intent_data"]["setup_future_usage"] = "off_session"
        elif client.email:
            params["customer_email"] = client.email
        session = self._account.create_checkout(params, idempotency_key=str(payment.id))
        return Started(str(session.id), str(session.url))

    def outcome(self, payment: OnlinePayment) -> Outcome:
        if payment.automatic:
            return self._intent_outcome(
                self._account.find_payment_intent(payment.gateway_payment_id), payment.currency
            )
        session = self._account.find_checkout(payment.gateway_payment_id)
        intent = session.payment_intent
        charge_ref = str(getattr(intent, "id", "") or "")
        error = getattr(intent, "last_payment_error", None) if intent else None
        reason = str(getattr(error, "decline_code", "") or getattr(error, "code", "") or "")
        if session.payment_status == "paid":
            paid = from_minor_units(int(session.amount_total), payment.currency)
            wanted = payment.save_card and intent
            card = self._saved_card(intent, str(session.customer or "")) if wanted else None
            return Outcome(PaymentStatus.SUCCEEDED, paid, charge_ref, card=card)
        if session.status == "expired":
            return Outcome(PaymentStatus.CANCELED, None, charge_ref, reason=reason or "expired")
        return Outcome(PaymentStatus.PENDING, None, charge_ref, reason=reason)

    def abandon(self, payment: OnlinePayment) -> None:
        """The client came back without paying: close the Checkout Session so that it cannot be
        paid later behind the cabinet's back."""
        with contextlib.suppress(Rejected):  # already complete or expired: `outcome` tells
            self._account.expire_checkout(payment.gateway_payment_id)

    def charge_saved(self, payment: OnlinePayment, *, card: SavedCard, description: str) -> Outcome:
        try:
            intent = self._account.charge_saved(
                {
                    "amount": minor_units(payment.amount, payment.currency),
                    "currency": payment.currency.lower(),
                    "customer": card.customer,
                    "payment_method": card.token,
                    "description": description[:250],
                    "metadata": {"kabinet_payment": str(payment.id)},
                },
                idempotency_key=str(payment.id),
            )
        except Declined as declined:
            return Outcome(PaymentStatus.CANCELED, reason=declined.code)
        return self._intent_outcome(intent, payment.currency)

    @staticmethod
    def _intent_outcome(intent: Any, currency: str) -> Outcome:
        if intent.status == "succeeded":
            paid = from_minor_units(int(intent.amount), currency)
            return Outcome(PaymentStatus.SUCCEEDED, paid, str(intent.id))
        error = getattr(intent, "last_payment_error", None)
        reason = str(getattr(error, "decline_code", "") or getattr(error, "code", "") or "")
        if intent.status in ("canceled", "requires_payment_method"):
            return Outcome(
                PaymentStatus.CANCELED, None, str(intent.id), reason=reason or "canceled"
            )
        return Outcome(PaymentStatus.PENDING, None, str(intent.id))

    def refund(self, refund: PaymentRefund) -> str:
        answer = self._account.refund(
            {
                "payment_intent": refund.payment.charge_ref,
                "amount": minor_units(refund.amount, refund.currency),
                "metadata": {"kabinet_refund": str(refund.id)},
            },
            idempotency_key=str(refund.id),
        )
        if answer.status not in ("succeeded", "pending"):
            raise Rejected(f"Stripe did not refund: {answer.status}", status=400)
        return str(answer.id)

    def _new_customer(self, payment: OnlinePayment, client: Client) -> str:
        customer = self._account.create_customer(
            {
                "email": client.email,
                "name": client.name[:250],
                "metadata": {"kabinet_account": str(payment.account_id)},
            },
            idempotency_key=f"customer-{payment.id}",
        )
        return str(customer.id)

    def _saved_card(self, intent: Any, customer: str) -> CardToSave | None:
        if not customer:
            raise BadResponse("Stripe kept the card for no customer")
        method_id = intent.payment_method
        method = self._account.find_payment_method(str(getattr(method_id, "id", method_id)))
        if not getattr(method, "card", None):
            raise BadResponse("Stripe saved something other than a card")
        card = method.card
        title = f"{str(card.brand).title()} •••• {card.last4}"
        return CardToSave(token=str(method.id), title=title, customer=customer)


def _payer(payment: OnlinePayment) -> Client:
    """Who a charge made without the client at the keyboard is for: whoever made the payment,
    or the account's own contacts once that user is gone."""
    account = payment.account
    email = (payment.user.email if payment.user else "") or account.email
    return Client(email=email, phone=account.phone, name=account.holder_name)


def minor_units(amount: Decimal, currency: str) -> int:
    if currency.upper() in WHOLE_UNIT_CURRENCIES:
        return int(amount)
    return int((amount * 100).to_integral_value())


def from_minor_units(units: int, currency: str) -> Decimal:
    if currency.upper() in WHOLE_UNIT_CURRENCIES:
        return Decimal(units).quantize(CENT)
    return (Decimal(units) / 100).quantize(CENT)


def _value(amount: Decimal, currency: str) -> dict[str, str]:
    return {"value": f"{amount:.2f}", "currency": currency}


def _card_title(method: Any) -> str:
    card = getattr(method, "card", None)
    if card is not None and getattr(card, "last4", None):
        return f"{card.card_type or _('Card')} •••• {card.last4}"
    return str(getattr(method, "title", "") or _("Card"))[:60]
