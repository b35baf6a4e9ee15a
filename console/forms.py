from django import forms
from django.utils.translation import gettext_lazy as _

from cabinet.accounts.models import AccessRole
from cabinet.announcements.models import Announcement
from cabinet.forms import PeriodForm
from cabinet.payments.models import PaymentStatus
from cabinet.sync.imports import check_total_size
from connectors.models import (
    GatewayKind,
    GatewayMode,
    PaymentMode,
    PaymentPurpose,
    PaymentSubject,
    ReceiptContact,
    TaxSystem,
    VatCode,
)

FORMATS = [
    ("", _("Recognise automatically")),
    ("radacct_csv", _("FreeRADIUS radacct export (CSV)")),
    ("radius_detail", _("FreeRADIUS detail files")),
    ("asterisk_cdr", _("Asterisk CDR (Master.csv)")),
    ("meter_readings_csv", _("Meter readings (CSV)")),
    ("accounts_csv", _("Accounts and balances (CSV)")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ExchangeFileForm(forms.Form):
    uploads = MultipleFileField(
        label=_("Files"),
        help_text=_("Several files of one format are one import, e.g. a month of detail files."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, required=False)

    def clean_uploads(self) -> list:
        files = self.cleaned_data["uploads"]
        check_total_size(files)
        return files


class ClientInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=AccessRole.choices, initial=AccessRole.OWNER)
    full_name = forms.CharField(label=_("Name"), max_length=150, required=False)


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Contract number, name, INN, e-mail or phone"), max_length=100, required=False
    )


class AnnouncementForm(forms.ModelForm):
    """Times are the provider's local time (the request runs in its time zone)."""

    class Meta:
        model = Announcement
        fields = [
            "kind",
            "title",
            "body",
            "starts_at",
            "ends_at",
            "audience_holder_kind",
            "audience_plan",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "body": forms.Textarea({"rows": 4}),
        }

    def clean(self) -> dict:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must come after the start."))
        return data


class PlanShowcaseForm(forms.Form):
    description = forms.CharField(
        label=_("Description for clients"),
        max_length=4000,
        required=False,
        widget=forms.Textarea({"rows": 5}),
    )
    picture = forms.FileField(
        label=_("Picture"), required=False, help_text=_("PNG, JPEG or WebP, up to 2 MB.")
    )
    remove_picture = forms.BooleanField(label=_("Remove the picture"), required=False)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, initial=100)
    hidden = forms.BooleanField(label=_("Hide from the catalog"), required=False)


class PaymentGatewayForm(forms.Form):
    """The provider's gateway account; secret fields are never filled in from what is stored."""

    kind = forms.ChoiceField(label=_("Gateway"), choices=GatewayKind.choices)
    mode = forms.ChoiceField(label=_("Mode"), choices=GatewayMode.choices)
    shop_id = forms.CharField(label=_("YooKassa shop ID"), required=False, max_length=20)
    secret_key = forms.CharField(
        label=_("Secret key"),
        required=False,
        max_length=255,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    webhook_secret = forms.CharField(
        label=_("Stripe webhook signing secret"),
        required=False,
        max_length=255,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    min_amount = forms.DecimalField(label=_("Smallest payment"), max_digits=14, decimal_places=2)
    max_amount = forms.DecimalField(label=_("Largest payment"), max_digits=14, decimal_places=2)
    purposes = forms.MultipleChoiceField(
        label=_("Clients may pay"),
        choices=PaymentPurpose.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tax_system = forms.TypedChoiceField(
        label=_("Tax system"),
        choices=[("", "—"), *TaxSystem.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    vat_code = forms.TypedChoiceField(
        label=_("VAT on receipts"),
        choices=[("", "—"), *VatCode.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    payment_subject = forms.ChoiceField(
        label=_("Payment subject"), choices=[("", "—"), *PaymentSubject.choices], required=False
    )
    payment_mode = forms.ChoiceField(
        label=_("Payment method on receipts"),
        choices=[("", "—"), *PaymentMode.choices],
        required=False,
    )
    receipt_contact = forms.ChoiceField(
        label=_("Send receipts to the client's"),
        choices=[("", "—"), *ReceiptContact.choices],
        required=False,
    )

    def __init__(self, *args, service_types: list[str], hints: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for name, hint in hints.items():
            self.fields[name].help_text = _("Stored: %(hint)s. Leave empty to keep it.") % {
                "hint": hint
            }
        # A VAT rate per kind of service, where it differs from the one above.
        for service_type in service_types:
            self.fields[f"vat_{service_type}"] = forms.TypedChoiceField(
                label=_("VAT for %(kind)s") % {"kind": service_type},
                choices=[("", _("As above")), *VatCode.choices],
                coerce=int,
                empty_value=None,
                required=False,
            )
        self.service_types = service_types

    def vat_codes(self) -> dict[str, int]:
        return {
            service_type: self.cleaned_data[f"vat_{service_type}"]
            for service_type in self.service_types
            if self.cleaned_data.get(f"vat_{service_type}")
        }


class OnlinePaymentFilterForm(PeriodForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *PaymentStatus.choices]
    )
    search = forms.CharField(
        label=_("Contract, holder or gateway id"), required=False, max_length=100
    )
