"""Refunds by provider staff: all or part of a succeeded online payment goes back to the client
through the gateway, and billing takes it off the balance through the outbox.

The refund's id comes with the staff member's form and is the gateway's idempotency key: the
same form sent twice, or again after the gateway did not answer, refunds once. What is asked for
counts against the payment at once (under its row lock), so two refunds at the same time cannot
together give back more than was paid.
"""

import logging
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet.payments.gateways import gateway_client
from cabinet.payments.models import OnlinePayment, PaymentRefund, PaymentStatus, RefundStatus
from cabinet.payments.services import CENT
from cabinet.sync.models import OutboxKind
from cabinet.sync.outbox import outbox_enqueue
from connectors.errors import ConnectorError
from connectors.gateway_settings import payment_gateway_for

logger = logging.getLogger(__name__)


class RefundRefused(Exception):
    """The refund cannot be made; the message says why, for the staff member."""


def payment_refund(
    *, payment_id: uuid.UUID, refund_id: uuid.UUID, amount: Decimal, reason: str, user
) -> PaymentRefund:
    payment = OnlinePayment.objects.filter(pk=payment_id).first()
    if payment is None:
        raise RefundRefused(_("Only a paid payment can be refunded."))
    gateway = payment_gateway_for(payment.gateway)
    if gateway is None:
        raise RefundRefused(_("The settings of the gateway this payment went through are gone."))
    refund = _refund_record(payment_id, refund_id, amount, reason.strip(), user)
    if refund.status != RefundStatus.PENDING:
        return refund
    try:
        gateway_refund_id = gateway_client(gateway).refund(refund)
    except ConnectorError as error:
        if error.retryable:
            raise RefundRefused(
                _("The payment service is not answering; nothing is lost, press Refund again.")
            ) from None
        return _refund_failed(refund, str(error))
    return _refund_done(refund, gateway_refund_id)


def _refund_record(payment_id, refund_id, amount: Decimal, reason: str, user) -> PaymentRefund:
    """The refund this form asked for: recorded now, or as recorded by its first submission
    (a double click, a retry); checked and counted under the payment's lock."""
    with transaction.atomic():
        payment = OnlinePayment.objects.select_for_update().get(pk=payment_id)
        known = PaymentRefund.objects.filter(pk=refund_id).first()
        if known is not None:
            if known.payment_id != payment.pk:
                raise RefundRefused(_("Open the payment's page again and start over."))
            return known
        if payment.status != PaymentStatus.SUCCEEDED:
            raise RefundRefused(_("Only a paid payment can be refunded."))
        if not reason:
            raise RefundRefused(_("Say why the money goes back."))
        if amount <= 0 or amount != amount.quantize(CENT):
            raise RefundRefused(_("Give an amount above zero, in whole kopecks or cents."))
        if amount > payment.refundable:
            raise RefundRefused(
                _("At most %(left)s %(currency)s is left to refund.")
                % {"left": payment.refundable, "currency": payment.currency}
            )
        payment.refunded += amount
        payment.save(update_fields=["refunded", "updated_at"])
        return PaymentRefund.objects.create(
            id=refund_id,
            payment=payment,
            amount=amount,
            currency=payment.currency,
            reason=reason[:200],
            created_by=user,
        )


def _refund_done(refund: PaymentRefund, gateway_refund_id: str) -> PaymentRefund:
    with transaction.atomic():
        refund = (
            PaymentRefund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
        )
        if refund.status != RefundStatus.PENDING:
            return refund
        refund.status = RefundStatus.SUCCEEDED
        refund.gateway_refund_id = gateway_refund_id
        refund.save(update_fields=["status", "gateway_refund_id", "updated_at"])
        payment = refund.payment
        outbox_enqueue(
            kind=OutboxKind.REFUND,
            account=payment.account,
            target_id=payment.account.external_id,
            payload={
                "amount": f"{refund.amount:.2f}",
                "currency": refund.currency,
                "payment_ref": f"{payment.gateway}:{payment.charge_ref}",
                "external_ref": f"{payment.gateway}:refund:{gateway_refund_id}",
                "refunded_at": timezone.now().isoformat(),
            },
        )
    return refund


def _refund_failed(refund: PaymentRefund, why: str) -> PaymentRefund:
    """The gateway refused: what was asked for no longer counts against the payment."""
    logger.warning("refund %s refused by the gateway: %s", refund.pk, why)
    with transaction.atomic():
        payment = OnlinePayment.objects.select_for_update().get(pk=refund.payment_id)
        refund = PaymentRefund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != RefundStatus.PENDING:
            return refund
        refund.status = RefundStatus.FAILED
        refund.failure = why[:200]
        refund.save(update_fields=["status", "failure", "updated_at"])
        payment.refunded -= refund.amount
        payment.save(update_fields=["refunded", "updated_at"])
    return refund
