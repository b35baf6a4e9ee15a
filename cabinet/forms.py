from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth import password_validation
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabinet.accounts.models import AlertKind
from cabinet.catalog.models import Plan
from cabinet.documents.models import DocumentKind
from cabinet.services.changes import CHANGE_MODES
from cabinet.units import convert, unit_label
from cabinet.usage.selectors import DEFAULT_SPAN

MAX_USAGE_DAYS = 5 * 366
# Periods asked for are kept within these days (beyond them date arithmetic overflows).
EARLIEST_DAY, LATEST_DAY = date(1990, 1, 1), date(2100, 12, 31)
ALERT_UNITS = ["MB", "GB", "min", "h", "kWh", "m3", "Gcal", "unit"]


class PeriodForm(forms.Form):
    """A period filter: both ends optional, in the provider's days."""

    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))

    def clean(self) -> dict:
        data = super().clean() or {}
        for field in ("since", "until"):
            day = data.get(field)
            if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
                self.add_error(field, _("Choose a date between 1990 and 2100."))
                data[field] = None
        since: date | None = data.get("since")
        until: date | None = data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period is before its start."))
        return data


class DocumentFilterForm(PeriodForm):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + DocumentKind.choices
    )


class UsageForm(PeriodForm):
    """Which service and metric, at what grain, over which period (defaults depend on the
    grain)."""

    service = forms.TypedChoiceField(
        label=_("Service"), required=False, coerce=int, empty_value=None
    )
    series = forms.ChoiceField(label=_("What"), required=False)
    grain = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[("day", _("day")), ("week", _("week")), ("month", _("month"))],
    )

    def __init__(
        self, *args, series: list, today: date, services: list | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["series"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(item.key, item.label) for item in series]
        self.series_by_key = {item.key: item for item in series}
        service_field = self.fields["service"]
        assert isinstance(service_field, forms.ChoiceField)
        service_field.choices = [("", _("All services"))] + [
            (str(item.id), item.label) for item in services or []
        ]
        if not services:
            # Nothing to choose from, but a service asked for is still checked (and refused).
            service_field.widget = forms.HiddenInput()
        self.today = today

    def clean(self) -> dict:
        """Fills the defaults (the grain's usual span up to today) before checking the span, so
        that one end alone cannot ask for centuries."""
        data = super().clean()
        if self.errors:
            return data
        data.setdefault("service", None)
        data["grain"] = data.get("grain") or "day"
        until = data["until"] = data.get("until") or self.today
        since = data["since"] = data.get("since") or until - timedelta(
            days=DEFAULT_SPAN[data["grain"]] - 1
        )
        if (until - since).days > MAX_USAGE_DAYS:
            self.add_error("since", _("Choose a period of at most five years."))
        return data


class PlanChangeForm(forms.Form):
    plan = forms.ModelChoiceField(
        label=_("New tariff"), queryset=Plan.objects.none(), widget=forms.RadioSelect
    )
    mode = forms.ChoiceField(label=_("When"), widget=forms.RadioSelect)
    effective_on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput({"type": "date"})
    )

    def __init__(self, *args, targets: list[Plan], modes: list[str], zone: ZoneInfo, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        plan_field = self.fields["plan"]
        assert isinstance(plan_field, forms.ModelChoiceField)
        plan_field.queryset = Plan.objects.filter(pk__in=[plan.pk for plan in targets])
        mode_field = self.fields["mode"]
        assert isinstance(mode_field, forms.ChoiceField)
        mode_field.choices = [(mode, CHANGE_MODES[mode]) for mode in modes]
        if "date" not in modes:
            del self.fields["effective_on"]

    def clean(self) -> dict:
        data = super().clean() or {}
        data["effective_at"] = None
        if data.get("mode") == "date":
            day = data.get("effective_on")
            if day is None:
                self.add_error("effective_on", _("Choose the date the new tariff starts."))
            elif day <= timezone.now().astimezone(self.zone).date():
                self.add_error("effective_on", _("Choose a date after today."))
            elif day > timezone.now().astimezone(self.zone).date() + timedelta(days=2 * 366):
                self.add_error("effective_on", _("Choose a date within two years."))
            else:
                data["effective_at"] = datetime.combine(day, time.min, tzinfo=self.zone)
        return data


class ServiceActionForm(forms.Form):
    """A block (optionally until a day), its end, or switching the service off."""

    action = forms.ChoiceField(widget=forms.HiddenInput)
    until_on = forms.DateField(
        label=_("Resume on"),
        required=False,
        help_text=_("Leave empty to resume it yourself."),
        widget=forms.DateInput({"type": "date"}),
    )

    def __init__(self, *args, actions: list[str], zone: ZoneInfo, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(action, action) for action in actions]

    def clean(self) -> dict:
        data = super().clean() or {}
        data["until"] = None
        day = data.get("until_on")
        if day is not None and data.get("action") not in (None, "suspend"):
            self.add_error(None, _("Only a block has a day to resume."))
        elif day is not None and data.get("action") == "suspend":
            today = timezone.now().astimezone(self.zone).date()
            if day <= today:
                self.add_error("until_on", _("Choose a day after today."))
            elif day > today + timedelta(days=365):
                self.add_error("until_on", _("Choose a day within a year from today."))
            else:
                data["until"] = datetime.combine(day, time.min, tzinfo=self.zone)
        return data


class PromisedPaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )

    def __init__(self, *args, limit: Decimal | None, **kwargs):
        super().__init__(*args, **kwargs)
        if limit is not None:
            field = self.fields["amount"]
            assert isinstance(field, forms.DecimalField)
            field.validators.append(MaxValueValidator(limit))
            field.widget.attrs["max"] = str(limit)


class RegistrationStartForm(forms.Form):
    number = forms.CharField(label=_("Contract number"), max_length=64)


class RegistrationFinishForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the e-mail"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput({"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    email = forms.EmailField(label=_("E-mail to log in with"), max_length=254)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput({"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput({"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class AlertForm(forms.Form):
    kind = forms.ChoiceField(label=_("When"), choices=AlertKind.choices, widget=forms.RadioSelect)
    threshold = forms.DecimalField(
        label=_("Threshold"), max_digits=16, decimal_places=2, min_value=-(10**12), max_value=10**12
    )
    series = forms.ChoiceField(label=_("Usage of"), required=False)
    unit = forms.ChoiceField(label=_("Unit"), required=False)

    def __init__(self, *args, series: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.series_by_key = {item.key: item for item in series}
        series_field = self.fields["series"]
        assert isinstance(series_field, forms.ChoiceField)
        series_field.choices = [("", "—")] + [(item.key, item.label) for item in series]
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ChoiceField)
        unit_field.choices = [("", "—")] + [(unit, unit_label(unit)) for unit in ALERT_UNITS]

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("kind") == AlertKind.USAGE_ABOVE:
            chosen = self.series_by_key.get(data.get("series", ""))
            if chosen is None:
                self.add_error("series", _("Choose what to watch."))
            elif data.get("unit") and convert(Decimal(1), chosen.unit, data["unit"]) is None:
                self.add_error("unit", _("This unit does not measure that."))
            if data.get("threshold") is not None and data["threshold"] < 0:
                self.add_error("threshold", _("Usage cannot be negative."))
        return data
