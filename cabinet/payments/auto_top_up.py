"""Saved cards and automatic top-ups: "top up by X when the balance falls below Y", charged to a
card the client saved while paying, at most once per period, with nobody at the keyboard.

A charge is recorded (and the period taken) before the gateway is asked, under the rule's row
lock; the payment's id is the idempotency key, so a charge interrupted by a gateway that did not
answer is asked again under the same key and cannot be taken twice. It is asked again whatever
became of the rule or the card meanwhile, since the money may already be taken; and only one
worker asks at a time, holding the payment's row while the gateway answers.
"""

import logging
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from branding.selectors import live_look
from cabinet.accounts.models import AccessRole, AccountAccess, AccountStatus, ClientAccount
from cabinet.payments.gateways import Outcome, gateway_client, stripe_account
from cabinet.payments.models import (
    AutoTopUp,
    AutoTopUpPeriod,
    OnlinePayment,
    PaymentStatus,
    SavedCard,
)
from cabinet.payments.services import CENT, payment_take_outcome, top_ups_open
from connectors.errors import ConnectorError
from connectors.gateway_settings import payment_gateway_for
from connectors.models import GatewayKind, PaymentPurpose
from tenants.models import Provider

logger = logging.getLogger(__name__)

PERIODS: dict[str, timedelta] = {
    AutoTopUpPeriod.DAY: timedelta(days=1),
    AutoTopUpPeriod.WEEK: timedelta(days=7),
    AutoTopUpPeriod.MONTH: timedelta(days=30),
}
# How far below zero a threshold may be set; a real balance never needs more.
LOWEST_THRESHOLD = Decimal("-1000000")


def auto_top_up_save(
    *,
    account: ClientAccount,
    user,
    card_id: int,
    threshold: Decimal,
    amount: Decimal,
    period: str,
) -> AutoTopUp:
    """Set (or change) the account's rule with `user`'s consent, recorded with the time."""
    gateway = top_ups_open()
    card = SavedCard.objects.filter(pk=card_id, account=account, removed_at__isnull=True).first()
    errors: dict[str, list[str]] = {}
    if gateway is None:
        raise ValidationError(_("Online payments are not available."))
    if card is None or card.gateway != gateway.kind:
        errors["card"] = [_("Choose one of your saved cards.")]
    if not gateway.min_amount <= amount <= gateway.max_amount or amount != amount.quantize(CENT):
        errors["amount"] = [
            _("Pay from %(low)s to %(high)s.")
            % {"low": gateway.min_amount, "high": gateway.max_amount}
        ]
    if not LOWEST_THRESHOLD <= threshold <= gateway.max_amount or threshold != threshold.quantize(
        CENT
    ):
        errors["threshold"] = [
            _("Give a balance between %(low)s and %(high)s.")
            % {"low": LOWEST_THRESHOLD, "high": gateway.max_amount}
        ]
    if period not in PERIODS:
        errors["period"] = [_("Choose how often.")]
    if errors:
        raise ValidationError(errors)
    rule, _created = AutoTopUp.objects.update_or_create(
        account=account,
        defaults={
            "card": card,
            "threshold": threshold,
            "amount": amount,
            "currency": account.currency,
            "period": period,
            "enabled": True,
            "agreed_by": user,
            "agreed_at": timezone.now(),
        },
    )
    return rule


def auto_top_up_stop(*, account: ClientAccount) -> None:
    AutoTopUp.objects.filter(account=account).update(enabled=False)


def saved_card_remove(*, account: ClientAccount, card_id: int) -> bool:
    """Forget the card here and, for Stripe, at the gateway; its automatic top-up goes too."""
    card = SavedCard.objects.filter(pk=card_id, account=account, removed_at__isnull=True).first()
    if card is None:
        return False
    gateway = top_ups_open()
    if card.gateway == GatewayKind.STRIPE and gateway is not None and gateway.kind == card.gateway:
        try:
            stripe_account(gateway).detach_payment_method(card.token)
        except ConnectorError as error:
            logger.warning("card %s not detached at the gateway: %s", card.pk, error)
    AutoTopUp.objects.filter(card=card).delete()
    card.removed_at = timezone.now()
    card.save(update_fields=["removed_at"])
    return True


def auto_top_ups_due() -> list[int]:
    """Rules whose balance is below the line and whose period has passed."""
    now = timezone.now()
    period_over = Q()
    for period, length in PERIODS.items():
        period_over |= Q(period=period) & (
            Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lte=now - length)
        )
    due = AutoTopUp.objects.filter(
        period_over, enabled=True, account__balance__lt=F("threshold")
    ).exclude(account__status=AccountStatus.CLOSED)
    return list(due.order_by("pk").values_list("pk", flat=True))


def automatic_payments_unanswered() -> list:
    """Automatic charges the gateway has not answered yet, whatever became of their rule."""
    unanswered = OnlinePayment.objects.filter(automatic=True, status=PaymentStatus.CREATED)
    return list(unanswered.order_by("created_at").values_list("pk", flat=True))


def auto_top_up_charge(*, rule_id: int, provider: Provider) -> OnlinePayment | None:
    """Charge one rule's card if it is still due; the client gets an e-mail either way."""
    gateway = top_ups_open()
    if gateway is None:
        return None
    with transaction.atomic():
        rule = (
            AutoTopUp.objects.select_for_update(of=("self",))
            .select_related("account", "card")
            .filter(pk=rule_id, enabled=True)
            .first()
        )
        if rule is None or rule.card.gateway != gateway.kind:
            return None
        if OnlinePayment.objects.filter(
            account=rule.account, automatic=True, status=PaymentStatus.CREATED
        ).exists():
            return None  # the charge before is still unanswered; it is asked about first
        now = timezone.now()
        recent = rule.last_attempt_at and now - rule.last_attempt_at < PERIODS[rule.period]
        if recent or rule.account.balance >= rule.threshold:
            return None
        payment = OnlinePayment.objects.create(
            account=rule.account,
            user=rule.agreed_by,
            purpose=PaymentPurpose.TOP_UP,
            amount=rule.amount,
            currency=rule.currency,
            gateway=gateway.kind,
            automatic=True,
            card=rule.card,
        )
        rule.last_attempt_at = now
        rule.save(update_fields=["last_attempt_at"])
    return automatic_payment_charge(payment_id=payment.pk, provider=provider)


def automatic_payment_charge(*, payment_id, provider: Provider) -> OnlinePayment | None:
    """Ask the gateway to take an automatic charge (again, under the same key, if it did not
    answer before) and record its answer; None when another worker is asking right now or the
    charge is already answered. The client gets an e-mail once it is settled."""
    with transaction.atomic():
        payment = (
            OnlinePayment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("account", "card", "user")
            .filter(pk=payment_id, automatic=True, status=PaymentStatus.CREATED)
            .first()
        )
        if payment is None:
            return None
        gateway = payment_gateway_for(payment.gateway)
        if gateway is None or payment.card is None:
            logger.error("automatic top-up %s: its gateway or card is gone", payment.pk)
            return None
        description = _("Automatic top-up of account %(number)s") % {
            "number": payment.account.number
        }
        try:
            outcome = gateway_client(gateway).charge_saved(
                payment, card=payment.card, description=description
            )
        except ConnectorError as error:
            if error.retryable:
                logger.warning("automatic top-up %s waits for the gateway: %s", payment.pk, error)
                return payment  # asked again next time, under the same key
            logger.warning("automatic top-up %s refused: %s", payment.pk, error)
            outcome = Outcome(PaymentStatus.CANCELED, reason="gateway_refused")
        payment.refresh_from_db(fields=["status"])
        if payment.status != PaymentStatus.CREATED:
            return None  # answered meanwhile, in this very transaction
        payment.gateway_payment_id = outcome.charge_ref
        payment.status = PaymentStatus.PENDING
        payment.save(update_fields=["gateway_payment_id", "status", "updated_at"])
        payment_take_outcome(payment, outcome)
    if payment.status != PaymentStatus.PENDING:
        _tell_client(payment, provider)
    return payment


def _tell_client(payment: OnlinePayment, provider: Provider) -> None:
    """The result goes to whoever agreed to the charge, or the account's owners."""
    agreed_by = payment.user
    recipients = [agreed_by.email] if agreed_by and agreed_by.email else []
    if not recipients:
        recipients = list(
            AccountAccess.objects.filter(account=payment.account, role=AccessRole.OWNER)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    if not recipients:
        return
    rule = AutoTopUp.objects.filter(account=payment.account).first()
    language = getattr(agreed_by, "language", "") or provider.language
    context = {
        "payment": payment,
        "rule": rule,
        "provider": provider,
        "account": payment.account,
        "brand": live_look(),
    }
    with translation.override(language):
        subject = (
            _("Your balance was topped up automatically")
            if payment.status == PaymentStatus.SUCCEEDED
            else _("Automatic top-up failed")
        )
        body = render_to_string("cabinet/email/auto_top_up.txt", context)
    send_mail(subject, body, None, recipients)
