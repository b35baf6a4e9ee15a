"""A provider's own domains: claimed by its staff, proven with a DNS TXT record, then served.

A claim names a host the provider controls; Kabinet gives it a token to publish as a TXT record
at `_kabinet-challenge.<host>`. Only when that record is seen (or a platform operator vouches for
the host) does the host become a Domain and lead to the provider. Hosts are stored canonical
(punycode); a host that mixes scripts in a label, or reads the same as another provider's, is
refused, so no provider can pose as another. One domain is primary: every other custom domain
redirects to it, while the platform's own subdomain always answers, so staff can always get in.
"""

import logging
import secrets
from dataclasses import dataclass

import dns.exception
import dns.resolver
from confusable_homoglyphs import confusables
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.hosts import canonical_host, display_host, is_public_domain_name
from tenants.models import Domain, DomainClaim, Provider

logger = logging.getLogger(__name__)
CHALLENGE_LABEL = "_kabinet-challenge"
MAX_CLAIMS = 10


@dataclass(frozen=True)
class Challenge:
    """What the provider publishes to prove the host is theirs."""

    name: str
    value: str


def challenge_of(claim: DomainClaim) -> Challenge:
    return Challenge(f"{CHALLENGE_LABEL}.{claim.domain}", f"kabinet-verify={claim.token}")


def is_platform_host(host: str) -> bool:
    """A subdomain of the platform's own base domain: given at provisioning, never claimed."""
    base = canonical_host(settings.PROVIDER_BASE_DOMAIN) or ""
    return host == base or host.endswith(f".{base}")


def domain_claim(*, provider: Provider, raw: str) -> DomainClaim:
    """Start proving a host is the provider's; a ValidationError says what is wrong with it."""
    host = canonical_host(raw)
    if host is None or not is_public_domain_name(host):
        raise ValidationError({"domain": _("Enter a domain name such as cabinet.example.com.")})
    if is_platform_host(host) or host == canonical_host(settings.PLATFORM_DOMAIN):
        raise ValidationError({"domain": _("This is the platform's own domain.")})
    for label in display_host(host).split("."):
        if confusables.is_mixed_script(label):
            raise ValidationError(
                {
                    "domain": _("“%(label)s” mixes alphabets, as look-alike domains do.")
                    % {"label": label}
                }
            )
    if Domain.objects.filter(domain=host).exists():
        raise ValidationError({"domain": _("This domain is already in use.")})
    _refuse_look_alikes(provider, host)
    if DomainClaim.objects.filter(provider=provider).count() >= MAX_CLAIMS:
        raise ValidationError(
            {"domain": _("Finish or remove the domains waiting for proof first.")}
        )
    claim, _created = DomainClaim.objects.get_or_create(
        provider=provider, domain=host, defaults={"token": secrets.token_urlsafe(24)}
    )
    return claim


def _refuse_look_alikes(provider: Provider, host: str) -> None:
    """Refuse a host that reads like another provider's domain, or a name another provider
    claims; the very same name may be claimed by several, and the first to prove it wins."""
    mine = skeleton(display_host(host))
    others = [
        *Domain.objects.exclude(tenant=provider).values_list("domain", flat=True),
        *DomainClaim.objects.exclude(provider=provider).values_list("domain", flat=True),
    ]
    for other in others:
        if other != host and skeleton(display_host(other)) == mine:
            raise ValidationError(
                {"domain": _("This domain reads the same as another provider's.")}
            )


# Letters the confusables data leaves without a Latin twin, and ASCII characters read alike.
LOOK_ALIKE_LETTERS = str.maketrans(
    {
        "к": "k", "т": "t", "м": "m", "н": "h", "в": "b", "ѕ": "s", "ј": "j", "ԁ": "d",
        "ӏ": "l", "κ": "k", "τ": "t", "ν": "v", "ο": "o", "ρ": "p", "α": "a", "ε": "e",
        "ι": "l", "χ": "x", "υ": "u",
    }
)  # fmt: skip
READ_ALIKE = str.maketrans({"1": "l", "i": "l", "|": "l", "0": "o"})


def skeleton(text: str) -> str:
    """How a name reads: each character replaced by the Latin one it is mistaken for, and
    characters read alike (l, i, 1; o, 0) made one."""
    out = []
    for character in text.lower().translate(LOOK_ALIKE_LETTERS):
        if character.isascii():
            out.append(character)
            continue
        alternatives = confusables.confusables_data.get(character) or []
        latin = [alt["c"] for alt in alternatives if alt["c"].isascii()]
        out.append(next((c for c in latin if c.isalnum()), latin[0] if latin else character))
    return "".join(out).lower().translate(READ_ALIKE)


def domain_verify(*, claim: DomainClaim, vouched: bool = False) -> Domain | None:
    """Look for the claim's TXT record (or take a platform operator's word); the Domain once
    proven, None while the record is not there (the claim says why)."""
    try:
        _refuse_look_alikes(claim.provider, claim.domain)
    except ValidationError as refused:
        claim.last_error = " ".join(refused.messages)[:200]
        claim.save(update_fields=["last_error"])
        return None
    if not vouched:
        problem = _challenge_problem(claim)
        if problem:
            claim.checked_at = timezone.now()
            claim.last_error = problem[:200]
            claim.save(update_fields=["checked_at", "last_error"])
            return None
    try:
        with transaction.atomic():
            domain = Domain.objects.create(
                tenant=claim.provider, domain=claim.domain, is_primary=False
            )
            claim.delete()
    except IntegrityError:
        claim.last_error = _("Another provider proved this domain first.")
        claim.save(update_fields=["last_error"])
        return None
    return domain


def _challenge_problem(claim: DomainClaim) -> str:
    challenge = challenge_of(claim)
    resolver = dns.resolver.Resolver(configure=not settings.DNS_NAMESERVERS)
    if settings.DNS_NAMESERVERS:
        resolver.nameservers = []
        for server in settings.DNS_NAMESERVERS:
            address, _colon, port = server.partition("#")
            resolver.nameservers.append(address)
            if port:
                resolver.port = int(port)
    resolver.lifetime = settings.DNS_TIMEOUT_SECONDS
    try:
        answer = resolver.resolve(challenge.name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return _("No TXT record at %(name)s yet.") % {"name": challenge.name}
    except (dns.exception.DNSException, OSError) as error:
        logger.warning("DNS lookup of %s failed: %s", challenge.name, type(error).__name__)
        return _("DNS did not answer; try again in a few minutes.")
    values = {b"".join(record.strings).decode("utf-8", "replace") for record in answer}
    if challenge.value not in values:
        return _("The TXT record at %(name)s does not hold the value given.") % {
            "name": challenge.name
        }
    return ""


@transaction.atomic
def domain_make_primary(*, provider: Provider, host: str) -> Domain:
    domain = Domain.objects.select_for_update().filter(tenant=provider, domain=host).first()
    if domain is None:
        raise ValidationError(_("This is not one of your domains."))
    Domain.objects.filter(tenant=provider, is_primary=True).update(is_primary=False)
    domain.is_primary = True
    domain.save(update_fields=["is_primary"])
    return domain


@transaction.atomic
def domain_remove(*, provider: Provider, host: str) -> None:
    """Forget a custom domain; the platform's subdomain stays, and becomes primary if needed."""
    if is_platform_host(host):
        raise ValidationError(_("The platform's own subdomain always stays."))
    domain = Domain.objects.select_for_update().filter(tenant=provider, domain=host).first()
    if domain is None:
        DomainClaim.objects.filter(provider=provider, domain=host).delete()
        return
    was_primary = domain.is_primary
    domain.delete()
    if was_primary:
        platform = next(
            (d for d in Domain.objects.filter(tenant=provider) if is_platform_host(d.domain)),
            None,
        )
        if platform is not None:
            platform.is_primary = True
            platform.save(update_fields=["is_primary"])
