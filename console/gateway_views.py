"""The provider's payment gateway settings in /manage/ (administrators only: they hold keys)."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cabinet.catalog.models import Plan
from connectors.gateway_settings import (
    SECRET_FIELDS,
    GatewaySettings,
    payment_gateway_get,
    payment_gateway_save,
    secret_hint,
)
from connectors.models import GatewayKind
from console.forms import PaymentGatewayForm
from tenants.models import Provider
from tenants.users.access import role_required
from tenants.users.models import Role


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
        try:
            payment_gateway_save(settings=settings, currency=provider.currency)
        except ValidationError as invalid:
            for field, errors in invalid.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Saved."))
            return redirect("console-manage-payment-gateway")
    context = {"form": form, "gateway": gateway}
    status = 400 if form.errors else 200
    return render(request, "console/manage_payment_gateway.html", context, status=status)
