from django.db import models
from django.utils.translation import gettext_lazy as _

from cabinet.accounts.models import ClientAccount


class UsageRecord(models.Model):
    """One consumption record as its source wrote it (a RADIUS session, a call, a meter reading).

    `source_key` is unique: importing the same record twice changes nothing. `account_ref` is the
    source's name for the client (a login, a phone number, a meter id); `account` is filled in once
    that name is matched to an account.
    """

    # Every index here is paid for by every record ingested, so there are only the ones reads use:
    # the unique source key (a constraint, which needs no pattern-matching twin), the account's
    # records by time (which also serves the foreign key), and unmatched records by name.
    source_key = models.CharField(max_length=200)
    account_ref = models.CharField(max_length=128)
    account = models.ForeignKey(
        ClientAccount,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="usage",
        db_index=False,
    )
    metric = models.CharField(_("metric"), max_length=20)
    unit = models.CharField(_("unit"), max_length=10)
    direction = models.CharField(max_length=4, blank=True)
    quantity = models.DecimalField(max_digits=24, decimal_places=4)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    source_type = models.CharField(max_length=20)
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_key"], name="usage_usagerecord_source_key_uniq")
        ]
        indexes = [
            models.Index(fields=["account", "started_at"]),
            models.Index(
                fields=["account_ref"],
                condition=models.Q(account__isnull=True),
                name="usage_usagerecord_unmatched",
            ),
        ]

    def __str__(self) -> str:
        return self.source_key


class UsageDaily(models.Model):
    """Consumption per account, service, day (in the provider's time zone), metric, unit and
    direction. `subscription` is the service whose identifier (RADIUS login, phone number, meter
    id) the records named; it is empty for records that named the account itself."""

    # The unique constraint below starts with the account and serves its lookups.
    account = models.ForeignKey(
        ClientAccount, on_delete=models.CASCADE, related_name="usage_days", db_index=False
    )
    subscription = models.ForeignKey(
        "services.Subscription",
        # Services end rather than vanish; deleting one alone would merge its days into others'
        # (deleting the whole account takes its days with it).
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    day = models.DateField()
    metric = models.CharField(max_length=20)
    unit = models.CharField(max_length=10)
    direction = models.CharField(max_length=4, blank=True)
    quantity = models.DecimalField(max_digits=24, decimal_places=4)
    records = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "subscription", "day", "metric", "unit", "direction"],
                name="usage_usagedaily_one_row_per_service_day_and_metric",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.day} {self.metric} {self.quantity} {self.unit}"
