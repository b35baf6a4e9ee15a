import re
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import set_urlconf
from django.utils import timezone, translation

from tenants.hosts import canonical_host
from tenants.models import Domain

_PORT = re.compile(r":(\d{1,5})$")


class ProviderRoutingMiddleware:
    """Chooses the schema and URLconf from the Host header. Must come first in MIDDLEWARE: the
    session, the user and everything after read from whichever schema this sets.

    The platform domain gets the public schema and the platform URLconf; a provider's domain gets
    that provider's schema; any other host gets a plain 404 that names no provider. The host is
    matched in canonical form (tenants.hosts), so case, a trailing dot, a port and Unicode versus
    punycode spelling make no difference; the header is rewritten to that form for Django.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        connection.set_schema_to_public()
        request.provider = None
        header = self._host_header(request)
        raw_host = request.META.get(header, "").split(",")[0].strip()
        host = canonical_host(raw_host)
        if host is None:
            return unknown_host(request)
        port = _PORT.search(raw_host)
        request.META[header] = host + (f":{port.group(1)}" if port else "")

        if host == canonical_host(settings.PLATFORM_DOMAIN):
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            return self.get_response(request)

        domain = Domain.objects.select_related("tenant").filter(domain=host).first()
        if domain is None:
            return unknown_host(request)
        provider = domain.tenant
        if not provider.is_served:
            with translation.override(provider.language):
                return render(
                    request, "errors/unavailable.html", {"name": provider.name}, status=503
                )
        request.provider = request.tenant = provider
        connection.set_tenant(provider)
        return self.get_response(request)

    @staticmethod
    def _host_header(request: HttpRequest) -> str:
        if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in request.META:
            return "HTTP_X_FORWARDED_HOST"
        return "HTTP_HOST" if "HTTP_HOST" in request.META else "SERVER_NAME"


def unknown_host(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/unknown_host.html", status=404)


class ProviderLocaleMiddleware:
    """On a provider's domain, speak the user's language (or else the provider's) and show times in
    the provider's time zone. Must come after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        provider = getattr(request, "provider", None)
        if provider is None:
            return self.get_response(request)
        user = getattr(request, "user", None)
        language = (user.language if user and user.is_authenticated else "") or provider.language
        translation.activate(language)
        request.LANGUAGE_CODE = language
        with timezone.override(provider.time_zone):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
