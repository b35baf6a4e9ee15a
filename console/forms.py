from django import forms
from django.utils.translation import gettext_lazy as _

from cabinet.accounts.models import AccessRole
from cabinet.announcements.models import Announcement
from cabinet.sync.imports import check_total_size

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
    q = forms.CharField(label=_("Contract number or name"), max_length=100, required=False)


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
