"""Writes to the billing system: a row first, then delivery with retries.

Delivery goes account by account in creation order and stops at the first message that cannot be
delivered yet, so a later change never overtakes an earlier one. The idempotency key is fixed when
the row is made, so a retry after a lost answer is recognised by the billing system.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cabinet.accounts.models import ClientAccount
from cabinet.sync.models import OutboxKind, OutboxMessage, OutboxStatus
from connectors.billing.base import BillingConnector, WriteResult
from connectors.billing.types import Money
from connectors.errors import BadResponse, ConnectorError

MAX_BACKOFF = timedelta(minutes=30)


def outbox_enqueue(
    *, kind: OutboxKind, account: ClientAccount, target_id: str, payload: dict
) -> OutboxMessage:
    """Record a write; the caller schedules delivery with transaction.on_commit."""
    return OutboxMessage.objects.create(
        kind=kind,
        account=account,
        target_id=target_id,
        payload=payload,
        next_attempt_at=timezone.now(),
    )


def _send(connector: BillingConnector, message: OutboxMessage) -> WriteResult:
    payload = message.payload
    if message.kind == OutboxKind.PAYMENT:
        return connector.post_payment(
            message.target_id,
            amount=Money(Decimal(payload["amount"]), payload["currency"]),
            method=payload["method"],
            external_ref=payload["external_ref"],
            paid_at=parse_datetime(payload["paid_at"]) or timezone.now(),
            idempotency_key=str(message.idempotency_key),
            document_id=payload.get("document_id", ""),
        )
    if message.kind == OutboxKind.REFUND:
        return connector.post_refund(
            message.target_id,
            amount=Money(Decimal(payload["amount"]), payload["currency"]),
            payment_ref=payload["payment_ref"],
            external_ref=payload["external_ref"],
            refunded_at=parse_datetime(payload["refunded_at"]) or timezone.now(),
            idempotency_key=str(message.idempotency_key),
        )
    if message.kind == OutboxKind.CHANGE_PLAN:
        effective = payload.get("effective_at")
        return connector.change_plan(
            message.target_id,
            plan_id=payload["plan_id"],
            mode=payload["mode"],
            effective_at=parse_datetime(effective) if effective else None,
            idempotency_key=str(message.idempotency_key),
        )
    key = str(message.idempotency_key)
    if message.kind == OutboxKind.SUSPEND:
        until = payload.get("until")
        return connector.suspend_service(
            message.target_id,
            until=parse_datetime(until) if until else None,
            idempotency_key=key,
        )
    if message.kind == OutboxKind.RESUME:
        return connector.resume_service(message.target_id, idempotency_key=key)
    if message.kind == OutboxKind.ORDER:
        return connector.order_service(
            message.target_id, plan_id=payload["plan_id"], idempotency_key=key
        )
    if message.kind == OutboxKind.END:
        return connector.end_service(message.target_id, idempotency_key=key)
    if message.kind == OutboxKind.PROMISED_PAYMENT:
        amount = Money(Decimal(payload["amount"]), payload["currency"])
        return connector.promised_payment(message.target_id, amount=amount, idempotency_key=key)
    raise ValueError(f"no delivery for outbox kind {message.kind}")


def outbox_deliver_account(*, connector: BillingConnector, account_id: int) -> int:
    """Deliver the account's due messages in order; returns how many were delivered."""
    delivered = 0
    while True:
        with transaction.atomic():
            # One deliverer per account: the lock is on the account row, so a second worker
            # cannot skip the message being sent and send the account's next one first. It is a
            # no-key lock: recording a client's new request (a row referring to the account)
            # must not wait while billing takes its time to answer.
            account = ClientAccount.objects.select_for_update(skip_locked=True, no_key=True).filter(
                pk=account_id
            )
            if not account.exists():
                return delivered
            message = (
                OutboxMessage.objects.filter(account_id=account_id, status=OutboxStatus.PENDING)
                .order_by("created_at", "id")
                .first()
            )
            if message is None or (
                message.next_attempt_at and message.next_attempt_at > timezone.now()
            ):
                return delivered
            outcome = _attempt(connector, message)
            if outcome == OutboxStatus.PENDING:
                return delivered
            delivered += outcome == OutboxStatus.DELIVERED


def _attempt(connector: BillingConnector, message: OutboxMessage) -> OutboxStatus:
    """Try one message; PENDING means the account's queue must wait."""
    message.attempts += 1
    try:
        result = _send(connector, message)
    except ConnectorError as error:
        message.last_error = str(error)[:2000]
        # An answer that breaks the contract says nothing of whether the write happened; the
        # fixed idempotency key makes asking again safe, and only a refusal is final.
        if error.retryable or isinstance(error, BadResponse):
            delay = min(timedelta(seconds=5 * 2 ** min(message.attempts, 10)), MAX_BACKOFF)
            message.next_attempt_at = timezone.now() + delay
            message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            return OutboxStatus.PENDING
        message.status = OutboxStatus.REJECTED
        message.save(update_fields=["attempts", "last_error", "status"])
        return OutboxStatus.REJECTED
    message.status = OutboxStatus.DELIVERED
    message.delivered_at = timezone.now()
    message.result = {"done": result.done, "reference": result.reference}
    message.last_error = ""
    message.save(update_fields=["attempts", "status", "delivered_at", "result", "last_error"])
    return OutboxStatus.DELIVERED


def outbox_due_accounts(limit: int = 500) -> list[int]:
    return list(
        OutboxMessage.objects.filter(
            status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now()
        )
        .values_list("account_id", flat=True)
        .distinct()[:limit]
    )
