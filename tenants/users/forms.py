from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from tenants.users.email_categories import EmailCategory


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
    phone = forms.RegexField(
        label=_("Phone"),
        # A leading +, then digits with spaces, brackets or hyphens between: 20 characters at
        # most (the column), 7 to 15 digits (the international numbering plan, E.164).
        regex=r"^(?=(?:\D*\d){7,15}\D*$)\+?[0-9][0-9 ()-]{5,17}[0-9]$",
        max_length=20,
        required=False,
        error_messages={"invalid": _("Write the number with digits, e.g. +7 912 345-67-89.")},
        widget=forms.TextInput({"inputmode": "tel", "autocomplete": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("As the site"))] + list(settings.LANGUAGES),
    )
    email_categories = forms.MultipleChoiceField(
        label=_("E-mails I want"),
        choices=EmailCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, with_email_choices: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not with_email_choices:
            del self.fields["email_categories"]


class TwoFactorCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the authenticator app"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Type the six digits the app shows.")},
        widget=forms.TextInput({"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
