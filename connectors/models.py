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
