from django.db import models
from django.utils.translation import gettext_lazy as _

from cabinet.money import amount_field, currency_field


class Plan(models.Model):
    """A tariff or service of the provider's catalog, as the billing system knows it."""

    external_id = models.CharField(max_length=128, unique=True)
    code = models.CharField(max_length=64, blank=True)
    name = models.CharField(_("name"), max_length=200)
    service_type = models.CharField(_("service type"), max_length=20)
    recurring_price = amount_field(_("price"), null=True, blank=True)
    currency = currency_field()
    period = models.CharField(_("period"), max_length=10, blank=True)
    unit_rates = models.JSONField(default=list, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    self_service = models.BooleanField(_("clients may switch to it"), default=False)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlanShowcase(models.Model):
    """What the catalog shows of a plan beyond what billing knows: the provider's own words and
    picture, kept in Kabinet (a sync of the plan leaves them alone)."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="showcase")
    description = models.TextField(_("description"), max_length=4000, blank=True)
    picture = models.FileField(_("picture"), upload_to="catalog/", blank=True)
    hidden = models.BooleanField(_("hide from the catalog"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    def __str__(self) -> str:
        return f"showcase of {self.plan_id}"
