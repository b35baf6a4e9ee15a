from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cabinet.accounts.models import HolderKind
from cabinet.catalog.models import Plan


class AnnouncementKind(models.TextChoices):
    PLANNED_WORKS = "planned_works", _("Planned works")
    OUTAGE = "outage", _("Outage")
    NEWS = "news", _("News")


class Announcement(models.Model):
    """What the provider tells its clients on their home page: planned works, an outage, news.

    Shown from `starts_at` until `ends_at` (if set), to every client or to a segment: one kind of
    client, or the clients with a service on one plan.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=AnnouncementKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=4000, blank=True)
    starts_at = models.DateTimeField(_("show from"))
    ends_at = models.DateTimeField(_("show until"), null=True, blank=True)
    audience_holder_kind = models.CharField(
        _("only for"),
        max_length=20,
        choices=HolderKind.choices,
        blank=True,
        help_text=_("Leave empty for every client."),
    )
    audience_plan = models.ForeignKey(
        Plan,
        verbose_name=_("only for clients with the plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]

    def __str__(self) -> str:
        return self.title
