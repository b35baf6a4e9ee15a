from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context
from slugify import slugify

from tenants.errors import ProvisioningError
from tenants.hosts import canonical_host, is_public_domain_name
from tenants.links import provider_url
from tenants.migration_state import schema_exists
from tenants.models import (
    RESERVED_SLUGS,
    AccessMode,
    Domain,
    Provider,
    ProviderStatus,
    Reseller,
    ResellerMembership,
    is_valid_schema_name,
)
from tenants.presets import PRESETS
from tenants.schema_copy import apply_copy_plan
from tenants.template_schema import template_copy_plan, template_ensure_current
from tenants.users.models import Role, User
from tenants.users.services import invitation_create, user_create


@dataclass(frozen=True)
class ProvisionedProvider:
    provider: Provider
    admin: User
    invitation_url: str


def schema_name_for_slug(slug: str) -> str:
    return "p_" + slug.replace("-", "_")


def provider_create(
    *,
    name: str,
    admin_email: str,
    industry: str,
    client_kinds: list[str],
    language: str,
    time_zone: str,
    currency: str,
    slug: str = "",
    domain: str = "",
    admin_name: str = "",
    reseller: Reseller | None = None,
    modules: list[str] | None = None,
    data_mode: str = "mirror",
    brand_mode: str = "site",
    access_modes: list[str] | None = None,
    status: str = ProviderStatus.ONBOARDING,
) -> ProvisionedProvider:
    """Create a provider: its row, primary domain, schema (a copy of the migrated template) and
    first administrator with a one-time invitation link.

    All of it happens in one transaction: on any error nothing is left behind, and the error
    says which answer was wrong (ProvisioningError).
    """
    with schema_context(get_public_schema_name()):
        return _provider_create(
            name=name,
            admin_email=admin_email,
            admin_name=admin_name,
            slug=slug,
            domain=domain,
            provider_fields={
                "reseller": reseller,
                "industry": industry,
                "client_kinds": list(client_kinds),
                "modules": list(modules) if modules is not None else _preset_modules(industry),
                "data_mode": data_mode,
                "brand_mode": brand_mode,
                "access_modes": list(access_modes or [AccessMode.INVITATION]),
                "language": language,
                "time_zone": time_zone,
                "currency": currency,
                "status": status,
            },
        )


def _provider_create(
    *, name: str, admin_email: str, admin_name: str, slug: str, domain: str, provider_fields: dict
) -> ProvisionedProvider:
    slug = slug or slugify(name, max_length=40).strip("-")
    provider = Provider(
        name=name.strip(), slug=slug, schema_name=schema_name_for_slug(slug), **provider_fields
    )
    host = (
        canonical_host(domain)
        if domain
        else canonical_host(f"{slug}.{settings.PROVIDER_BASE_DOMAIN}")
    )
    _validate_new_provider(provider, domain, host, admin_email, admin_name)

    template_ensure_current()
    with transaction.atomic():
        try:
            provider.save()
        except (IntegrityError, ValidationError) as error:
            # Another provisioning took the slug between validation and now.
            raise ProvisioningError(
                {"slug": [_("This address was just taken; choose another.")]}
            ) from error
        try:
            Domain.objects.create(tenant=provider, domain=host, is_primary=True)
        except IntegrityError as error:
            raise ProvisioningError(
                {"domain": [_("This domain was just taken; choose another.")]}
            ) from error
        apply_copy_plan(template_copy_plan(), provider.schema_name)
        with schema_context(provider.schema_name):
            admin = user_create(
                email=admin_email,
                full_name=admin_name,
                role=Role.PROVIDER_ADMIN,
                brand_owner=True,
            )
            token = invitation_create(user=admin)[1]
    return ProvisionedProvider(provider, admin, provider_url(provider, f"/invite/{token}/"))


def _preset_modules(industry: str) -> list[str]:
    preset = PRESETS.get(industry)
    return list(preset.modules) if preset else []


def _validate_new_provider(
    provider: Provider, domain: str, host: str | None, admin_email: str, admin_name: str
) -> None:
    errors: dict[str, list[str]] = {}
    try:
        provider.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    # The schema name is made from the slug; report its problems as the slug's.
    schema_errors = errors.pop("schema_name", [])
    if not provider.slug:
        errors["slug"] = [_("No address can be made from this name; give one in Latin letters.")]
    elif provider.slug in RESERVED_SLUGS:
        errors.setdefault("slug", []).append(_("This address is reserved; choose another."))
    elif "slug" not in errors and (schema_errors or not is_valid_schema_name(provider.schema_name)):
        errors["slug"] = [_("This address cannot be used; choose another.")]
    elif "slug" not in errors and schema_exists(provider.schema_name):
        errors["slug"] = [
            _("Data of a removed provider is still kept under this address; choose another.")
        ]
    if domain or "slug" not in errors:
        domain_error = _domain_error(domain, host)
        if domain_error:
            errors["domain"] = [domain_error]
    try:
        User(email=admin_email, full_name=admin_name, role=Role.PROVIDER_ADMIN).clean_fields(
            exclude=["password", "language", "role"]
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors[{"email": "admin_email", "full_name": "admin_name"}[field]] = messages
    if errors:
        raise ProvisioningError(errors)


def _domain_error(domain: str, host: str | None) -> str:
    if host is None or not is_public_domain_name(host):
        return _("%(domain)s cannot be a portal's domain; enter a name such as lk.example.com.") % {
            "domain": domain or host
        }
    first_label, _dot, rest = host.partition(".")
    if host == settings.PLATFORM_DOMAIN or (
        rest == settings.PROVIDER_BASE_DOMAIN and first_label in RESERVED_SLUGS
    ):
        return _("This domain is reserved for the platform.")
    if Domain.objects.filter(domain=host).exists():
        return _("This domain is already in use.")
    return ""


@transaction.atomic
def reseller_create(*, name: str, slug: str = "") -> Reseller:
    reseller = Reseller(name=name.strip(), slug=slug or slugify(name, max_length=40))
    reseller.full_clean()
    reseller.save()
    return reseller


@transaction.atomic
def platform_user_create(
    *,
    email: str,
    role: Role,
    full_name: str = "",
    password: str | None = None,
    reseller: Reseller | None = None,
) -> User:
    """A user of the platform domain: an operator, or a member of a reseller's staff."""
    if role == Role.RESELLER and reseller is None:
        raise ValidationError({"reseller": _("Reseller staff must belong to a reseller.")})
    if role not in (Role.OPERATOR, Role.RESELLER):
        raise ValidationError({"role": _("Platform users are operators or reseller staff.")})
    with schema_context(get_public_schema_name()):
        user = user_create(email=email, role=role, full_name=full_name, password=password)
        if reseller is not None:
            ResellerMembership.objects.create(user=user, reseller=reseller)
    return user
