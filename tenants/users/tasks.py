import logging

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from tenants.db import current_schema
from tenants.errors import WrongSchemaError
from tenants.tasks import ProviderTask

logger = logging.getLogger(__name__)


@shared_task
def platform_sessions_clear_expired_task() -> int:
    """Delete expired sessions of platform users (the public schema's own table)."""
    if current_schema() != get_public_schema_name():
        raise WrongSchemaError(f"platform sessions task sent from schema {current_schema()}")
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    logger.info("cleared %d expired platform sessions", deleted)
    return deleted


@shared_task(base=ProviderTask)
def sessions_clear_expired_task(provider_schema: str) -> int:
    """Delete the provider's expired sessions (its own table in its own schema)."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    logger.info("cleared %d expired sessions for %s", deleted, provider_schema)
    return deleted
