from django.conf import settings

from tenants.models import Provider


def host_url(host: str, path: str = "/") -> str:
    """An absolute URL on `host`, with the scheme and (for local runs) the port this site uses."""
    port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    return f"{settings.SITE_SCHEME}://{host}{port}{path}"


def provider_url(provider: Provider, path: str = "/") -> str:
    return host_url(provider.get_primary_domain().domain, path)


def platform_url(path: str = "/") -> str:
    return host_url(settings.PLATFORM_DOMAIN, path)
