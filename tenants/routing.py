"""Which provider a host name leads to, remembered in the process for a few seconds.

Looking the host up costs a query and two `SET search_path` round trips on every request; most
requests of a process go to the same few providers. An answer is kept for
ROUTING_CACHE_SECONDS: a change saved in this process (a provider suspended, a domain added)
is seen at once, other processes see it when their answer expires.
"""

import copy
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tenants.db import tenant_connection
from tenants.models import Domain, Provider


@dataclass(frozen=True)
class Route:
    provider: Provider
    schema_present: bool
    expires_at: float
    primary: str = ""  # the provider's primary domain, where its other custom domains lead


_routes: dict[str, Route] = {}


def route_for_host(host: str) -> Route | None:
    """The provider serving `host` (canonical form), or None for a host no provider has."""
    now = time.monotonic()
    route = _routes.get(host) if settings.ROUTING_CACHE_SECONDS > 0 else None
    if route is not None and route.expires_at > now:
        return route
    tenant_connection().set_schema_to_public()
    primary = Domain.objects.filter(tenant=OuterRef("tenant"), is_primary=True).values("domain")
    domain = (
        Domain.objects.select_related("tenant")
        .with_schema_presence()
        .annotate(primary=Subquery(primary[:1]))
        .filter(domain=host)
        .first()
    )
    if domain is None:
        _routes.pop(host, None)
        return None
    route = Route(
        domain.tenant,
        domain.schema_present,
        now + settings.ROUTING_CACHE_SECONDS,
        domain.primary or host,
    )
    if settings.ROUTING_CACHE_SECONDS > 0:
        _routes[host] = route
    return route


def routes_forget() -> None:
    """Look every host up again on its next request (in this process)."""
    _routes.clear()


@receiver(post_save, sender=Provider)
@receiver(post_delete, sender=Provider)
@receiver(post_save, sender=Domain)
@receiver(post_delete, sender=Domain)
def _forget_on_change(**kwargs: object) -> None:
    routes_forget()
    # A request served before the change commits may remember the old answer again.
    transaction.on_commit(routes_forget)


def provider_for_request(route: Route) -> Provider:
    """A copy of the remembered provider for one request, its lists and dicts included: a form
    bound to it may change fields it does not save, and that must not reach the next request."""
    provider = copy.copy(route.provider)
    for name, value in vars(provider).items():
        if isinstance(value, list | dict):
            setattr(provider, name, copy.deepcopy(value))
    return provider


def enter_provider_schema(provider: Provider) -> None:
    """Point the connection at the provider's schema; keep the path already set for it, since
    django-tenants forgets a set path on close, rollback and savepoint rollback."""
    connection = tenant_connection()
    if connection.schema_name == provider.schema_name and connection.search_path_set_schemas:
        connection.tenant = provider
        return
    connection.set_tenant(provider)
