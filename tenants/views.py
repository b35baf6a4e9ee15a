from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from tenants.hosts import canonical_host
from tenants.models import Domain


@require_safe
def tls_allowed(request: HttpRequest) -> HttpResponse:
    """For the reverse proxy's on-demand TLS ("ask"): 200 for a host Kabinet serves (the
    platform, or a provider's proven domain), 404 for any other, so no certificate is ever
    requested for a name someone merely pointed at the proxy."""
    host = canonical_host(request.GET.get("domain", ""))
    served = host is not None and (
        host == canonical_host(settings.PLATFORM_DOMAIN)
        or Domain.objects.filter(domain=host).exists()
    )
    return HttpResponse("ok" if served else "unknown", status=200 if served else 404)
