"""Staged launch in /manage/modules/ (administrators): each part of the cabinet on or off, what
it still needs, and the checklist before go-live."""

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from console.modules import golive_checklist, module_missing, module_switch
from tenants.models import Provider
from tenants.presets import Module
from tenants.routing import routes_forget
from tenants.users.access import role_required
from tenants.users.audit import audit_record
from tenants.users.models import Role


@require_http_methods(["GET", "POST"])
@role_required(Role.PROVIDER_ADMIN)
def manage_modules(request: HttpRequest) -> HttpResponse:
    provider = cast(Provider, getattr(request, "provider", None))
    if request.method == "POST":
        module, on = request.POST.get("module", ""), request.POST.get("on") == "on"
        before = sorted(provider.modules)
        missing = module_switch(provider=provider, module=module, on=on)
        if missing:
            messages.error(request, " ".join(missing))
        else:
            routes_forget()  # the portal's own requests see the change at once
            audit_record(
                request,
                "settings.module",
                module,
                before={"modules": before},
                after={"modules": sorted(provider.modules)},
            )
            messages.success(request, _("Saved."))
        return redirect("console-manage-modules")
    modules = [
        {
            "name": value,
            "label": label,
            "on": value in provider.modules,
            "missing": module_missing(value),
        }
        for value, label in Module.choices
    ]
    context = {"modules": modules, "checklist": golive_checklist(provider)}
    return render(request, "console/manage_modules.html", context)
