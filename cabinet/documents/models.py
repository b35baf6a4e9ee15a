from django.db import models
from django.utils.translation import gettext_lazy as _

from cabinet.accounts.models import ClientAccount
from cabinet.money import amount_field, currency_field


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    ACT = "act", _("Act")
    UPD = "upd", _("Universal transfer document")
    RECEIPT = "receipt", _("Receipt")
    CONTRACT = "contract", _("Contract")
    STATEMENT = "statement", _("Statement")


class Document(models.Model):
    external_id = models.CharField(max_length=128, unique=True)
    account = models.ForeignKey(ClientAccount, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    number = models.CharField(_("number"), max_length=64)
    issued_at = models.DateTimeField(_("issued"))
    period_from = models.DateTimeField(null=True, blank=True)
    period_to = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=16)
    total = amount_field(_("total"))
    vat = amount_field(_("VAT"), null=True, blank=True)
    currency = currency_field()
    # Stored under the provider's own media folder; fetched from the billing system on demand.
    file = models.FileField(upload_to="documents/", blank=True)
    file_formats = models.JSONField(default=list, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["account", "-issued_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"
