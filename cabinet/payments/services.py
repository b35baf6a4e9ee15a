"""Online payments in the cabinet: started with the provider's gateway, settled by re-reading the
payment from the gateway (on the client's return or on the gateway's notification, whichever
comes first), and a succeeded one posted to billing once, through the outbox."""

import contextlib
import logging
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet.accounts.models import ClientAccount
from cabinet.documents.models import Document, DocumentKind
from cabinet.payments.gateways import CardToSave, Client, Outcome, gateway_client
from cabinet.payments.models import OnlinePayment, PaymentStatus, SavedCard
from cabinet.sync.models import OutboxKind
from cabinet.sync.outbox import outbox_enqueue
from connectors.errors import ConnectorError
from connectors.gateway_settings import payment_gateway_for, payment_gateway_get
from connectors.models import GatewayKind, PaymentGateway, PaymentPurpose

CENT = Decimal("0.01")
logger = logging.getLogger(__name__)


class PaymentRefused(Exception):
    """The payment cannot be made; the message says why, for the client."""


PAYABLE_INVOICE_STATUSES = ("issued", "partially_paid")


def payments_open(purpose: str) -> PaymentGateway | None:
    """The gateway, if clients can pay for `purpose` (a PaymentPurpose) through it now."""
    gateway = payment_gateway_get()
    open_ = gateway.kind != GatewayKind.NONE and purpose in gateway.purposes
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
    save_card: bool = False,
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
    with transaction.atomic():
        if invoice is not None:
            earlier = _invoice_payment_under_way(invoice)
            if earlier is not None:
                return earlier
        payment = OnlinePayment.objects.create(
            account=account,
            user=user,
            purpose=purpose,
            document=invoice,
            amount=amount,
            currency=account.currency,
            gateway=gateway.kind,
            save_card=save_card and purpose == PaymentPurpose.TOP_UP,
        )
    description = (
        _("Invoice %(number)s, account %(account)s")
        % {"number": invoice.number, "account": account.number}
        if invoice is not None
        else _("Top-up of account %(number)s") % {"number": account.number}
    )
    known_customer = (
        SavedCard.objects.filter(account=account, gateway=gateway.kind)
        .exclude(customer="")
        .values_list("customer", flat=True)
        .first()
    )
    client = Client(
        email=user.email,
        phone=account.phone,
        name=account.holder_name,
        stripe_customer=known_customer or "",
    )
    try:
        started = gateway_client(gateway).start(
            payment, description=description, return_url=return_url_for(payment), client=client
        )
    except ConnectorError as error:
        payment.status = PaymentStatus.CANCELED
        payment.cancellation_reason = (
            "gateway_unavailable" if error.retryable else "gateway_refused"
        )
        payment.save(update_fields=["status", "cancellation_reason", "updated_at"])
        logger.warning("payment %s not started: %s", payment.pk, error)
        raise PaymentRefused(
            _("The payment service is not answering; try again in a few minutes.")
        ) from None
    payment.gateway_payment_id = started.reference
    payment.confirmation_url = started.confirmation_url
    payment.status = PaymentStatus.PENDING
    payment.save(update_fields=["gateway_payment_id", "confirmation_url", "status", "updated_at"])
    return payment


def _invoice_payment_under_way(invoice: Document) -> OnlinePayment | None:
    """An invoice is paid once: a second window continues the payment still open at the
    gateway instead of starting another. Takes the invoice's row lock for the transaction."""
    for pending in OnlinePayment.objects.filter(document=invoice, status=PaymentStatus.PENDING):
        with contextlib.suppress(ConnectorError):  # as it stands, then
            online_payment_settle(payment_id=pending.pk)
    Document.objects.select_for_update().get(pk=invoice.pk)
    earlier = (
        OnlinePayment.objects.filter(document=invoice)
        .exclude(status=PaymentStatus.CANCELED)
        .order_by("-created_at")
        .first()
    )
    if earlier is None:
        return None
    if earlier.status == PaymentStatus.SUCCEEDED:
        raise PaymentRefused(_("This invoice is already paid."))
    if earlier.status == PaymentStatus.CREATED or not earlier.confirmation_url:
        raise PaymentRefused(_("This invoice is being paid in another window."))
    return earlier


def online_payment_settle(*, payment_id) -> OnlinePayment:
    """Ask the gateway how the payment stands and take its answer once: a succeeded payment is
    queued for billing exactly once, however many notifications and returns race here (the
    row lock makes them take turns; the caller queues delivery on commit)."""
    with transaction.atomic():
        payment = OnlinePayment.objects.select_for_update().get(pk=payment_id)
        if payment.status != PaymentStatus.PENDING:
            return payment
        gateway = _gateway_of(payment)
        if gateway is None:
            return payment
        payment_take_outcome(payment, gateway_client(gateway).outcome(payment))
    return payment


def online_payment_abandon(*, payment_id) -> OnlinePayment:
    """The client came back from the gateway's page without paying."""
    payment = OnlinePayment.objects.get(pk=payment_id)
    gateway = _gateway_of(payment)
    if payment.status == PaymentStatus.PENDING and gateway is not None:
        gateway_client(gateway).abandon(payment)
    return online_payment_settle(payment_id=payment_id)


def _gateway_of(payment: OnlinePayment) -> PaymentGateway | None:
    """The gateway the payment was made through, even if the provider has switched since."""
    gateway = payment_gateway_for(payment.gateway)
    if gateway is None:
        logger.error("payment %s: no settings of its gateway %s", payment.pk, payment.gateway)
    return gateway


def payment_take_outcome(payment: OnlinePayment, outcome: Outcome) -> None:
    """Record what the gateway said of a payment locked by the caller; a success goes to
    billing through the outbox, once."""
    fields = ["status", "charge_ref", "cancellation_reason", "posted_to_billing", "updated_at"]
    if outcome.status == PaymentStatus.SUCCEEDED:
        if outcome.paid != payment.amount:
            # Never credit what was not paid; staff see it stuck as pending.
            logger.error("payment %s: the gateway took %s", payment.pk, outcome.paid)
            return
        payment.status = PaymentStatus.SUCCEEDED
        payment.charge_ref = outcome.charge_ref
        if outcome.card is not None:
            payment.card = _card_keep(payment, outcome.card)
            fields.append("card")
        _post_to_billing(payment)
    elif outcome.status == PaymentStatus.CANCELED:
        payment.status = PaymentStatus.CANCELED
        payment.charge_ref = outcome.charge_ref
        payment.cancellation_reason = outcome.reason[:100]
    else:
        payment.cancellation_reason = outcome.reason[:100]  # a declined try; the client may retry
    payment.save(update_fields=fields)


def _post_to_billing(payment: OnlinePayment) -> None:
    payload = {
        "amount": f"{payment.amount:.2f}",
        "currency": payment.currency,
        "method": "card",
        "external_ref": f"{payment.gateway}:{payment.charge_ref}",
        "paid_at": timezone.now().isoformat(),
    }
    if payment.document is not None:
        payload["document_id"] = payment.document.external_id
    outbox_enqueue(
        kind=OutboxKind.PAYMENT,
        account=payment.account,
        target_id=payment.account.external_id,
        payload=payload,
    )
    payment.posted_to_billing = True


def _card_keep(payment: OnlinePayment, card: CardToSave) -> SavedCard:
    saved, _created = SavedCard.objects.get_or_create(
        account=payment.account,
        gateway=payment.gateway,
        token=card.token,
        defaults={"user": payment.user, "customer": card.customer, "title": card.title[:60]},
    )
    if saved.removed_at is not None:  # kept again on purpose
        saved.removed_at = None
        saved.save(update_fields=["removed_at"])
    return saved
