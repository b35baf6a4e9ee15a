from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Providers and resellers")

    def ready(self) -> None:
        # Registers the deploy check for SECRET_KEY.
        import config.secrets_required  # noqa: F401
