"""The current provider's billing connector, built from its stored connection settings."""

from connectors.billing.base import BillingConnector, ConnectorConfig
from connectors.billing.registry import connector_for
from connectors.errors import ConnectorError
from connectors.models import BillingConnection
from tenants.db import current_schema
from tenants.models import Provider


class NotConfigured(ConnectorError):
    """This provider has no enabled billing connection."""


def billing_connector(*, timeout: float = 10.0, retries: int = 2) -> BillingConnector:
    """`timeout` is per request; reads on behalf of a waiting client use a short one and no
    retries, and fall back to the mirror instead."""
    settings = BillingConnection.objects.filter(enabled=True).first()
    if settings is None:
        raise NotConfigured("no billing connection is set up for this provider")
    provider = Provider.objects.get(schema_name=current_schema())
    config = ConnectorConfig(
        tenant=provider.slug,
        base_url=settings.base_url,
        token=str(settings.credentials.get("token", "")),
        event_secret=str(settings.credentials.get("event_secret", "")),
        options=settings.options,
        timeout=timeout,
        retries=retries,
    )
    return connector_for(settings.kind, config)
