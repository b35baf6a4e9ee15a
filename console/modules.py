"""Staged launch: a provider switches the cabinet's parts on one at a time, each only once what
it needs is in place, and follows a checklist of what is left before go-live."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from branding.legal import legal_current
from branding.models import BrandVersion
from cabinet.accounts.models import AccountAccess
from cabinet.catalog.models import Plan
from cabinet.sync.models import SyncState
from connectors.gateway_settings import payment_gateway_get
from connectors.models import BillingConnection, GatewayKind
from tenants.models import Provider
from tenants.presets import Module

# Parts Kabinet does not have yet: they cannot be switched on.
NOT_BUILT = frozenset({Module.NOTIFICATIONS, Module.REPORTS, Module.MARKETING})


@dataclass(frozen=True)
class Step:
    label: str
    done: bool


def module_missing(module: str) -> list[str]:
    """What the current provider lacks for `module` to work; empty when it can go on."""
    if module in NOT_BUILT:
        return [_("This part is not available yet.")]
    missing = []
    billing = BillingConnection.objects.exists()
    if not billing and module != Module.PAYMENTS:
        missing.append(_("Connect the billing system."))
    if module in (Module.CATALOG, Module.SELF_SERVICE) and not Plan.objects.exists():
        missing.append(_("The billing system has given no tariffs yet: run a sync."))
    if module == Module.PAYMENTS and payment_gateway_get().kind == GatewayKind.NONE:
        missing.append(_("Set up the payment gateway."))
    return missing


def golive_checklist(provider: Provider) -> list[Step]:
    """What a provider's clients need before the cabinet is announced to them."""
    steps = [
        Step(_("The billing system is connected"), BillingConnection.objects.exists()),
        Step(
            _("Client data has been synced"),
            SyncState.objects.filter(last_success_at__isnull=False).exists(),
        ),
        Step(_("The brand is published"), BrandVersion.objects.filter(number__gt=1).exists()),
        Step(_("The terms and the privacy policy are published"), _legal_published()),
        Step(_("At least one client can log in"), AccountAccess.objects.exists()),
    ]
    if Module.PAYMENTS in provider.modules:
        steps.append(
            Step(
                _("The payment gateway is set up"),
                payment_gateway_get().kind != GatewayKind.NONE,
            )
        )
    return steps


def _legal_published() -> bool:
    current = legal_current()
    return "terms" in current and "privacy" in current


def module_switch(*, provider: Provider, module: str, on: bool) -> list[str]:
    """Switch a part on (only when nothing is missing) or off; what is missing, if anything."""
    if module not in Module.values:
        return [_("There is no such part.")]
    missing = module_missing(module) if on else []
    if missing:
        return missing
    enabled = set(provider.modules)
    enabled = enabled | {module} if on else enabled - {module}
    Provider.objects.filter(pk=provider.pk).update(modules=sorted(enabled))
    provider.modules = sorted(enabled)
    return []
