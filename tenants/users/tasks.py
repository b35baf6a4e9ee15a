import logging

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from tenants.tasks import ProviderTask

logger = logging.getLogger(__name__)


@shared_task(base=ProviderTask)
def sessions_clear_expired_task(provider_schema: str) -> int:
    """Delete the provider's expired sessions (its own table in its own schema)."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    logger.info("cleared %d expired sessions for %s", deleted, provider_schema)
    return deleted
