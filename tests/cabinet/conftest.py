"""Provider A wired to a seeded instance of the billing simulator (a real process)."""

import pytest
from django_tenants.utils import schema_context

from connectors.models import BillingConnection
from tests.cabinet.gateways import hooks, pay_on_gateway, pay_on_stripe, shop_a, stripe_a  # noqa: F401
from tests.cabinet.sync_helpers import full_sync  # noqa: F401
from tests.sandboxes.conftest import (  # noqa: F401
    Tenant,
    billing,
    sample_seed,
    sandbox,
    simulator,
    stripe_sandbox,
)


@pytest.fixture
def billing_a(billing, provider_a, settings) -> Tenant:  # noqa: F811 - pytest fixture
    """Provider A's billing system: a simulator instance named after the provider, seeded."""
    settings.CONNECTOR_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    tenant = Tenant(billing.base, provider_a.slug, "token-a", "secret-a", billing.http)
    tenant.admin("DELETE")
    assert tenant.admin(
        "PUT",
        "",
        {
            "token": "token-a",
            "event_secret": "secret-a",
            "currency": "RUB",
            "time_zone": "Europe/Moscow",
        },
    ).ok
    tenant.admin("PUT", "/faults", {"mode": "none"})
    tenant.seed(sample_seed())
    with schema_context(provider_a.schema_name):
        BillingConnection.objects.create(
            kind="simulator",
            base_url=f"{billing.base}/{provider_a.slug}",
            credentials={"token": "token-a", "event_secret": "secret-a"},
        )
    return tenant
