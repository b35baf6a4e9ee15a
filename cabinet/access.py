"""How a client's request reaches one of its accounts.

Every client page works on the account chosen in the session, and only if the user has access to
it; what the user's role on that account does not allow is a 403, not an empty page. A client
who has not accepted the provider's current legal texts is asked to first.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from branding.legal import legal_pending
from cabinet.accounts.selectors import AccountChoice, account_choice
from tenants.users.access import role_required
from tenants.users.models import Role

SESSION_ACCOUNT_KEY = "cabinet_account"


class ClientRequest(HttpRequest):
    account_choice: AccountChoice


def client_page(capability: str | None = None) -> Callable:
    """Views for logged-in clients with an account; sets `request.account_choice`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @role_required(Role.CLIENT)
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            choice = account_choice(
                user=request.user, selected_id=request.session.get(SESSION_ACCOUNT_KEY)
            )
            if legal_pending(request):
                accept = reverse("branding-legal-accept")
                return redirect(f"{accept}?{urlencode({'next': request.get_full_path()})}")
            if choice is None:
                return render(request, "cabinet/no_account.html")
            if capability and not choice.current.can(capability):
                return render(request, "errors/forbidden.html", status=403)
            request.account_choice = choice  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
