import uuid
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from cabinet.accounts.models import ClientAccount
from cabinet.money import amount_field, currency_field


class BillingPayment(models.Model):
    """A payment as the billing system has posted it (from any channel: card, bank, office)."""

    external_id = models.CharField(max_length=128, unique=True)
    account = models.ForeignKey(
        ClientAccount, on_delete=models.CASCADE, related_name="billing_payments"
    )
    amount = amount_field(_("amount"))
    currency = currency_field()
    method = models.CharField(_("method"), max_length=20)
    status = models.CharField(_("status"), max_length=12)
    posted_at = models.DateTimeField(_("posted"))
    external_ref = models.CharField(max_length=200, blank=True)
    comment = models.CharField(max_length=500, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-posted_at"]
        indexes = [models.Index(fields=["account", "-posted_at"])]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.posted_at:%Y-%m-%d}"


class PaymentStatus(models.TextChoices):
    CREATED = "created", _("Being prepared")
    PENDING = "pending", _("Waiting for the payment")
    SUCCEEDED = "succeeded", _("Paid")
    CANCELED = "canceled", _("Not paid")


class OnlinePayment(models.Model):
    """A payment a client makes in the cabinet through the provider's gateway. Its id is the
    idempotency key at the gateway, so asking twice never charges twice; a succeeded one is
    posted to billing once, through the outbox."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(
        ClientAccount, on_delete=models.PROTECT, related_name="online_payments"
    )
    user = models.ForeignKey(
        "users.User", on_delete=models.SET_NULL, null=True, related_name="online_payments"
    )
    purpose = models.CharField(_("purpose"), max_length=10)
    # The invoice paid, when the purpose is an invoice.
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="online_payments",
    )
    amount = amount_field(_("amount"))
    currency = currency_field()
    gateway = models.CharField(max_length=10)
    # What the client confirms at the gateway: YooKassa's payment, Stripe's Checkout Session.
    gateway_payment_id = models.CharField(max_length=64, blank=True, db_index=True)
    # The money the gateway took, which refunds go against: YooKassa's payment, Stripe's
    # PaymentIntent.
    charge_ref = models.CharField(max_length=64, blank=True)
    confirmation_url = models.URLField(max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.CREATED
    )
    cancellation_reason = models.CharField(max_length=100, blank=True)
    posted_to_billing = models.BooleanField(default=False)
    # The client asked to keep the card for automatic top-ups.
    save_card = models.BooleanField(default=False)
    # The card this payment saved, or the saved card an automatic top-up charged.
    card = models.ForeignKey(
        "SavedCard", on_delete=models.SET_NULL, null=True, blank=True, related_name="payments"
    )
    automatic = models.BooleanField(default=False)
    refunded = amount_field(_("refunded"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.status}"

    @property
    def refundable(self) -> Decimal:
        """What is left to give back: refunds asked for count until the gateway refuses them."""
        if self.status != PaymentStatus.SUCCEEDED:
            return Decimal(0)
        return self.amount - self.refunded


class SavedCard(models.Model):
    """A card the client allowed the provider to charge again, kept as the gateway's token
    (never the card number)."""

    account = models.ForeignKey(ClientAccount, on_delete=models.CASCADE, related_name="saved_cards")
    user = models.ForeignKey("users.User", on_delete=models.SET_NULL, null=True)
    gateway = models.CharField(max_length=10)
    token = models.CharField(max_length=64)
    # Stripe's customer the card is attached to.
    customer = models.CharField(max_length=64, blank=True)
    title = models.CharField(_("card"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)
    # Removed by the client: never charged again, but kept so that a charge already under way
    # can still be asked about under its own key.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "gateway", "token"], name="payments_saved_card_once"
            )
        ]

    def __str__(self) -> str:
        return self.title


class AutoTopUpPeriod(models.TextChoices):
    DAY = "day", _("once a day at most")
    WEEK = "week", _("once a week at most")
    MONTH = "month", _("once a month at most")


class AutoTopUp(models.Model):
    """ "Top up by `amount` when the balance falls below `threshold`", charged to a saved card
    at most once per `period`, with the consent of the client who set it."""

    account = models.OneToOneField(
        ClientAccount, on_delete=models.CASCADE, related_name="auto_top_up"
    )
    card = models.ForeignKey(SavedCard, on_delete=models.CASCADE, related_name="auto_top_ups")
    threshold = amount_field(_("when the balance falls below"))
    amount = amount_field(_("top up by"))
    currency = currency_field()
    period = models.CharField(
        _("how often"), max_length=5, choices=AutoTopUpPeriod.choices, default=AutoTopUpPeriod.MONTH
    )
    enabled = models.BooleanField(default=True)
    agreed_by = models.ForeignKey("users.User", on_delete=models.SET_NULL, null=True)
    agreed_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.amount} below {self.threshold} {self.currency}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the payment service")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Refused")


class PaymentRefund(models.Model):
    """Money given back to the client by provider staff. Its id comes with the form, so
    pressing the button twice, or again after a timeout, refunds once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payment = models.ForeignKey(OnlinePayment, on_delete=models.PROTECT, related_name="refunds")
    amount = amount_field(_("amount"))
    currency = currency_field()
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(
        max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    gateway_refund_id = models.CharField(max_length=64, blank=True)
    failure = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey("users.User", on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.status}"
