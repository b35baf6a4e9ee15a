from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    """E-mail and password; on a provider's portal the contract number may stand for the e-mail
    (see cabinet.accounts.login)."""

    username = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail or password is wrong. The password is case-sensitive."),
        "inactive": _("This account is disabled."),
    }

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        if getattr(request, "provider", None) is not None:
            self.fields["username"].label = _("E-mail or contract number")
            self.error_messages = {
                **self.error_messages,
                "invalid_login": _(
                    "The e-mail, contract number or password is wrong. "
                    "The password is case-sensitive."
                ),
            }


class InvitationAcceptForm(SetPasswordForm):
    """Choose a password when accepting an invitation."""
