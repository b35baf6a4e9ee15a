from celery import shared_task

from cabinet.accounts.invitations import client_invite_all
from tenants.models import Provider
from tenants.tasks import ProviderTask


@shared_task(base=ProviderTask)
def client_invite_all_task(provider_schema: str) -> dict:
    report = client_invite_all(provider=Provider.objects.get(schema_name=provider_schema))
    return {
        "accounts": report.accounts,
        "users": report.users,
        "skipped_without_email": report.skipped_without_email,
    }
