"""The Celery app. Tasks that touch a provider's data derive from tenants.tasks.ProviderTask."""

import os

from celery.schedules import crontab
from celery.signals import beat_init, worker_init
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = CeleryApp("kabinet")


@worker_init.connect
@beat_init.connect
def _refuse_to_start_without_secrets(**kwargs) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from config.secrets_required import require_secret_key

    try:
        require_secret_key()
    except ImproperlyConfigured as error:
        # Celery logs and swallows exceptions from signal handlers; an exit is not swallowed.
        raise SystemExit(str(error)) from None


app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "sessions-clear-expired": {
        "task": "tenants.tasks.providers_fan_out_task",
        "args": ["tenants.users.tasks.sessions_clear_expired_task"],
        "schedule": crontab(minute=17, hour="*/6"),
    },
    "billing-sync": {
        "task": "tenants.tasks.providers_fan_out_task",
        "args": ["cabinet.sync.tasks.billing_sync_task"],
        "schedule": crontab(minute="*/5"),
    },
    "billing-outbox": {
        "task": "tenants.tasks.providers_fan_out_task",
        "args": ["cabinet.sync.tasks.outbox_deliver_task"],
        "schedule": crontab(minute="*"),
    },
    "billing-reconcile": {
        "task": "tenants.tasks.providers_fan_out_task",
        "args": ["cabinet.sync.tasks.billing_reconcile_task"],
        "schedule": crontab(minute=15),
    },
    "auto-top-up": {
        "task": "tenants.tasks.providers_fan_out_task",
        "args": ["cabinet.payments.tasks.auto_top_up_task"],
        "schedule": crontab(minute="*/15"),
    },
    "platform-sessions-clear-expired": {
        "task": "tenants.users.tasks.platform_sessions_clear_expired_task",
        "schedule": crontab(minute=47, hour="*/6"),
    },
}
