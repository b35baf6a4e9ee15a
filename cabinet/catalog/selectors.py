"""The catalog as a client sees it: the provider's plans with its own words and pictures, and
what this account can do with each."""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from cabinet.catalog.models import Plan, PlanShowcase
from cabinet.services.changes import (
    OrderState,
    change_modes_of,
    orderable,
    orders_open_of,
    orders_waiting,
    writable_connection,
)
from cabinet.services.models import SubscriptionStatus
from tenants.presets import Module


@dataclass(frozen=True)
class CatalogItem:
    plan: Plan
    showcase: PlanShowcase | None
    owned: bool  # the account has a service on this plan
    switchable: bool  # a service of the account may switch to it in the cabinet
    orderable: bool  # the client may order it in the cabinet
    order: OrderState | None  # an order of it waiting for billing, or refused lately


def catalog_for(
    *, account: Any, switching: bool, ordering: bool, holdings: bool = True
) -> list[CatalogItem]:
    """Visible plans in the provider's order (three queries, whatever the size of the
    catalog). `holdings` False hides what the account has, from roles that do not see
    services."""
    services = list(
        account.subscriptions.exclude(status=SubscriptionStatus.ENDED).select_related("plan")
    )
    owned = {service.plan_id for service in services}
    kinds = {(service.plan.service_type, service.plan.currency) for service in services}
    orders = orders_waiting(account) if ordering else {}
    plans = (
        Plan.objects.select_related("showcase")
        .exclude(showcase__hidden=True)
        .order_by("showcase__position", "service_type", "recurring_price", "name")
    )
    return [
        CatalogItem(
            plan=plan,
            showcase=getattr(plan, "showcase", None),
            owned=holdings and plan.pk in owned,
            switchable=switching
            and plan.self_service
            and plan.pk not in owned
            and (plan.service_type, plan.currency) in kinds,
            orderable=ordering and orderable(plan, account, kinds),
            order=orders.get(plan.external_id),
        )
        for plan in plans
    ]


def catalog_seen_by(*, access: Any, modules: Collection[str]) -> list[CatalogItem]:
    """The catalog as one user of an account sees it: switching and ordering only where the
    provider lets clients change services and the user's role sees services."""
    self_service = Module.SELF_SERVICE in modules and access.can_services
    connection = writable_connection() if self_service else None
    return catalog_for(
        account=access.account,
        switching=bool(change_modes_of(connection)),
        ordering=orders_open_of(connection),
        holdings=access.can_services,
    )
