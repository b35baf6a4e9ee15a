from django import forms
from django.conf import settings
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


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("As the site"))] + list(settings.LANGUAGES),
    )


class TwoFactorCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the authenticator app"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Type the six digits the app shows.")},
        widget=forms.TextInput({"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
