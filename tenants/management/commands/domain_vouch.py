"""`manage.py domain_vouch <domain>`: a platform operator vouches that a provider owns a domain it
has claimed, without the DNS record (a provider whose DNS host cannot publish TXT records)."""

from django.core.management.base import BaseCommand, CommandError

from tenants.domains import domain_verify
from tenants.hosts import canonical_host, display_host
from tenants.models import DomainClaim


class Command(BaseCommand):
    help = "Make a claimed domain lead to its provider without the DNS proof."

    def add_arguments(self, parser) -> None:
        parser.add_argument("domain")
        parser.add_argument("--provider", help="the provider's slug, when several claim it")

    def handle(self, *args, **options) -> None:
        host = canonical_host(options["domain"])
        claims = DomainClaim.objects.select_related("provider").filter(domain=host or "")
        if options["provider"]:
            claims = claims.filter(provider__slug=options["provider"])
        found = list(claims)
        if not found:
            raise CommandError(f"no provider has claimed {options['domain']}")
        if len(found) > 1:
            slugs = ", ".join(claim.provider.slug for claim in found)
            raise CommandError(f"several providers claim it ({slugs}); name one with --provider")
        claim = found[0]
        if domain_verify(claim=claim, vouched=True) is None:
            raise CommandError(claim.last_error)
        self.stdout.write(f"{display_host(claim.domain)} now leads to {claim.provider.name}")
