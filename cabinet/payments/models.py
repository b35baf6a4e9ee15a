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
