from django.db import models
from django.utils.translation import gettext_lazy as _

from cabinet.money import amount_field, currency_field


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    BLOCKED = "blocked", _("Blocked")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class HolderKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    LEGAL_ENTITY = "legal_entity", _("Legal entity")


class ClientAccount(models.Model):
    """A client's account (лицевой счёт) as the billing system knows it, mirrored.

    `external_id` is the billing system's key: syncing the same account again updates this row.
    """

    external_id = models.CharField(max_length=128, unique=True)
    number = models.CharField(_("contract number"), max_length=64, db_index=True)
    holder_kind = models.CharField(max_length=20, choices=HolderKind.choices)
    holder_name = models.CharField(_("holder"), max_length=300)
    inn = models.CharField("INN", max_length=12, blank=True)
    kpp = models.CharField("KPP", max_length=9, blank=True)
    ogrn = models.CharField("OGRN", max_length=15, blank=True)
    legal_address = models.CharField(_("legal address"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=AccountStatus.choices)
    balance = amount_field(_("balance"))
    currency = currency_field()
    balance_as_of = models.DateTimeField(_("balance as of"))
    credit_limit = amount_field(_("credit limit"))
    recommended_payment = amount_field(_("recommended payment"), null=True, blank=True)
    source_updated_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.holder_name}"


class Notice(models.Model):
    """Something the client should learn on the next visit, e.g. that the office changed a tariff.

    Kinds are stable codes; `data` holds what the message needs (before and after, amounts).
    """

    account = models.ForeignKey(ClientAccount, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.account_id}"
