from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from cabinet.sync.imports import exchange_file_import
from cabinet.sync.selectors import sync_status
from connectors.billing.files import ImportRejected
from console.forms import ExchangeFileForm
from tenants.models import Provider
from tenants.selectors import provider_list_for
from tenants.users.access import role_required
from tenants.users.models import PLATFORM_ROLES, PROVIDER_STAFF_ROLES, User


@require_safe
@role_required(*PROVIDER_STAFF_ROLES)
def manage_home(request: HttpRequest) -> HttpResponse:
    return render(request, "console/manage_home.html")


@require_safe
@role_required(*PROVIDER_STAFF_ROLES)
def manage_sync(request: HttpRequest) -> HttpResponse:
    return render(request, "console/manage_sync.html", {"status": sync_status()})


@require_http_methods(["GET", "POST"])
@role_required(*PROVIDER_STAFF_ROLES)
def manage_imports(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = ExchangeFileForm(request.POST, request.FILES) if posted else ExchangeFileForm()
    outcome = rejected = None
    if posted and form.is_valid():
        provider = cast(Provider, getattr(request, "provider", None))
        try:
            outcome = exchange_file_import(
                files=form.cleaned_data["uploads"],
                requested_format=form.cleaned_data["format"],
                time_zone=provider.time_zone,
                currency=provider.currency,
            )
        except ImportRejected as error:
            rejected = error
    status = 400 if rejected or form.errors else 200
    context = {"form": form, "outcome": outcome, "rejected": rejected}
    return render(request, "console/manage_imports.html", context, status=status)


@require_safe
@role_required(*PLATFORM_ROLES)
def platform_home(request: HttpRequest) -> HttpResponse:
    providers = provider_list_for(user=cast(User, request.user))
    return render(request, "console/platform_home.html", {"providers": providers})
