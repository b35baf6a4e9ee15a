from typing import cast
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cabinet.sync.models import ExchangeImport
from cabinet.sync.selectors import import_list_recent, sync_status
from cabinet.sync.tasks import exchange_import_start
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
    rejected = None
    if posted and form.is_valid():
        try:
            job = exchange_import_start(
                provider=cast(Provider, getattr(request, "provider", None)),
                files=form.cleaned_data["uploads"],
                requested_format=form.cleaned_data["format"],
                user=request.user,
            )
        except ImportRejected as error:
            rejected = error
        else:
            return redirect("console-manage-import", import_id=job.id)
    status = 400 if rejected or form.errors else 200
    context = {"form": form, "rejected": rejected, "imports": import_list_recent()}
    return render(request, "console/manage_imports.html", context, status=status)


@require_safe
@role_required(*PROVIDER_STAFF_ROLES)
def manage_import(request: HttpRequest, import_id: UUID) -> HttpResponse:
    job = get_object_or_404(ExchangeImport, id=import_id)
    return render(request, "console/manage_import.html", {"job": job})


@require_safe
@role_required(*PLATFORM_ROLES)
def platform_home(request: HttpRequest) -> HttpResponse:
    providers = provider_list_for(user=cast(User, request.user))
    return render(request, "console/platform_home.html", {"providers": providers})
