from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from tenants.users.access import role_required
from tenants.users.models import PROVIDER_STAFF_ROLES, Role, User


@require_safe
@role_required(Role.CLIENT, *PROVIDER_STAFF_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    if cast(User, request.user).is_provider_staff:
        return redirect(reverse("console-manage-home"))
    return render(request, "cabinet/home.html")
