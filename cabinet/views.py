from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from tenants.users.access import role_required
from tenants.users.models import PROVIDER_STAFF_ROLES, Role


@role_required(Role.CLIENT, *PROVIDER_STAFF_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_provider_staff:
        return redirect(reverse("console-manage-home"))
    return render(request, "cabinet/home.html")
