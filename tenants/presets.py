"""Industry presets: what the onboarding questionnaire's "industry" answer fills in by default."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    ISP = "isp", _("Internet provider")
    TELECOM = "telecom", _("Telecom operator")
    HOSTING = "hosting", _("Hosting company")
    UTILITIES = "utilities", _("Utilities")
    SAAS = "saas", _("SaaS vendor")


class Module(models.TextChoices):
    """Parts of the cabinet a provider switches on one by one (staged launch)."""

    CATALOG = "catalog", _("Service catalog")
    SELF_SERVICE = "self_service", _("Service changes by clients")
    USAGE = "usage", _("Consumption")
    DOCUMENTS = "documents", _("Documents")
    PAYMENTS = "payments", _("Payments")
    NOTIFICATIONS = "notifications", _("E-mail notifications")
    REPORTS = "reports", _("Reports")
    MARKETING = "marketing", _("Marketing and loyalty")


@dataclass(frozen=True)
class Metric:
    code: str
    unit: str


@dataclass(frozen=True)
class IndustryPreset:
    modules: tuple[str, ...]
    metrics: tuple[Metric, ...]


PRESETS: dict[str, IndustryPreset] = {
    Industry.ISP: IndustryPreset(
        modules=(Module.CATALOG, Module.SELF_SERVICE, Module.USAGE, Module.DOCUMENTS),
        metrics=(Metric("traffic", "GB"), Metric("session_time", "h")),
    ),
    Industry.TELECOM: IndustryPreset(
        modules=(Module.CATALOG, Module.SELF_SERVICE, Module.USAGE, Module.DOCUMENTS),
        metrics=(Metric("call_time", "min"), Metric("sms", "pcs"), Metric("traffic", "GB")),
    ),
    Industry.HOSTING: IndustryPreset(
        modules=(Module.CATALOG, Module.SELF_SERVICE, Module.USAGE, Module.DOCUMENTS),
        metrics=(Metric("cpu_time", "h"), Metric("storage", "GB"), Metric("traffic", "GB")),
    ),
    Industry.UTILITIES: IndustryPreset(
        modules=(Module.USAGE, Module.DOCUMENTS),
        metrics=(Metric("electricity", "kWh"), Metric("water", "m3"), Metric("heat", "Gcal")),
    ),
    Industry.SAAS: IndustryPreset(
        modules=(Module.CATALOG, Module.SELF_SERVICE, Module.DOCUMENTS),
        metrics=(Metric("seats", "pcs"), Metric("api_calls", "pcs")),
    ),
}
