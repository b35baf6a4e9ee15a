from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail or password is wrong. The password is case-sensitive."),
        "inactive": _("This account is disabled."),
    }


class InvitationAcceptForm(SetPasswordForm):
    """Choose a password when accepting an invitation."""
