from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "cabinet.sync"
    label = "sync"
    verbose_name = _("Billing sync")
