import logging
import re

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

from branding.models import Brandbook
from branding.selectors import DRAFT, Look, draft_look, live_look
from branding.theme import THEME_CHOICES, THEME_COOKIE, theme_palettes
from branding.theme import theme_css as compiled_theme

logger = logging.getLogger(__name__)


def look_for(request: HttpRequest) -> Look:
    """The published look; the draft for the provider's staff who ask for it (the editor's
    preview), never for anyone else."""
    wants_draft = request.GET.get("look") == "draft"
    user = getattr(request, "user", None)
    if wants_draft and user is not None and getattr(user, "is_provider_staff", False):
        return draft_look()
    return live_look()


def theme_ref(look: Look, mode: str) -> str:
    """The part of the theme's URL that changes whenever the theme does."""
    return f"{look.version}-{mode}"


def brand_mode_of(request: HttpRequest) -> str:
    provider = getattr(request, "provider", None)
    return provider.brand_mode if provider else "site"


@require_GET
def theme_css(request: HttpRequest, version: str) -> HttpResponse:
    """The provider's theme as CSS custom properties. The URL names the published version, so
    it can be cached for good; any other URL gets today's theme, uncached."""
    look, mode = look_for(request), brand_mode_of(request)
    response = HttpResponse(compiled_theme(look, mode), content_type="text/css; charset=utf-8")
    if look.version != DRAFT and version == theme_ref(look, mode):
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "no-cache"
    return response


# The images a portal serves, by the name in their URL: /brand/<asset>.
ASSETS = {
    "logo": "logo",
    "logo-dark": "logo_dark",
    "favicon": "favicon",
    "icon": "app_icon",
    "font-regular": "own_font_regular",
    "font-bold": "own_font_bold",
}
CONTENT_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "webp": "image/webp",
    "ico": "image/x-icon",
    "woff2": "font/woff2",
    "woff": "font/woff",
    "ttf": "font/ttf",
    "otf": "font/otf",
}


@require_GET
def asset(request: HttpRequest, name: str) -> FileResponse:
    """One of the look's images, read from this provider's own media folder by the name the
    look keeps; nothing in the URL reaches the path."""
    look = look_for(request)
    field = ASSETS.get(name)
    stored = getattr(look, field) if field else ""
    if not stored:
        raise Http404
    storage = Brandbook._meta.get_field("logo").storage
    try:
        stream = storage.open(stored, "rb")
    except FileNotFoundError:
        logger.error("brand image %s is missing", stored)
        raise Http404 from None
    content_type = CONTENT_TYPES.get(stored.rsplit(".", 1)[-1].lower(), "application/octet-stream")
    response = FileResponse(stream, content_type=content_type)
    response["Cache-Control"] = "public, max-age=300" if look.version != DRAFT else "no-cache"
    # An SVG opened on its own must not run or load anything, whatever it held.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest of this provider's portal: installed on a phone's home screen, the
    cabinet carries the provider's name and colours."""
    provider = getattr(request, "provider", None)
    look = live_look()
    name = provider.name if provider else "Kabinet"
    icons = []
    for field, asset_name in (("app_icon", "icon"), ("logo", "logo")):
        stored = getattr(look, field)
        if stored:
            extension = stored.rsplit(".", 1)[-1].lower()
            size = re.search(r"-(\d+x\d+)", stored.rsplit("/", 1)[-1])
            icons.append(
                {
                    "src": f"{reverse('branding-asset', args=[asset_name])}?v={look.version}",
                    "type": CONTENT_TYPES.get(extension, "image/png"),
                    "sizes": size.group(1) if size and extension != "svg" else "any",
                }
            )
    light = theme_palettes(look, brand_mode_of(request))["light"]
    body = {
        "name": name,
        "short_name": name[:12],
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "lang": provider.language if provider else "en",
        "theme_color": light["primary"],
        "background_color": light["background"],
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
