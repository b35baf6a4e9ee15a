"""Which class serves each kind of billing connection (connectors.models.BillingKind)."""

from django.utils.module_loading import import_string

from connectors.billing.base import BillingConnector, ConnectorConfig

ADAPTERS: dict[str, str] = {
    "simulator": "connectors.billing.rest.connector.RestConnector",
    "rest": "connectors.billing.rest.connector.RestConnector",
}


def connector_for(kind: str, config: ConnectorConfig) -> BillingConnector:
    try:
        adapter: type[BillingConnector] = import_string(ADAPTERS[kind])
    except KeyError:
        raise LookupError(f"no billing adapter for kind {kind!r}") from None
    return adapter(config)
