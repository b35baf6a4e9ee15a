"""The catalog as a client sees it: the provider's plans with its own words and pictures, and
what this account can do with each."""

from dataclasses import dataclass
from typing import Any

from cabinet.catalog.models import Plan, PlanShowcase
from cabinet.services.models import SubscriptionStatus


@dataclass(frozen=True)
class CatalogItem:
    plan: Plan
    showcase: PlanShowcase | None
    owned: bool  # the account has a service on this plan
    switchable: bool  # a service of the account may switch to it in the cabinet


def catalog_for(*, account: Any, self_service: bool) -> list[CatalogItem]:
    """Visible plans in the provider's order (two queries, whatever the size of the catalog)."""
    services = list(
        account.subscriptions.exclude(status=SubscriptionStatus.ENDED).select_related("plan")
    )
    owned = {service.plan_id for service in services}
    kinds = {(service.plan.service_type, service.plan.currency) for service in services}
    plans = (
        Plan.objects.select_related("showcase")
        .exclude(showcase__hidden=True)
        .order_by("showcase__position", "service_type", "recurring_price", "name")
    )
    return [
        CatalogItem(
            plan=plan,
            showcase=getattr(plan, "showcase", None),
            owned=plan.pk in owned,
            switchable=self_service
            and plan.self_service
            and plan.pk not in owned
            and (plan.service_type, plan.currency) in kinds,
        )
        for plan in plans
    ]
