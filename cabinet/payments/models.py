import uuid

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
    gateway_payment_id = models.CharField(max_length=64, blank=True, db_index=True)
    confirmation_url = models.URLField(max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.CREATED
    )
    cancellation_reason = models.CharField(max_length=100, blank=True)
    posted_to_billing = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.status}"
