import time
from base64 import b32encode
from typing import cast

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from tenants.links import host_url
from tenants.users.email_categories import ALWAYS_SENT
from tenants.users.forms import (
    EmailAuthenticationForm,
    InvitationAcceptForm,
    ProfileForm,
    TwoFactorCodeForm,
)
from tenants.users.models import Role, User
from tenants.users.services import (
    invitation_accept,
    invitation_get_usable,
    user_logout_everywhere,
    user_profile_update,
)
from tenants.users.tokens import password_reset_token_generator
from tenants.users.two_factor import (
    two_factor_confirm,
    two_factor_device,
    two_factor_disable,
    two_factor_qr_svg,
    two_factor_setup_device,
    two_factor_verify,
)

# The backend recorded in the session of a user logged in without `authenticate` (after setting a
# password); several backends are configured, so Django must be told which.
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def home_for(user: User) -> str:
    """Where a user lands after logging in on the current domain."""
    return reverse("console-manage-home") if user.is_provider_staff else reverse("home")


OTP_PENDING_KEY = "two_factor_pending"
OTP_PENDING_SECONDS = 300


class LoginView(auth_views.LoginView):
    template_name = "users/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return home_for(cast(User, self.request.user))

    def form_valid(self, form):
        user = form.get_user()
        if two_factor_device(user) is None:
            return super().form_valid(form)
        # The password was right; the session is not logged in until the code is.
        self.request.session[OTP_PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "since": time.time(),
            "next": self.get_redirect_url() or home_for(user),
        }
        return redirect("login-code")


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(OTP_PENDING_KEY)
    if not pending or time.time() - pending["since"] > OTP_PENDING_SECONDS:
        request.session.pop(OTP_PENDING_KEY, None)
        return redirect("login")
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
        device = user and two_factor_verify(user=user, token=form.cleaned_data["code"])
        if user is not None and device is not None:
            del request.session[OTP_PENDING_KEY]
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(pending["next"])
        form.add_error("code", _("The code is wrong, or too many were tried: wait and try again."))
    status = 400 if form.errors else 200
    return render(request, "users/login_code.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    device = two_factor_device(user)
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["code"]
        if device is None and two_factor_confirm(device=two_factor_setup_device(user), token=token):
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("profile")
        if device is not None and two_factor_disable(user=user, token=token):
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("profile")
        form.add_error("code", _("The code is wrong, or too many were tried: wait and try again."))
    context: dict = {"form": form, "enabled": device is not None}
    if device is None:
        setup = two_factor_setup_device(user)
        issuer = getattr(getattr(request, "provider", None), "name", "Kabinet")
        context |= {"qr": two_factor_qr_svg(setup, issuer), "secret": b32encode(setup.bin_key)}
    return render(request, "users/two_factor.html", context, status=400 if form.errors else 200)


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

    def form_valid(self, form):
        # A reset link proves the mailbox, not the authenticator: log in the usual way then.
        if two_factor_device(self.user) is not None:
            self.post_reset_login = False
        return super().form_valid(form)

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


@require_http_methods(["GET", "POST"])
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    posted = request.method == "POST"
    # E-mail choices concern a provider's clients; staff and platform users get service mail.
    with_email_choices = user.role == Role.CLIENT
    form = ProfileForm(
        request.POST if posted else None,
        initial={
            "full_name": user.full_name,
            "phone": user.phone,
            "language": user.language,
            "email_categories": user.email_categories,
        },
        with_email_choices=with_email_choices,
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        user_profile_update(
            user=user,
            full_name=data["full_name"],
            phone=data["phone"],
            language=data["language"],
            email_categories=data["email_categories"] if with_email_choices else None,
        )
        messages.success(request, _("Saved."))
        return redirect("profile")
    context = {
        "form": form,
        "two_factor_on": two_factor_device(user) is not None,
        "always_sent": ALWAYS_SENT if with_email_choices else (),
    }
    return render(request, "users/profile.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    user_logout_everywhere(user=cast(User, request.user))
    logout(request)
    return redirect("login")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password keeps this session and ends the others (Django's own rule)."""

    template_name = "users/password_change.html"
    success_url = reverse_lazy("profile")

    def form_valid(self, form):
        messages.success(self.request, _("The password is changed; other devices are logged out."))
        return super().form_valid(form)
