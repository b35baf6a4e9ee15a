"""The branding editor in /manage/branding/: staff edit the draft look and see it beside the
published one, in a phone and a desktop frame, with every text and background pair's contrast;
publishing makes the draft what clients see, and any earlier version can be published again.

Provider staff may look; a provider admin edits a `site` brandbook, and only the brand owner a
`strict` one."""

from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from branding.custom_css import filter_css
from branding.models import IMAGE_FIELDS
from branding.palette import BASE_TOKENS
from branding.selectors import brand_versions, brandbook_get, draft_look, live_look
from branding.services import (
    PublishRefused,
    brand_editable_by,
    brand_owner_set,
    brand_version_restore,
    brandbook_publish,
    brandbook_update,
)
from branding.theme import THEME_CHOICES, theme_checks, theme_palettes
from branding.uploads import KINDS
from console.branding_forms import BRAND_COLOURS, BrandbookForm
from tenants.models import BrandMode, Provider
from tenants.users.access import role_required
from tenants.users.audit import audit_record
from tenants.users.models import PROVIDER_STAFF_ROLES, Role, User


def brand_editors_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Provider staff may look at the brand; changing it is for those brand_editable_by allows."""

    @role_required(*PROVIDER_STAFF_ROLES)
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        provider = cast(Provider, getattr(request, "provider", None))
        changing = request.method not in ("GET", "HEAD")
        if changing and not brand_editable_by(request.user, provider.brand_mode):
            return render(request, "errors/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return guarded


@require_http_methods(["GET", "POST"])
@brand_editors_only
def manage_branding(request: HttpRequest) -> HttpResponse:
    provider = cast(Provider, getattr(request, "provider", None))
    mode = provider.brand_mode
    editable = brand_editable_by(request.user, mode)
    brandbook = brandbook_get()
    posted = request.method == "POST"
    initial = BrandbookForm.initial_of(brandbook)
    if mode == BrandMode.STRICT and not brandbook.palette.get("light"):
        # A strict brandbook without its own colours yet starts from the derived ones.
        derived = theme_palettes(replace(draft_look(), palette={}), BrandMode.SITE)
        for scheme, tokens in derived.items():
            initial |= {f"{scheme}_{token}": tokens[token] for token in BASE_TOKENS}
    form = BrandbookForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=initial,
        strict=mode == BrandMode.STRICT,
    )
    if posted and form.is_valid() and _saved(form):
        changed = sorted(name for name in form.changed_data if name != "remove")
        audit_record(request, "branding.draft_saved", after={"fields": changed})
        messages.success(request, _("The draft is saved; publish it when it looks right."))
        return redirect("console-manage-branding")
    if posted:
        messages.error(request, _("The draft is not saved: see the fields marked below."))
    draft = draft_look()
    checks = theme_checks(draft, mode)
    context = {
        "form": form,
        "editable": editable,
        "mode": mode,
        "checks": checks,
        "failing": [pair for pair in checks if not pair.passes],
        "draft_differs": draft != replace(live_look(), version=draft.version),
        "versions": brand_versions(),
        "admins": User.objects.filter(role=Role.PROVIDER_ADMIN, is_active=True).order_by("email"),
        "preview_schemes": [("light", _("light scheme")), ("dark", _("dark scheme"))],
        "css_removed": filter_css(brandbook.custom_css).removed if brandbook.custom_css else [],
    }
    return render(
        request, "console/manage_branding.html", context, status=400 if form.errors else 200
    )


def _saved(form: BrandbookForm) -> bool:
    """Save the draft; a refusal is put on the form's fields."""
    for kind in IMAGE_FIELDS:
        upload = form.cleaned_data.get(kind)
        if upload is not None and upload.size > KINDS[kind].max_bytes:
            # Refused before it is read: its size is known.
            form.add_error(
                kind,
                _("The file may take up to %(size)s KB.") % {"size": KINDS[kind].max_bytes // 1024},
            )
    if form.errors:
        return False
    try:
        brandbook_update(**form.changes(), images=form.images())
    except ValidationError as invalid:
        for field, errors in invalid.message_dict.items():
            name = field.removeprefix("palette.").replace(".", "_")
            if name in BRAND_COLOURS and name not in form.fields:
                continue  # a strict brandbook's, already shown on its light scheme's field
            form.add_error(name if name in form.fields else None, errors)
        return False
    return True


@require_POST
@brand_editors_only
def manage_branding_publish(request: HttpRequest) -> HttpResponse:
    provider = cast(Provider, getattr(request, "provider", None))
    try:
        version = brandbook_publish(
            user=request.user,
            mode=provider.brand_mode,
            acknowledged=request.POST.get("acknowledge") == "on",
        )
    except PublishRefused as refused:
        messages.error(request, str(refused))
    else:
        audit_record(
            request,
            "branding.published",
            after={"version": version.number, "acknowledged": len(version.acknowledged)},
        )
        messages.success(request, _("Version %(number)s is live.") % {"number": version.number})
    return redirect("console-manage-branding")


@require_POST
@brand_editors_only
def manage_branding_restore(request: HttpRequest, number: int) -> HttpResponse:
    try:
        version = brand_version_restore(number=number, user=request.user)
    except PublishRefused as refused:
        messages.error(request, str(refused))
    else:
        audit_record(
            request,
            "branding.restored",
            before={"version": number},
            after={"version": version.number},
        )
        messages.success(
            request,
            _("The look of version %(old)s is live again, as version %(new)s.")
            % {"old": number, "new": version.number},
        )
    return redirect("console-manage-branding")


@require_POST
@role_required(Role.PROVIDER_ADMIN)
def manage_brand_owners(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("user", "")
    try:
        brand_owner_set(
            by=request.user,
            user_id=int(wanted) if wanted.isdigit() and len(wanted) < 10 else 0,
            owner=request.POST.get("owner") == "on",
        )
    except PublishRefused as refused:
        messages.error(request, str(refused))
    else:
        audit_record(
            request,
            "users.brand_owner",
            wanted,
            after={"brand_owner": request.POST.get("owner") == "on"},
        )
        messages.success(request, _("Saved."))
    return redirect("console-manage-branding")


@require_safe
@xframe_options_sameorigin
@role_required(*PROVIDER_STAFF_ROLES)
def manage_branding_preview(request: HttpRequest) -> HttpResponse:
    """A client's home page with made-up figures, in the look asked for (`?look=draft`, or the
    published one) and the scheme asked for (`?theme=dark`); the editor shows it in frames."""
    provider = cast(Provider, getattr(request, "provider", None))
    theme = request.GET.get("theme", "")
    context = {
        "theme_choice": theme if theme in THEME_CHOICES else "",
        "business": "individual" not in provider.client_kinds,
    }
    return render(request, "console/branding_preview.html", context)
