import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cabinet.accounts.models import ClientAccount


class SyncStream(models.TextChoices):
    ACCOUNTS = "accounts", _("Accounts")
    PLANS = "plans", _("Plans")
    USAGE = "usage", _("Usage")
    EVENTS = "events", _("Change events")
    RECONCILIATION = "reconciliation", _("Nightly reconciliation")


class SyncState(models.Model):
    """Where each pull from the billing system stopped, and how the last attempt went."""

    stream = models.CharField(max_length=20, choices=SyncStream.choices, unique=True)
    cursor = models.CharField(max_length=500, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.stream


class OutboxKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    CHANGE_PLAN = "change_plan", _("Tariff change")
    SUSPEND = "suspend", _("Suspension")
    RESUME = "resume", _("Resumption")
    END = "end", _("Switching off")
    ORDER = "order", _("New service")
    PROMISED_PAYMENT = "promised_payment", _("Promised payment")
    REFUND = "refund", _("Refund")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the billing system")
    DELIVERED = "delivered", _("Confirmed by the billing system")
    REJECTED = "rejected", _("Refused by the billing system")


class OutboxMessage(models.Model):
    """A write to the billing system, recorded before anything is sent.

    A task delivers it with retries; the idempotency key never changes, so a retry after a lost
    answer cannot apply it twice. Messages of one account go out in the order they were made.
    """

    kind = models.CharField(max_length=20, choices=OutboxKind.choices)
    account = models.ForeignKey(ClientAccount, on_delete=models.CASCADE, related_name="outbox")
    target_id = models.CharField(max_length=128)
    payload = models.JSONField()
    idempotency_key = models.CharField(max_length=64, unique=True, default=uuid.uuid4)
    status = models.CharField(
        max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key} {self.status}"


class InboundEvent(models.Model):
    """A change event the billing system pushed; kept to recognise replays and duplicates."""

    event_id = models.CharField(max_length=128, unique=True)
    type = models.CharField(max_length=60)
    resource_type = models.CharField(max_length=30)
    resource_id = models.CharField(max_length=128)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    REFUSED = "refused", _("Refused: nothing imported")
    FAILED = "failed", _("Failed: nothing imported")


class ExchangeImport(models.Model):
    """Exchange files uploaded by provider staff, imported in the background.

    The files wait in the provider's own media folder until a worker has imported them (all or
    nothing); then they are deleted and the outcome stays: counts, or the refused rows.
    """

    FINISHED = (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    format_name = models.CharField(max_length=40)
    file_names = models.JSONField(default=list)
    stored_paths = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    received = models.PositiveBigIntegerField(default=0)
    inserted = models.PositiveBigIntegerField(default=0)
    unmatched = models.PositiveBigIntegerField(default=0)
    accounts = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    errors_truncated = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.format_name} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED
