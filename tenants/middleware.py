import contextlib
import logging
import re
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import set_urlconf
from django.utils import timezone, translation

from tenants.db import tenant_connection
from tenants.domains import is_platform_host
from tenants.hosts import canonical_host
from tenants.models import Provider
from tenants.routing import enter_provider_schema, provider_for_request, route_for_host

_PORT = re.compile(r":(\d{1,5})$")
_FORWARDED_HOST = "HTTP_X_FORWARDED_HOST"
logger = logging.getLogger(__name__)


class ProviderRequest(HttpRequest):
    """A request after routing: `provider` is None on the platform domain."""

    provider: Provider | None
    tenant: Provider
    urlconf: str


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

    def __call__(self, http_request: HttpRequest) -> HttpResponse:
        request = cast(ProviderRequest, http_request)
        request.provider = None
        header = self._host_header(request)
        raw_host = _as_sent(request.META.get(header, ""), take_last=header == _FORWARDED_HOST)
        host = canonical_host(raw_host)
        if host is None:
            return unknown_host(request)
        if not raw_host.isascii() or raw_host != request.META.get(header):
            port = _PORT.search(raw_host)
            request.META[header] = host + (f":{port.group(1)}" if port else "")

        if host == canonical_host(settings.PLATFORM_DOMAIN):
            tenant_connection().set_schema_to_public()
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            return self.get_response(request)

        route = route_for_host(host)
        if route is None:
            return unknown_host(request)
        if host != route.primary and not is_platform_host(host):
            return _to_primary(request, host, route.primary)
        provider = provider_for_request(route)
        if not provider.is_served or not route.schema_present:
            tenant_connection().set_schema_to_public()
            if not route.schema_present:
                logger.error("provider %s has no schema %s", provider.slug, provider.schema_name)
            return unavailable(request, provider)
        request.provider = request.tenant = provider
        enter_provider_schema(provider)
        return self.get_response(request)

    @staticmethod
    def _host_header(request: HttpRequest) -> str:
        if settings.USE_X_FORWARDED_HOST and _FORWARDED_HOST in request.META:
            return _FORWARDED_HOST
        return "HTTP_HOST" if "HTTP_HOST" in request.META else "SERVER_NAME"


def _as_sent(value: str, *, take_last: bool) -> str:
    """The host as the client wrote it. WSGI servers hand headers over as latin-1, so UTF-8 bytes
    of a Unicode host arrive garbled; a proxy appends its own value to X-Forwarded-Host."""
    if take_last:
        value = value.rsplit(",", 1)[-1]
    value = value.strip()
    if not value.isascii():
        with contextlib.suppress(UnicodeError):
            value = value.encode("latin-1").decode("utf-8")
    return value


def _to_primary(request: HttpRequest, host: str, primary: str) -> HttpResponse:
    """A custom domain that is not the primary one leads there, path and query kept."""
    current = request.build_absolute_uri()
    scheme, rest = current.split("://", 1)
    authority, _slash, path = rest.partition("/")
    port = _PORT.search(authority)
    target = f"{scheme}://{primary}{port.group(0) if port else ''}/{path}"
    return _answered_early(HttpResponsePermanentRedirect(target))


def _answered_early(response: HttpResponse) -> HttpResponse:
    """Headers SecurityMiddleware and XFrameOptionsMiddleware would add; they never run here."""
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "DENY"
    response["Referrer-Policy"] = "same-origin"
    return response


def unknown_host(request: HttpRequest) -> HttpResponse:
    return _answered_early(render(request, "errors/unknown_host.html", status=404))


def unavailable(request: HttpRequest, provider: Provider) -> HttpResponse:
    with translation.override(provider.language):
        response = render(
            request,
            "errors/unavailable.html",
            {"name": provider.name, "language": provider.language},
            status=503,
        )
    response["Retry-After"] = "600"
    return _answered_early(response)


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
