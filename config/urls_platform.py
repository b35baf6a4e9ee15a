"""URLs of the platform domain: reseller and operator consoles."""

from django.urls import include, path

from api.v1 import CurrentUserGetApi
from config.health import health
from console import views as console_views
from tenants.views import tls_allowed

urlpatterns = [
    path("", console_views.platform_home, name="home"),
    path("api/v1/me", CurrentUserGetApi.as_view(), name="api-me-get"),
    path("health", health, name="health"),
    path("tls/allowed", tls_allowed, name="tls-allowed"),
    path(
        "providers/<int:provider_id>/status",
        console_views.platform_provider_status,
        name="platform-provider-status",
    ),
    path("", include("tenants.users.urls")),
]
