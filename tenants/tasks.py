"""How work reaches a provider's schema in the background.

A task that touches provider data derives from ProviderTask and takes the provider's schema name as
its first argument. It is sent with `provider_task_send`, which puts the same schema in the
message header (tenant-schemas-celery switches to it before the task runs). The task then checks
that both agree and refuses to run otherwise, so a task queued from the wrong context fails loudly
instead of reading or writing another schema.
"""

import logging
from typing import Any

from celery import Task, shared_task
from celery.result import AsyncResult
from django_tenants.utils import schema_context
from tenant_schemas_celery.task import TenantTask

from tenants.db import current_schema
from tenants.errors import WrongSchemaError
from tenants.models import Provider, ProviderStatus, schema_present
from tenants.template_schema import template_schema_name

logger = logging.getLogger(__name__)


class ProviderTask(TenantTask):
    abstract = True

    def __call__(self, provider_schema: str, *args: Any, **kwargs: Any) -> Any:
        current = current_schema()
        if provider_schema in ("public", template_schema_name()) or current != provider_schema:
            raise WrongSchemaError(
                f"{self.name} was given provider {provider_schema!r} but would run in schema "
                f"{current!r}; send it with tenants.tasks.provider_task_send"
            )
        state = (
            Provider.objects.filter(schema_name=provider_schema)
            .annotate(schema_present=schema_present())
            .values("migration_error", "schema_present")
            .first()
        )
        if state is None or state["migration_error"] or not state["schema_present"]:
            raise WrongSchemaError(f"{provider_schema} is not a provider being served; not running")
        return super().__call__(provider_schema, *args, **kwargs)


def provider_task_send(task: Task, provider: Provider, *args: Any, **kwargs: Any) -> AsyncResult:
    """Queue `task` for `provider`: the schema travels as the first argument and in the header."""
    with schema_context(provider.schema_name):
        return task.apply_async(args=(provider.schema_name, *args), kwargs=kwargs)


@shared_task
def providers_fan_out_task(task_name: str) -> int:
    """Beat entry point: queue `task_name` once for every provider being served."""
    from config.celery import app

    task = app.tasks[task_name]
    sent = 0
    for provider in Provider.objects.exclude(status=ProviderStatus.SUSPENDED).filter(
        migration_error=""
    ):
        provider_task_send(task, provider)
        sent += 1
    logger.info("queued %s for %d providers", task_name, sent)
    return sent
