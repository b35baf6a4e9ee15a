from django.conf import settings
from django.db import models
from django.utils import timezone
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
    # A promised payment running now: credited by the billing system, taken back at `until`.
    promised_amount = amount_field(_("promised payment"), null=True, blank=True)
    promised_until = models.DateTimeField(_("promised payment until"), null=True, blank=True)
    source_updated_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.holder_name}"

    @property
    def promise_running(self) -> bool:
        return (
            self.promised_amount is not None
            and self.promised_until is not None
            and self.promised_until > timezone.now()
        )


# Notice kinds.
NOTICE_PLAN_CHANGED_ELSEWHERE = "plan_changed_elsewhere"
NOTICE_ALERT = "alert"


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


class AccessRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    ACCOUNTANT = "accountant", _("Accountant")
    TECHNICIAN = "technician", _("Technician")


class Capability(models.TextChoices):
    MONEY = "money", _("balance, documents and payments")
    SERVICES = "services", _("services and usage")


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    AccessRole.OWNER: frozenset({Capability.MONEY, Capability.SERVICES}),
    AccessRole.ACCOUNTANT: frozenset({Capability.MONEY}),
    AccessRole.TECHNICIAN: frozenset({Capability.SERVICES}),
}


class AccountAccess(models.Model):
    """A user's way into a client account, and what the user may do there.

    An individual owns its account; a legal entity's account may have several users: the owner,
    an accountant (balance, documents, payments) and a technician (services, usage). One user may
    reach several accounts.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_accesses"
    )
    account = models.ForeignKey(ClientAccount, on_delete=models.CASCADE, related_name="accesses")
    role = models.CharField(_("role"), max_length=12, choices=AccessRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account__number"]
        constraints = [
            models.UniqueConstraint(fields=["user", "account"], name="accounts_one_access_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} {self.account_id}"

    def can(self, capability: str) -> bool:
        return capability in ROLE_CAPABILITIES[self.role]

    @property
    def can_money(self) -> bool:
        return self.can(Capability.MONEY)

    @property
    def can_services(self) -> bool:
        return self.can(Capability.SERVICES)


class RegistrationCode(models.Model):
    """A one-time code sent to the e-mail billing has for an account: whoever types it back
    holds that contact, and may register as the account's owner. Only a keyed hash is kept."""

    account = models.ForeignKey(ClientAccount, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    sent_to = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "created_at"])]

    def __str__(self) -> str:
        return f"code for {self.account_id}"


class AlertKind(models.TextChoices):
    BALANCE_BELOW = "balance_below", _("Balance falls below")
    USAGE_ABOVE = "usage_above", _("This month's usage goes above")


class ClientAlert(models.Model):
    """A threshold a client set for itself; crossing it leaves a notice (and, once e-mail
    notifications exist, an e-mail), at most once a month per alert."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(ClientAccount, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("when"), max_length=16, choices=AlertKind.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=24, decimal_places=4)
    # usage_above: which series (metric:direction:unit) and the unit the threshold is in.
    series = models.CharField(max_length=64, blank=True)
    unit = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    fired_for = models.CharField(max_length=7, blank=True)  # YYYY-MM of the last notice

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.threshold} on {self.account_id}"
