from django.db import models
from django.utils.translation import gettext_lazy as _

from cabinet.accounts.models import ClientAccount
from cabinet.catalog.models import Plan


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    PENDING = "pending", _("Pending")
    ENDED = "ended", _("Ended")


class Subscription(models.Model):
    """A service on a client's account (a plan, its status, a change scheduled in the billing)."""

    external_id = models.CharField(max_length=128, unique=True)
    account = models.ForeignKey(
        ClientAccount, on_delete=models.CASCADE, related_name="subscriptions"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(_("status"), max_length=12, choices=SubscriptionStatus.choices)
    started_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    # How the outside world names this service: RADIUS login, IP, phone number, meter id.
    identifiers = models.JSONField(default=dict, blank=True)
    scheduled_plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scheduled_at = models.DateTimeField(null=True, blank=True)
    # A voluntary block's end, when the client gave one.
    suspended_until = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account", "started_at"]
        indexes = [models.Index(fields=["account", "status"])]

    def __str__(self) -> str:
        return f"{self.account.number}: {self.plan}"
