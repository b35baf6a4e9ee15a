"""Online payments in the cabinet: started with the provider's gateway, settled by re-reading the
payment from the gateway (on the client's return or on the gateway's notification, whichever
comes first), and a succeeded one posted to billing once, through the outbox."""

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet.accounts.models import ClientAccount
from cabinet.documents.models import Document, DocumentKind
from cabinet.payments.models import OnlinePayment, PaymentStatus
from cabinet.sync.models import OutboxKind
from cabinet.sync.outbox import outbox_enqueue
from connectors.errors import ConnectorError
from connectors.gateway_settings import payment_gateway_get
from connectors.models import GatewayKind, PaymentGateway, PaymentPurpose, ReceiptContact
from connectors.payments.yookassa import YooKassaShop

CENT = Decimal("0.01")


class PaymentRefused(Exception):
    """The payment cannot be made; the message says why, for the client."""


def yookassa_shop(gateway: PaymentGateway) -> YooKassaShop:
    return YooKassaShop(
        shop_id=gateway.credentials.get("shop_id", ""),
        secret_key=gateway.credentials.get("secret_key", ""),
        api_url=settings.YOOKASSA_API_URL,
        timeout=settings.GATEWAY_TIMEOUT_SECONDS,
    )


PAYABLE_INVOICE_STATUSES = ("issued", "partially_paid")


def payments_open(purpose: str) -> PaymentGateway | None:
    """The gateway, if clients can pay for `purpose` (a PaymentPurpose) through it now."""
    gateway = payment_gateway_get()
    open_ = gateway.kind == GatewayKind.YOOKASSA and purpose in gateway.purposes
    return gateway if open_ else None


def top_ups_open() -> PaymentGateway | None:
    return payments_open(PaymentPurpose.TOP_UP)


def payable_invoice(document: Document | None, account: ClientAccount) -> bool:
    return (
        document is not None
        and document.account_id == account.pk
        and document.kind == DocumentKind.INVOICE
        and document.status in PAYABLE_INVOICE_STATUSES
        and document.currency == account.currency
        and document.total > 0
    )


def online_payment_start(
    *,
    account: ClientAccount,
    user,
    amount: Decimal,
    return_url_for: Callable[[OnlinePayment], str],
    invoice: Document | None = None,
) -> OnlinePayment:
    """Record a top-up (or the payment of `invoice`, for its total) and ask the gateway for it;
    the client then confirms it on the gateway's page at `confirmation_url` and comes back to
    `return_url_for(payment)`."""
    purpose = PaymentPurpose.INVOICE if invoice is not None else PaymentPurpose.TOP_UP
    gateway = payments_open(purpose)
    if gateway is None:
        raise PaymentRefused(_("Online payments are not available."))
    if invoice is not None:
        if not payable_invoice(invoice, account):
            raise PaymentRefused(_("This invoice cannot be paid here."))
        amount = invoice.total
    if not gateway.min_amount <= amount <= gateway.max_amount or amount != amount.quantize(CENT):
        raise PaymentRefused(
            _("Pay from %(low)s to %(high)s.")
            % {"low": gateway.min_amount, "high": gateway.max_amount}
        )
    payment = OnlinePayment.objects.create(
        account=account,
        user=user,
        purpose=purpose,
        document=invoice,
        amount=amount,
        currency=account.currency,
        gateway=gateway.kind,
    )
    description = (
        _("Invoice %(number)s, account %(account)s")
        % {"number": invoice.number, "account": account.number}
        if invoice is not None
        else _("Top-up of account %(number)s") % {"number": account.number}
    )
    value = {"value": f"{amount:.2f}", "currency": account.currency}
    contact = (
        {"phone": account.phone}
        if gateway.receipt_contact == ReceiptContact.PHONE and account.phone
        else {"email": user.email}
    )
    params = {
        "amount": value,
        "capture": True,
        "confirmation": {"type": "redirect", "return_url": return_url_for(payment)},
        "description": description[:128],
        "metadata": {"kabinet_payment": str(payment.id)},
        "receipt": {
            "customer": contact,
            "tax_system_code": gateway.tax_system,
            "items": [
                {
                    "description": description[:128],
                    "quantity": "1.00",
                    "amount": value,
                    "vat_code": gateway.vat_code,
                    "payment_mode": gateway.payment_mode,
                    "payment_subject": gateway.payment_subject,
                }
            ],
        },
    }
    try:
        answer = yookassa_shop(gateway).create_payment(params, idempotency_key=str(payment.id))
    except ConnectorError as error:
        payment.cancellation_reason = str(error)[:100]
        payment.save(update_fields=["cancellation_reason", "updated_at"])
        raise PaymentRefused(
            _("The payment service is not answering; try again in a few minutes.")
        ) from None
    payment.gateway_payment_id = answer.id
    payment.confirmation_url = answer.confirmation.confirmation_url
    payment.status = PaymentStatus.PENDING
    payment.save(update_fields=["gateway_payment_id", "confirmation_url", "status", "updated_at"])
    return payment


def online_payment_settle(*, payment_id) -> OnlinePayment:
    """Ask the gateway how the payment stands and take its answer once: a succeeded payment is
    queued for billing exactly once, however many notifications and returns race here (the
    row lock makes them take turns; the caller queues delivery on commit)."""
    with transaction.atomic():
        payment = OnlinePayment.objects.select_for_update().get(pk=payment_id)
        if payment.status != PaymentStatus.PENDING:
            return payment
        gateway = payment_gateway_get()
        remote = yookassa_shop(gateway).find_payment(payment.gateway_payment_id)
        paid = Decimal(str(remote.amount.value)).quantize(CENT)
        if remote.status == "succeeded" and paid == payment.amount:
            payment.status = PaymentStatus.SUCCEEDED
            outbox_enqueue(
                kind=OutboxKind.PAYMENT,
                account=payment.account,
                target_id=payment.account.external_id,
                payload={
                    "amount": f"{payment.amount:.2f}",
                    "currency": payment.currency,
                    "method": "card",
                    "external_ref": f"yookassa:{remote.id}",
                    "paid_at": timezone.now().isoformat(),
                },
            )
            payment.posted_to_billing = True
        elif remote.status == "canceled":
            payment.status = PaymentStatus.CANCELED
            details = remote.cancellation_details
            payment.cancellation_reason = (details.reason if details else "")[:100]
        payment.save(
            update_fields=["status", "posted_to_billing", "cancellation_reason", "updated_at"]
        )
    return payment
