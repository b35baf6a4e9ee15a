import re
import zoneinfo

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from tenants.hosts import canonical_host, display_host
from tenants.presets import Industry, Module

# A DNS label; no "--", which IDNA reserves (an "xn--" label would be a look-alike Unicode name).
SLUG_PATTERN = r"^(?!.*--)[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$"
slug_validator = RegexValidator(
    SLUG_PATTERN,
    _("Use 1–40 lower-case Latin letters, digits and single hyphens; no hyphen at either end."),
)
RESERVED_SLUGS = frozenset({"www", "api", "admin", "static", "media", "mail", "platform"})


def validate_time_zone(value: str) -> None:
    # "localtime" means whatever the server uses and "Factory" is no place: neither is a zone.
    if value not in zoneinfo.available_timezones() or value in ("Factory", "localtime"):
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Reseller(models.Model):
    """A partner that onboards providers; it sees only the providers it brought."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=40, unique=True, validators=[slug_validator])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ResellerMembership(models.Model):
    """Links a platform user to the reseller whose staff they are."""

    user = models.OneToOneField(
        "users.User", on_delete=models.CASCADE, related_name="reseller_membership"
    )
    reseller = models.ForeignKey(Reseller, on_delete=models.CASCADE, related_name="memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.reseller}"


class ClientKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individuals")
    LEGAL_ENTITY = "legal_entity", _("Legal entities")


class DataMode(models.TextChoices):
    MIRROR = "mirror", _("Mirror: keep a synced copy")
    LIVE = "live", _("Live: read through to the billing system")


class BrandMode(models.TextChoices):
    SITE = "site", _("Like the company site: palette derived from base colours")
    STRICT = "strict", _("Strict brandbook: exact tokens, locked")


class Language(models.TextChoices):
    RUSSIAN = "ru", "Русский"
    ENGLISH = "en", "English"


class Currency(models.TextChoices):
    RUB = "RUB", _("Russian rouble")
    EUR = "EUR", _("Euro")
    USD = "USD", _("US dollar")
    GBP = "GBP", _("Pound sterling")
    KZT = "KZT", _("Kazakhstani tenge")
    BYN = "BYN", _("Belarusian rouble")


class AccessMode(models.TextChoices):
    """How clients get their login (the questionnaire's "how access is issued")."""

    INVITATION = "invitation", _("Invitation by the provider's staff")
    SELF_REGISTRATION = (
        "self_registration",
        _("Self-registration with the contract number and a one-time code"),
    )


class ProviderStatus(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


def _default_access_modes() -> list[str]:
    return [AccessMode.INVITATION]


class Provider(TenantMixin):
    """A service provider: one tenant, one PostgreSQL schema, its own portal and settings.

    The fields are the answers of the onboarding questionnaire (docs/ARCHITECTURE.md).
    """

    # Schemas are made by tenants.provisioning from a migrated template, inside the same
    # transaction as this row; django-tenants' own creation on save() is not used.
    auto_create_schema = False
    auto_drop_schema = False

    name = models.CharField(_("name"), max_length=200)
    slug = models.CharField(_("slug"), max_length=40, unique=True, validators=[slug_validator])
    reseller = models.ForeignKey(
        Reseller, on_delete=models.PROTECT, null=True, blank=True, related_name="providers"
    )
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices)
    client_kinds = ArrayField(
        models.CharField(max_length=20, choices=ClientKind.choices), verbose_name=_("client kinds")
    )
    modules = ArrayField(
        models.CharField(max_length=20, choices=Module.choices),
        default=list,
        blank=True,
        verbose_name=_("enabled modules"),
    )
    data_mode = models.CharField(
        _("data mode"), max_length=10, choices=DataMode.choices, default=DataMode.MIRROR
    )
    access_modes = ArrayField(
        models.CharField(max_length=20, choices=AccessMode.choices),
        default=_default_access_modes,
        verbose_name=_("how clients get access"),
    )
    brand_mode = models.CharField(
        _("brand mode"), max_length=10, choices=BrandMode.choices, default=BrandMode.SITE
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProviderStatus.choices,
        default=ProviderStatus.ONBOARDING,
    )
    # Set by `migrate_providers` when this provider's schema failed to migrate; such a provider
    # is not served until a later run succeeds.
    migration_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(client_kinds__len__gt=0), name="tenants_provider_has_client_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def client_kind_labels(self) -> list[str]:
        return [str(ClientKind(kind).label) for kind in self.client_kinds]

    @property
    def module_labels(self) -> list[str]:
        return [str(Module(module).label) for module in self.modules]

    @property
    def is_served(self) -> bool:
        return self.status != ProviderStatus.SUSPENDED and not self.migration_error


def schema_present() -> RawSQL:
    """Whether the provider's schema exists. A provider row without its schema must not be served
    or run tasks: the search_path would quietly fall through to the public schema's tables."""
    return RawSQL(
        "EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = tenants_provider.schema_name)",
        [],
        output_field=models.BooleanField(),
    )


class DomainQuerySet(models.QuerySet["Domain"]):
    def with_schema_presence(self) -> "DomainQuerySet":
        return self.annotate(schema_present=schema_present())


class Domain(DomainMixin):
    """A host name a provider's portal answers on, stored in canonical form (tenants.hosts)."""

    objects = DomainQuerySet.as_manager()

    class Meta:
        ordering = ["-is_primary", "domain"]

    @property
    def display_name(self) -> str:
        return display_host(self.domain)

    def clean(self) -> None:
        if canonical_host(self.domain) != self.domain:
            raise ValidationError({"domain": _("Enter a domain name such as cabinet.example.com.")})

    def __str__(self) -> str:
        return self.domain


class DomainClaim(models.Model):
    """A host a provider says is its own, waiting for the DNS record that proves it
    (tenants.domains). It leads nowhere until then."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="domain_claims")
    domain = models.CharField(_("domain"), max_length=253)
    token = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "domain"], name="tenants_claim_once")
        ]

    def __str__(self) -> str:
        return self.domain

    @property
    def display_name(self) -> str:
        return display_host(self.domain)


def is_valid_schema_name(name: str) -> bool:
    return bool(re.fullmatch(r"[a-z][a-z0-9_]{0,62}", name)) and not name.startswith("pg_")
