from typing import cast

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods

from tenants.links import host_url
from tenants.users.forms import EmailAuthenticationForm, InvitationAcceptForm
from tenants.users.models import User
from tenants.users.services import invitation_accept, invitation_get_usable
from tenants.users.tokens import password_reset_token_generator

# The backend recorded in the session of a user logged in without `authenticate` (after setting a
# password); several backends are configured, so Django must be told which.
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def home_for(user: User) -> str:
    """Where a user lands after logging in on the current domain."""
    return reverse("console-manage-home") if user.is_provider_staff else reverse("home")


class LoginView(auth_views.LoginView):
    template_name = "users/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return home_for(cast(User, self.request.user))


class LogoutView(auth_views.LogoutView):
    next_page = "login"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "users/password_reset.html"
    email_template_name = "users/password_reset_email.txt"
    subject_template_name = "users/password_reset_subject.txt"
    token_generator = password_reset_token_generator
    success_url = reverse_lazy("password-reset-sent")

    def form_valid(self, form):
        # Links are built from the site's own scheme and port, not from what the request said.
        host, _port = split_domain_port(self.request.get_host())
        self.extra_email_context = {"site_url": host_url(host, "")}
        return super().form_valid(form)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "users/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "users/password_reset_confirm.html"
    token_generator = password_reset_token_generator
    post_reset_login = True
    post_reset_login_backend = PASSWORD_BACKEND
    success_url = reverse_lazy("login")

    def get_success_url(self) -> str:
        return home_for(self.user) if self.post_reset_login else str(self.success_url)


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_get_usable(token=token)
    if invitation is None:
        return render(request, "users/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(invitation.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = invitation_accept(invitation=invitation, password=form.cleaned_data["new_password1"])
        login(request, user, backend=PASSWORD_BACKEND)
        return redirect(home_for(user))
    return render(
        request, "users/invitation_accept.html", {"form": form, "invited": invitation.user}
    )
