from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.users.models import Role


def role_required(*roles: Role) -> Callable:
    """Let in only logged-in users with one of `roles`; others get the login page or a 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.role not in roles:
                return render(request, "errors/forbidden.html", status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
