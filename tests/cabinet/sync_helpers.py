"""Bringing a provider's billing into Kabinet at once, for tests."""

from django_tenants.utils import schema_context

from cabinet.sync.connection import billing_connector
from cabinet.sync.services import accounts_sync, catalog_sync


def full_sync(schema: str) -> None:
    with schema_context(schema):
        connector = billing_connector()
        catalog_sync(connector)
        accounts_sync(connector, full=True)
