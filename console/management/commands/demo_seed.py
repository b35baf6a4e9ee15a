import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import get_public_schema_name, schema_context

from branding.legal import legal_publish
from branding.services import brandbook_publish, brandbook_update
from cabinet.accounts.models import ClientAccount
from cabinet.accounts.services import account_access_grant
from cabinet.sync.connection import billing_connector
from cabinet.sync.services import account_refresh, accounts_sync, catalog_sync, usage_sync
from connectors.gateway_settings import GatewaySettings, payment_gateway_save
from connectors.models import BillingConnection, BillingKind, GatewayKind, PaymentGateway
from deploy.demo import billing as demo_billing
from tenants.links import platform_url, provider_url
from tenants.models import Provider, ProviderStatus, Reseller
from tenants.presets import Module
from tenants.services import platform_user_create, provider_create, reseller_create
from tenants.users.models import Role, User
from tenants.users.services import user_create, user_set_password

DEMO_FILE = settings.BASE_DIR / "deploy" / "demo" / "providers.json"
SANDBOX_NAMES = {
    GatewayKind.YOOKASSA: "YooKassa sandbox: top up from the home page",
    GatewayKind.STRIPE: "Stripe sandbox: top up from the home page (card 4242 4242 4242 4242)",
}


class Command(BaseCommand):
    help = "Create the demo's reseller, operator and providers (once; later runs reuse them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DEMO_FILE)
        parser.add_argument(
            "--billing-url", default="", help="the billing simulator; without it, no billing data"
        )
        parser.add_argument(
            "--yookassa-url", default="", help="the YooKassa sandbox; without it, no payments"
        )
        parser.add_argument(
            "--stripe-url", default="", help="the Stripe sandbox; without it, no card payments"
        )

    def handle(self, *args, **options) -> None:
        demo = json.loads(options["file"].read_text(encoding="utf-8"))
        password = self.password = demo["password"]
        reseller = Reseller.objects.filter(
            slug=demo["reseller"]["slug"]
        ).first() or reseller_create(name=demo["reseller"]["name"], slug=demo["reseller"]["slug"])
        self._platform_user(demo["operator_email"], Role.OPERATOR, password)
        self._platform_user(demo["reseller"]["staff_email"], Role.RESELLER, password, reseller)

        lines = [
            f"Platform console  {platform_url('/login')}",
            f"  operator        {demo['operator_email']} / {password}",
            f"  reseller        {demo['reseller']['staff_email']} / {password}",
        ]
        for entry in demo["providers"]:
            provider = self._provider(entry, reseller if entry["reseller"] else None, password)
            billing = ""
            if options["billing_url"]:
                billing = self._billing(
                    provider, entry["billing"], options["billing_url"], entry["client_access"]
                )
            lines += [
                f"{provider.name:<17} {provider_url(provider, '/login')}",
                f"  provider admin  {entry['admin_email']} / {password}  (then /manage/)",
                *(
                    f"  client          {email} / {password}"
                    for email in dict.fromkeys(g["email"] for g in entry["client_access"])
                ),
            ]
            if billing:
                lines.append(f"  billing         {billing}")
            payments = entry.get("payments") or {}
            sandbox_url = options[f"{payments.get('kind', 'none')}_url"] if payments else ""
            if sandbox_url:
                self._payments(provider, payments, sandbox_url)
                lines.append(f"  payments        {SANDBOX_NAMES[payments['kind']]}")
        self.stdout.write("\n".join(lines))

    def _billing(
        self, provider: Provider, billing: dict, base_url: str, billing_access: list[dict]
    ) -> str:
        """The provider's simulator instance, seeded once, and the first sync into Kabinet."""
        instance = f"/instances/{provider.slug}"
        created, _ = demo_billing.admin(
            base_url,
            "PUT",
            instance,
            {
                "token": billing["token"],
                "event_secret": billing["event_secret"],
                "currency": provider.currency,
                "time_zone": provider.time_zone,
                # Changes made in the billing system are pushed to the portal as signed events.
                "webhook_url": provider_url(provider, "/api/v1/billing/events"),
            },
        )
        if created == 201:
            status, answer = demo_billing.admin(
                base_url, "POST", f"{instance}/seed", demo_billing.SEEDS[billing["seed"]]()
            )
            if status != 200:
                raise CommandError(f"seeding the billing simulator failed ({status}): {answer}")
        with schema_context(provider.schema_name):
            BillingConnection.objects.update_or_create(
                singleton=True,
                defaults={
                    "kind": BillingKind.SIMULATOR,
                    "base_url": f"{base_url}/{provider.slug}",
                    "credentials": {
                        "token": billing["token"],
                        "event_secret": billing["event_secret"],
                    },
                },
            )
            connector = billing_connector()
            catalog_sync(connector)
            report = accounts_sync(connector)
            stored = usage_sync(connector, time_zone=provider.time_zone)
            # Documents and payments come per account.
            for external_id in ClientAccount.objects.values_list("external_id", flat=True):
                account_refresh(connector, external_id)
            self._client_access(billing_access, self.password)
        return (
            f"{report.accounts} accounts, {report.subscriptions} services, "
            f"{stored} new usage records synced"
        )

    def _payments(self, provider: Provider, payments: dict, sandbox_url: str) -> None:
        """The provider's gateway account in its sandbox, its notifications sent to the portal."""
        if payments["kind"] == GatewayKind.STRIPE:
            demo_billing.admin(
                sandbox_url,
                "PUT",
                f"/accounts/{payments['secret_key']}",
                {
                    "webhook_url": provider_url(provider, "/api/v1/payments/stripe/webhook"),
                    "webhook_secret": payments["webhook_secret"],
                },
            )
        else:
            notifications = provider_url(provider, "/api/v1/payments/yookassa/notifications")
            demo_billing.admin(
                sandbox_url, "PUT", f"/shops/{payments['shop_id']}", {"webhook_url": notifications}
            )
        if Module.PAYMENTS not in provider.modules:
            provider.modules = [*provider.modules, Module.PAYMENTS]
            provider.save(update_fields=["modules"])
        with schema_context(provider.schema_name):
            if PaymentGateway.objects.exists():
                return
            if payments["kind"] == GatewayKind.STRIPE:
                secrets = {"secret_key": payments["secret_key"]}
                payment_gateway_save(
                    settings=GatewaySettings(
                        kind=GatewayKind.STRIPE,
                        mode="test",
                        secrets={**secrets, "webhook_secret": payments["webhook_secret"]},
                        min_amount=Decimal("1.00"),
                        max_amount=Decimal("10000.00"),
                        purposes=["top_up", "invoice"],
                    ),
                    currency=provider.currency,
                )
                return
            payment_gateway_save(
                settings=GatewaySettings(
                    kind=payments["kind"],
                    mode="test",
                    secrets={"shop_id": payments["shop_id"], "secret_key": payments["secret_key"]},
                    min_amount=Decimal("10.00"),
                    max_amount=Decimal("15000.00"),
                    purposes=["top_up", "invoice"],
                    tax_system=1,
                    vat_code=11,
                    payment_subject="service",
                    payment_mode="full_prepayment",
                    receipt_contact="email",
                ),
                currency=provider.currency,
            )

    def _client_access(self, grants: list[dict], password: str) -> None:
        """Client logins linked to synced accounts (a legal entity's with their roles)."""
        for grant in grants:
            user = User.objects.filter(email=grant["email"]).first() or user_create(
                email=grant["email"], role=Role.CLIENT, password=password
            )
            account = ClientAccount.objects.get(number=grant["account"])
            account_access_grant(user=user, account=account, role=grant["role"])

    def _platform_user(self, email: str, role: Role, password: str, reseller=None) -> None:
        with schema_context(get_public_schema_name()):
            if not User.objects.filter(email=email).exists():
                platform_user_create(email=email, role=role, password=password, reseller=reseller)

    def _provider(self, entry: dict, reseller: Reseller | None, password: str) -> Provider:
        provider = Provider.objects.filter(slug=entry["slug"]).first()
        if provider is not None:
            return provider
        provider = provider_create(
            name=entry["name"],
            slug=entry["slug"],
            admin_email=entry["admin_email"],
            industry=entry["industry"],
            client_kinds=entry["client_kinds"],
            language=entry["language"],
            time_zone=entry["time_zone"],
            currency=entry["currency"],
            brand_mode=entry["brand_mode"],
            access_modes=entry["access_modes"],
            reseller=reseller,
            status=ProviderStatus.ACTIVE,
        ).provider
        brand = entry["brand"]
        images = {name: brand[name] for name in ("logo", "logo_dark") if name in brand}
        with schema_context(provider.schema_name):
            looks = {name: value for name, value in brand.items() if name not in images}
            brandbook_update(
                **looks,
                images={
                    name: (file, (DEMO_FILE.parent / "logos" / file).read_bytes())
                    for name, file in images.items()
                },
            )
            brandbook_publish(user=None, mode=provider.brand_mode)
            for text in sorted((DEMO_FILE.parent / "legal").glob(f"{entry['slug']}-*.md")):
                title, _newline, body = text.read_text(encoding="utf-8").partition("\n")
                kind = text.stem.removeprefix(f"{entry['slug']}-")
                legal_publish(kind=kind, title=title.lstrip("# "), body=body, user=None)
            admin = User.objects.get(email=entry["admin_email"])
            user_set_password(user=admin, password=password, validate=False)
            user_create(email=entry["client_email"], role=Role.CLIENT, password=password)
        return provider
