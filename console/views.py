from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cabinet.sync.selectors import sync_status
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


@require_safe
@role_required(*PLATFORM_ROLES)
def platform_home(request: HttpRequest) -> HttpResponse:
    providers = provider_list_for(user=cast(User, request.user))
    return render(request, "console/platform_home.html", {"providers": providers})
