"""A provider's own domains in /manage/domains/ (administrators): claim a host, publish the TXT
record shown, check it, make a proven domain the primary one, or remove it."""

from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tenants.domains import (
    challenge_of,
    domain_claim,
    domain_make_primary,
    domain_remove,
    domain_verify,
    is_platform_host,
)
from tenants.hosts import canonical_host, display_host
from tenants.models import Domain, DomainClaim, Provider
from tenants.users.access import role_required
from tenants.users.audit import audit_record
from tenants.users.models import Role


class DomainForm(forms.Form):
    domain = forms.CharField(
        label=gettext_lazy("Your domain"),
        max_length=253,
        help_text=gettext_lazy("e.g. my.example.com; Unicode names such as кабинет.пример.рф too"),
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.PROVIDER_ADMIN)
def manage_domains(request: HttpRequest) -> HttpResponse:
    provider = cast(Provider, getattr(request, "provider", None))
    form = DomainForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "claim":
            form = DomainForm(request.POST)
            if form.is_valid():
                try:
                    domain_claim(provider=provider, raw=form.cleaned_data["domain"])
                except ValidationError as invalid:
                    form.add_error("domain", invalid.message_dict["domain"])
                else:
                    audit_record(request, "domains.claimed", form.cleaned_data["domain"])
                    messages.success(request, _("Publish the TXT record below, then check it."))
                    return redirect("console-manage-domains")
        else:
            _act(request, provider, action, canonical_host(request.POST.get("domain", "")) or "")
            return redirect("console-manage-domains")
    domains = [
        {
            "name": domain.display_name,
            "host": domain.domain,
            "primary": domain.is_primary,
            "platform": is_platform_host(domain.domain),
        }
        for domain in Domain.objects.filter(tenant=provider)
    ]
    claims = [
        {"claim": claim, "challenge": challenge_of(claim)}
        for claim in DomainClaim.objects.filter(provider=provider)
    ]
    platform_host = next((d["host"] for d in domains if d["platform"]), "")
    context = {"form": form, "domains": domains, "claims": claims, "target": platform_host}
    return render(
        request, "console/manage_domains.html", context, status=400 if form.errors else 200
    )


def _act(request: HttpRequest, provider: Provider, action: str, host: str) -> None:
    name = display_host(host)
    try:
        if action == "check":
            claim = DomainClaim.objects.filter(provider=provider, domain=host).first()
            if claim is None:
                messages.error(request, _("This domain is not waiting for proof."))
            elif domain_verify(claim=claim) is None:
                claim.refresh_from_db()
                messages.error(request, claim.last_error)
            else:
                audit_record(request, "domains.proven", host)
                messages.success(request, _("%(name)s is yours and answers now.") % {"name": name})
        elif action == "primary":
            domain_make_primary(provider=provider, host=host)
            audit_record(request, "domains.primary", host)
            messages.success(request, _("%(name)s is the primary domain.") % {"name": name})
        elif action == "remove":
            domain_remove(provider=provider, host=host)
            audit_record(request, "domains.removed", host)
            messages.success(request, _("%(name)s is removed.") % {"name": name})
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
