"""The database connection as django-tenants extends it, typed for readers and mypy."""

from typing import Any, Protocol, cast

from django.db import connection


class TenantConnection(Protocol):
    schema_name: str
    tenant: Any
    # The search_path django-tenants believes is set; None makes it set the path again.
    search_path_set_schemas: list[str] | None

    def set_tenant(self, tenant: Any, include_public: bool = True) -> None: ...

    def set_schema_to_public(self) -> None: ...


def tenant_connection() -> TenantConnection:
    return cast(TenantConnection, connection)


def current_schema() -> str:
    return tenant_connection().schema_name
