"""What a migration worker process runs. Imported by a fresh interpreter before Django is set up,
so nothing here may import models at module level."""

import time
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connection


@dataclass(frozen=True)
class SchemaOutcome:
    schema: str
    migrated: bool
    error: str = ""
    seconds: float = 0.0


def setup_worker(database_name: str) -> None:
    """Set Django up in a worker process, on the same database as the parent."""
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = database_name
    django.setup()


def migrate_schema(schema: str) -> SchemaOutcome:
    """Apply the missing migrations to one schema; a failure is returned, not raised."""
    started = time.perf_counter()
    try:
        call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
    except Exception as error:  # noqa: BLE001 - any failure is this schema's failure; report it
        connection.close()
        message = f"{type(error).__name__}: {error}".strip()
        return SchemaOutcome(schema, False, message, time.perf_counter() - started)
    return SchemaOutcome(schema, True, "", time.perf_counter() - started)
