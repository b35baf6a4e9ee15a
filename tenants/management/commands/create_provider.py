from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.errors import ProvisioningError
from tenants.models import BrandMode, ClientKind, Currency, DataMode, Language, Reseller
from tenants.presets import Industry
from tenants.services import provider_create


class Command(BaseCommand):
    help = "Create a provider with its schema, domain and first admin; prints the invitation link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="")
        parser.add_argument(
            "--slug", default="", help="subdomain label; derived from the name if omitted"
        )
        parser.add_argument(
            "--domain", default="", help="primary domain; <slug>.<PROVIDER_BASE_DOMAIN> if omitted"
        )
        parser.add_argument("--industry", choices=Industry.values, required=True)
        parser.add_argument(
            "--client-kind",
            dest="client_kinds",
            action="append",
            choices=ClientKind.values,
            required=True,
        )
        parser.add_argument("--language", choices=Language.values, required=True)
        parser.add_argument("--time-zone", required=True)
        parser.add_argument("--currency", choices=Currency.values, required=True)
        parser.add_argument("--data-mode", choices=DataMode.values, default=DataMode.MIRROR)
        parser.add_argument("--brand-mode", choices=BrandMode.values, default=BrandMode.SITE)
        parser.add_argument("--reseller", default="", help="slug of the reseller that onboarded it")

    def handle(self, *args, **options) -> None:
        reseller = None
        if options["reseller"]:
            reseller = Reseller.objects.filter(slug=options["reseller"]).first()
            if reseller is None:
                raise CommandError(f"reseller: no reseller with slug {options['reseller']!r}")
        try:
            result = provider_create(
                name=options["name"],
                slug=options["slug"],
                domain=options["domain"],
                admin_email=options["admin_email"],
                admin_name=options["admin_name"],
                industry=options["industry"],
                client_kinds=options["client_kinds"],
                language=options["language"],
                time_zone=options["time_zone"],
                currency=options["currency"],
                data_mode=options["data_mode"],
                brand_mode=options["brand_mode"],
                reseller=reseller,
            )
        except ProvisioningError as error:
            lines = [
                f"{field}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            ]
            raise CommandError("the provider was not created:\n  " + "\n  ".join(lines)) from None
        provider = result.provider
        self.stdout.write(
            f"Created provider {provider.name} (schema {provider.schema_name}, "
            f"domain {provider.get_primary_domain().domain}).\n"
            f"Invitation for {result.admin.email}: {result.invitation_url}"
        )
