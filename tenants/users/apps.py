from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    """People who log in. One table per schema: platform users in the public schema, a provider's
    staff and clients in that provider's schema; the same e-mail at two providers is two users."""

    name = "tenants.users"
    label = "users"
    verbose_name = _("Users")
