from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from connectors.secrets import EncryptedJSONField


class BillingKind(models.TextChoices):
    SIMULATOR = "simulator", _("Kabinet's billing simulator")
    REST = "rest", _("Generic REST contract")
    FILES = "files", _("File exchange")


class BillingConnection(models.Model):
    """How this provider's billing system is reached. One row per provider schema.

    `credentials` (the bearer token, the event-signing secret) are encrypted at rest and never
    shown back; `options` holds the connector's field options (e.g. which identifier names a
    RADIUS login).
    """

    singleton = models.BooleanField(default=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=BillingKind.choices)
    base_url = models.URLField(_("base URL"), blank=True)
    credentials = EncryptedJSONField(default=dict, blank=True)
    options = models.JSONField(default=dict, blank=True)
    sync_interval_minutes = models.PositiveIntegerField(
        _("sync every (minutes)"), default=15, validators=[MinValueValidator(1)]
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["singleton"], name="connectors_one_billing_connection"),
            models.CheckConstraint(
                condition=Q(singleton=True), name="connectors_billing_connection_singleton"
            ),
        ]

    def __str__(self) -> str:
        # Never the credentials.
        return f"{self.kind} {self.base_url}".strip()


class GatewayKind(models.TextChoices):
    NONE = "none", _("No online payments")
    YOOKASSA = "yookassa", "YooKassa"
    STRIPE = "stripe", "Stripe"


class GatewayMode(models.TextChoices):
    TEST = "test", _("Test: no real money")
    LIVE = "live", _("Live")


class PaymentPurpose(models.TextChoices):
    TOP_UP = "top_up", _("Top-ups of the balance")
    INVOICE = "invoice", _("Invoices")


class TaxSystem(models.IntegerChoices):
    """YooKassa's tax_system_code (54-FZ receipts)."""

    OSN = 1, _("General (ОСН)")
    USN_INCOME = 2, _("Simplified, income (УСН доходы)")
    USN_INCOME_OUTCOME = 3, _("Simplified, income minus expenses (УСН доходы − расходы)")
    ENVD = 4, _("Imputed income (ЕНВД)")
    ESN = 5, _("Agricultural tax (ЕСХН)")
    PATENT = 6, _("Patent (ПСН)")


class VatCode(models.IntegerChoices):
    """YooKassa's vat_code; 22% is the general rate from 1 January 2026."""

    NO_VAT = 1, _("No VAT")
    VAT_0 = 2, "0%"
    VAT_10 = 3, "10%"
    VAT_20 = 4, "20%"
    VAT_10_110 = 5, "10/110"
    VAT_20_120 = 6, "20/120"
    VAT_5 = 7, "5%"
    VAT_7 = 8, "7%"
    VAT_5_105 = 9, "5/105"
    VAT_7_107 = 10, "7/107"
    VAT_22 = 11, "22%"
    VAT_22_122 = 12, "22/122"


class PaymentSubject(models.TextChoices):
    SERVICE = "service", _("Service")
    COMMODITY = "commodity", _("Goods")
    PAYMENT = "payment", _("Payment")
    ANOTHER = "another", _("Other")


class PaymentMode(models.TextChoices):
    FULL_PREPAYMENT = "full_prepayment", _("Full prepayment")
    ADVANCE = "advance", _("Advance")
    FULL_PAYMENT = "full_payment", _("Full payment")


class ReceiptContact(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")


class PaymentGateway(models.Model):
    """The provider's own payment gateway account. One row per provider schema.

    `credentials` are encrypted at rest and never shown back in full: YooKassa's shop_id and
    secret_key, Stripe's secret_key and webhook_secret. `former` keeps the settings of the kinds
    used before. The receipt settings are YooKassa's
    (54-FZ); `vat_codes` overrides the default VAT code per kind of service.
    """

    singleton = models.BooleanField(default=True, editable=False)
    kind = models.CharField(
        _("gateway"), max_length=10, choices=GatewayKind.choices, default=GatewayKind.NONE
    )
    mode = models.CharField(
        _("mode"), max_length=4, choices=GatewayMode.choices, default=GatewayMode.TEST
    )
    credentials = EncryptedJSONField(default=dict, blank=True)
    min_amount = models.DecimalField(_("smallest payment"), max_digits=14, decimal_places=2)
    max_amount = models.DecimalField(_("largest payment"), max_digits=14, decimal_places=2)
    purposes = ArrayField(models.CharField(max_length=10, choices=PaymentPurpose.choices))
    tax_system = models.PositiveSmallIntegerField(
        _("tax system"), choices=TaxSystem.choices, null=True, blank=True
    )
    vat_code = models.PositiveSmallIntegerField(
        _("VAT"), choices=VatCode.choices, null=True, blank=True
    )
    vat_codes = models.JSONField(default=dict, blank=True)
    payment_subject = models.CharField(
        _("payment subject"), max_length=10, choices=PaymentSubject.choices, blank=True
    )
    payment_mode = models.CharField(
        _("payment method"), max_length=20, choices=PaymentMode.choices, blank=True
    )
    receipt_contact = models.CharField(
        _("send receipts to"), max_length=5, choices=ReceiptContact.choices, blank=True
    )
    # The settings of every other gateway kind this provider used, by kind, encrypted as the
    # credentials are: payments made through it are still settled and refunded after a switch.
    former = EncryptedJSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["singleton"], name="connectors_one_payment_gateway"),
            models.CheckConstraint(
                condition=Q(singleton=True), name="connectors_payment_gateway_singleton"
            ),
            models.CheckConstraint(
                condition=Q(min_amount__gt=0) & Q(max_amount__gte=models.F("min_amount")),
                name="connectors_payment_gateway_amounts",
            ),
        ]

    def __str__(self) -> str:
        # Never the credentials.
        return f"{self.kind} ({self.mode})"
