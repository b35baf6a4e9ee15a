import logging
import mimetypes

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from branding.selectors import brandbook_get
from branding.theme import THEME_CHOICES, THEME_COOKIE
from branding.theme import theme_css as compiled_theme

logger = logging.getLogger(__name__)


@require_GET
def theme_css(request: HttpRequest, version: str) -> HttpResponse:
    """The provider's palette as CSS custom properties. The URL carries the brandbook's version, so
    it can be cached for long; the response depends only on the schema of this host."""
    brandbook = brandbook_get()
    provider = getattr(request, "provider", None)
    css = compiled_theme(brandbook, provider.brand_mode if provider else "site")
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    # Only the current version may be kept for good; any other URL gets today's palette uncached.
    if version == brandbook.version:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "no-cache"
    return response


@require_GET
def logo(request: HttpRequest) -> FileResponse:
    """The provider's logo, read from this provider's own media folder."""
    brandbook = brandbook_get()
    if not brandbook.logo:
        raise Http404
    content_type = mimetypes.guess_type(brandbook.logo.name)[0] or "application/octet-stream"
    try:
        stream = brandbook.logo.open("rb")
    except FileNotFoundError:
        logger.error("logo file %s is missing", brandbook.logo.name)
        raise Http404 from None
    response = FileResponse(stream, content_type=content_type)
    response["Cache-Control"] = "public, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest of this provider's portal: installed on a phone's home screen, the
    cabinet carries the provider's name and colours."""
    provider = getattr(request, "provider", None)
    brandbook = brandbook_get()
    name = provider.name if provider else "Kabinet"
    icons = []
    if brandbook.logo:
        content_type = mimetypes.guess_type(brandbook.logo.name)[0] or "image/png"
        icons.append(
            {
                "src": f"{reverse('branding-logo')}?v={brandbook.version}",
                "type": content_type,
                "sizes": "any",
            }
        )
    body = {
        "name": name,
        "short_name": name[:12],
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "lang": provider.language if provider else "en",
        "theme_color": brandbook.primary_color,
        "background_color": brandbook.background_color,
        "icons": icons,
    }
    response = JsonResponse(body, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_POST
def theme_choose(request: HttpRequest) -> HttpResponseRedirect:
    """The client's own choice of light or dark, over the device's setting; kept in a cookie of
    this portal's domain, so it needs no account and reaches the login page too."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/"
    response = HttpResponseRedirect(back)
    choice = request.POST.get("theme", "")
    if choice in THEME_CHOICES:
        response.set_cookie(
            THEME_COOKIE, choice, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    else:
        response.delete_cookie(THEME_COOKIE, samesite="Lax")
    return response
