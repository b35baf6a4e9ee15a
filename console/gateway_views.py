"""Payments in /manage/: the gateway settings (administrators only: they hold keys) and the list
of online payments with filters and CSV export (all provider staff)."""

import csv
from typing import cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cabinet.catalog.models import Plan
from cabinet.payments.selectors import online_payments_for_staff
from connectors.gateway_settings import (
    SECRET_FIELDS,
    GatewaySettings,
    payment_gateway_get,
    payment_gateway_save,
    secret_hint,
)
from connectors.models import GatewayKind
from console.forms import OnlinePaymentFilterForm, PaymentGatewayForm
from tenants.models import Provider
from tenants.users.access import role_required
from tenants.users.audit import audit_record
from tenants.users.models import PROVIDER_STAFF_ROLES, Role


@require_http_methods(["GET", "POST"])
@role_required(Role.PROVIDER_ADMIN)
def manage_payment_gateway(request: HttpRequest) -> HttpResponse:
    provider = cast(Provider, getattr(request, "provider", None))
    gateway = payment_gateway_get()
    service_types = sorted(set(Plan.objects.values_list("service_type", flat=True)))
    hints = {
        name: secret_hint(value)
        for name, value in gateway.credentials.items()
        if value and name in SECRET_FIELDS[GatewayKind(gateway.kind)]
    }
    initial = {
        "kind": gateway.kind,
        "mode": gateway.mode,
        "min_amount": gateway.min_amount,
        "max_amount": gateway.max_amount,
        "purposes": gateway.purposes,
        "tax_system": gateway.tax_system,
        "vat_code": gateway.vat_code,
        "payment_subject": gateway.payment_subject,
        "payment_mode": gateway.payment_mode,
        "receipt_contact": gateway.receipt_contact,
        **{f"vat_{kind}": code for kind, code in gateway.vat_codes.items()},
    }
    posted = request.method == "POST"
    form = PaymentGatewayForm(
        request.POST if posted else None,
        initial=initial,
        service_types=service_types,
        hints=hints,
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        settings = GatewaySettings(
            kind=data["kind"],
            mode=data["mode"],
            secrets={name: data[name] for name in ("shop_id", "secret_key", "webhook_secret")},
            min_amount=data["min_amount"],
            max_amount=data["max_amount"],
            purposes=data["purposes"],
            tax_system=data["tax_system"],
            vat_code=data["vat_code"],
            vat_codes=form.vat_codes(),
            payment_subject=data["payment_subject"],
            payment_mode=data["payment_mode"],
            receipt_contact=data["receipt_contact"],
        )
        before = _shown(gateway)
        try:
            saved = payment_gateway_save(settings=settings, currency=provider.currency)
        except ValidationError as invalid:
            for field, errors in invalid.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            keys = any(settings.secrets.values())
            after = _shown(saved) | {"keys": "replaced" if keys else "kept"}
            audit_record(request, "payments.gateway_saved", saved.kind, before=before, after=after)
            messages.success(request, _("Saved."))
            return redirect("console-manage-payment-gateway")
    context = {"form": form, "gateway": gateway}
    status = 400 if form.errors else 200
    return render(request, "console/manage_payment_gateway.html", context, status=status)


def _shown(gateway) -> dict:
    """The gateway's settings as the audit log may keep them: never a key."""
    return {
        "kind": gateway.kind,
        "mode": gateway.mode,
        "min_amount": str(gateway.min_amount),
        "max_amount": str(gateway.max_amount),
        "purposes": list(gateway.purposes),
    }


@require_safe
@role_required(*PROVIDER_STAFF_ROLES)
def manage_payments(request: HttpRequest) -> HttpResponse:
    """Online payments: filters, pages, and the same rows as CSV."""
    provider = cast(Provider, getattr(request, "provider", None))
    form = OnlinePaymentFilterForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "page": None}
        return render(request, "console/manage_payments.html", context, status=400)
    zone = ZoneInfo(provider.time_zone)
    rows = online_payments_for_staff(
        zone=zone,
        status=form.cleaned_data["status"],
        since=form.cleaned_data["since"],
        until=form.cleaned_data["until"],
        search=form.cleaned_data["search"].strip(),
    )
    if request.GET.get("export") == "csv":
        return _payments_csv(rows, zone)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "console/manage_payments.html", {"form": form, "page": page})


def _payments_csv(rows, zone: ZoneInfo) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="payments.csv"'
    response.write("\ufeff")  # spreadsheet programs need the mark to read UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Created"),
            _("Contract"),
            _("Holder"),
            _("Purpose"),
            _("Amount"),
            _("Currency"),
            _("Status"),
            _("Gateway payment"),
            _("Reason"),
        ]
    )
    for payment in rows.iterator(chunk_size=1000):
        writer.writerow(
            [
                payment.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                payment.account.number,
                payment.account.holder_name,
                payment.purpose,
                f"{payment.amount:.2f}",
                payment.currency,
                payment.status,
                payment.gateway_payment_id,
                payment.cancellation_reason,
            ]
        )
    return response
