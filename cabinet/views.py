from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from cabinet.access import SESSION_ACCOUNT_KEY, ClientRequest, client_page
from cabinet.selectors import home_overview
from tenants.models import Provider
from tenants.users.access import role_required
from tenants.users.models import PROVIDER_STAFF_ROLES, Role, User


def _provider(request: HttpRequest) -> Provider:
    return cast(Provider, getattr(request, "provider", None))


@require_safe
@role_required(Role.CLIENT, *PROVIDER_STAFF_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    if cast(User, request.user).is_provider_staff:
        return redirect(reverse("console-manage-home"))
    return _client_home(request)


@client_page()
def _client_home(request: ClientRequest) -> HttpResponse:
    overview = home_overview(access=request.account_choice.current, provider=_provider(request))
    context = {"overview": overview, "choice": request.account_choice}
    return render(request, "cabinet/home.html", context)


@require_POST
@client_page()
def account_switch(request: ClientRequest) -> HttpResponse:
    wanted = request.POST.get("account", "")
    access = next((a for a in request.account_choice.all if str(a.account_id) == wanted), None)
    if access is None:
        return render(request, "errors/not_found.html", status=404)
    request.session[SESSION_ACCOUNT_KEY] = access.account_id
    return redirect("home")
