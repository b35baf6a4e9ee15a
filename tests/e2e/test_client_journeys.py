"""Client journeys in a real browser, with screenshots of the pages for docs/screenshots/."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connections
from django.utils import timezone
from django_tenants.utils import schema_context

from cabinet.accounts.models import ClientAccount
from cabinet.accounts.services import account_access_grant
from cabinet.catalog.models import Plan
from cabinet.payments.models import OnlinePayment
from cabinet.sync.models import OutboxMessage, SyncState
from cabinet.usage.models import UsageDaily
from connectors.models import BillingConnection, PaymentGateway
from tenants.users.models import Role, User
from tests.cabinet.conftest import full_sync
from tests.cabinet.factories import (
    make_account,
    make_plan,
    make_subscription,
    make_yookassa_gateway,
    provider_today,
)
from tests.cabinet.test_home import make_document
from tests.conftest import PASSWORD, host_of, make_user
from tests.sandboxes.conftest import billing, sandbox, simulator  # noqa: F401

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def household(committed_db, providers):
    """An individual at Альфа-Связь with internet, a month of traffic and an invoice."""
    provider = providers["a"]
    persona = make_user(provider, Role.CLIENT, "household@alpha.test")
    with schema_context(provider.schema_name):
        account = make_account(
            "acc:e2e",
            number="10077",
            holder_name="Смирнова Анна",
            balance=Decimal("412.30"),
            recommended_payment=Decimal("237.70"),
            credit_limit=Decimal("300.00"),
        )
        make_subscription(account, make_plan("tp:e2e", name="Домашний 100"), "svc:e2e")
        today = provider_today()
        for day in range(1, today.day + 1):
            for direction, gigabytes in (("in", 3), ("out", 1)):
                UsageDaily.objects.create(
                    account=account,
                    day=today.replace(day=day),
                    metric="data",
                    unit="B",
                    direction=direction,
                    quantity=Decimal(gigabytes * 10**9),
                    records=4,
                )
        make_document(account, "СЧ-11-10077")
        account_access_grant(user=persona.user, account=account, role="owner")
    yield persona
    with schema_context(provider.schema_name):
        ClientAccount.objects.filter(external_id="acc:e2e").delete()
        Plan.objects.filter(external_id="tp:e2e").delete()
        User.objects.filter(pk=persona.user.pk).delete()
    connections.close_all()


@pytest.fixture
def accountant(committed_db, providers):
    """The accountant of a company at Bravo Hosting."""
    provider = providers["b"]
    persona = make_user(provider, Role.CLIENT, "accountant@brenner.test")
    with schema_context(provider.schema_name):
        account = make_account(
            "acc:e2e-co",
            number="AH-2001",
            holder_kind="legal_entity",
            holder_name="Brenner Logistik GmbH",
            currency="EUR",
            balance=Decimal("-38.00"),
            credit_limit=Decimal("500.00"),
        )
        make_subscription(
            account,
            make_plan("tp:e2e-vps", name="VPS M", currency="EUR", recurring_price=Decimal("19.00")),
            "svc:e2e-vps",
        )
        for month in (9, 10, 11):
            document = make_document(
                account,
                f"INV-2026{month:02d}-2001",
                total=Decimal("19.00"),
                issued_at=datetime(2026, month, 1, tzinfo=UTC),
            )
            document.file.save(f"{document.number}.pdf", ContentFile(MINIMAL_PDF))
        account_access_grant(user=persona.user, account=account, role="accountant")
    yield persona
    with schema_context(provider.schema_name):
        ClientAccount.objects.filter(external_id="acc:e2e-co").delete()
        Plan.objects.filter(external_id="tp:e2e-vps").delete()
        User.objects.filter(pk=persona.user.pk).delete()
    connections.close_all()


@pytest.fixture
def subscriber_on_billing(committed_db, providers, billing, settings, eager):  # noqa: F811
    """A client of Альфа-Связь whose account lives in a billing simulator instance."""
    settings.CONNECTOR_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    provider = providers["a"]
    tenant = billing.tenant()
    persona = make_user(provider, Role.CLIENT, "switcher@alpha.test")
    with schema_context(provider.schema_name):
        BillingConnection.objects.create(
            kind="simulator",
            base_url=f"{billing.base}/{tenant.name}",
            credentials={"token": tenant.token, "event_secret": tenant.secret},
        )
    full_sync(provider.schema_name)
    with schema_context(provider.schema_name):
        Plan.objects.update(self_service=True)
        account = ClientAccount.objects.get(external_id="acc:1")
        account_access_grant(user=persona.user, account=account, role="owner")
    yield persona
    with schema_context(provider.schema_name):
        OutboxMessage.objects.all().delete()
        ClientAccount.objects.all().delete()
        Plan.objects.all().delete()
        BillingConnection.objects.all().delete()
        SyncState.objects.all().delete()
        User.objects.filter(pk=persona.user.pk).delete()
    connections.close_all()


def log_in(page, base: str, email: str, labels: tuple[str, str, str]) -> None:
    email_label, password_label, button = labels
    page.goto(base + "/login")
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label).fill(PASSWORD)
    page.get_by_role("button", name=button).click()
    page.wait_for_url(base + "/")


def test_an_individual_reads_balance_and_usage_on_a_phone(browser, live_url, providers, household):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="ru-RU"
    )
    page = context.new_page()
    base = f"http://{host_of(providers['a'])}:{live_url}"

    log_in(page, base, "household@alpha.test", ("Эл. почта", "Пароль", "Войти"))

    assert page.locator("[data-balance]").inner_text() == "412,30\xa0₽"
    usage = page.locator(".usage").inner_text()
    assert "Интернет-трафик, получено" in usage
    assert "Домашний 100" in page.locator(".services").inner_text()
    # Nothing sticks out sideways on a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "home-individual-360.png", full_page=True)

    page.get_by_role("link", name="Потребление").click()
    page.wait_for_url(base + "/usage/")
    assert page.locator("svg.bars rect").count() == 30
    assert page.locator("[data-total]").inner_text().endswith("ГБ")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=SCREENSHOTS / "usage-individual-360.png", full_page=True)
    context.close()


def test_an_accountant_sees_the_companys_money_and_documents_on_a_desktop(
    browser, live_url, providers, accountant
):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    base = f"http://{host_of(providers['b'])}:{live_url}"

    log_in(page, base, "accountant@brenner.test", ("E-mail", "Password", "Log in"))

    assert page.locator("[data-balance]").inner_text() == "-€38.00"
    documents = page.locator(".documents").inner_text()
    assert "INV-202611-2001" in documents
    assert page.locator(".services").count() == 0  # an accountant's page has no services
    page.screenshot(path=SCREENSHOTS / "home-accountant-1280.png", full_page=True)

    page.get_by_role("link", name="Documents").click()
    page.wait_for_url(base + "/documents/")
    page.screenshot(path=SCREENSHOTS / "documents-accountant-1280.png", full_page=True)
    with page.expect_download() as download_info:
        page.locator(".documents li", has_text="INV-202611-2001").get_by_text(
            "Download PDF"
        ).click()
    download = download_info.value
    assert download.suggested_filename == "Invoice INV-202611-2001.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")
    context.close()


def test_an_individual_switches_tariff_on_a_phone(
    browser, live_url, providers, subscriber_on_billing
):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="ru-RU"
    )
    page = context.new_page()
    base = f"http://{host_of(providers['a'])}:{live_url}"
    log_in(page, base, "switcher@alpha.test", ("Эл. почта", "Пароль", "Войти"))
    assert "Домашний 100" in page.locator(".services").inner_text()

    page.get_by_role("link", name="Сменить тариф").click()
    page.get_by_label("Домашний 500").check()
    page.get_by_label("сразу").check()
    page.get_by_role("button", name="Продолжить").click()
    confirm = page.locator(".confirm").inner_text()
    assert "Домашний 500" in confirm
    assert "900,00" in confirm
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=SCREENSHOTS / "plan-change-confirm-360.png", full_page=True)
    page.get_by_role("button", name="Подтвердите смену").click()
    page.wait_for_url(base + "/")

    assert "Ваша заявка отправлена в биллинг." in page.locator(".flash").inner_text()
    assert "Домашний 500" in page.locator(".services").inner_text()
    context.close()


def test_an_individual_blocks_a_service_and_takes_a_promised_payment_on_a_phone(
    browser, live_url, providers, subscriber_on_billing
):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="ru-RU"
    )
    page = context.new_page()
    base = f"http://{host_of(providers['a'])}:{live_url}"
    log_in(page, base, "switcher@alpha.test", ("Эл. почта", "Пароль", "Войти"))

    page.locator(".services").get_by_role("link", name="Домашний 100").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=SCREENSHOTS / "service-360.png", full_page=True)
    page.get_by_role("link", name="Приостановить услугу на время").click()
    back_on = (timezone.localdate() + timedelta(days=10)).isoformat()
    page.get_by_label("Возобновить").fill(back_on)
    page.get_by_role("button", name="Подтвердить").click()
    page.wait_for_url(f"{base}/services/**")
    assert "Приостановлен" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Возобновить услугу").is_visible()

    page.goto(base + "/")
    page.get_by_role("link", name="Обещанный платёж").click()
    page.get_by_label("Сумма").fill("500")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=SCREENSHOTS / "promised-payment-360.png", full_page=True)
    page.get_by_role("button", name="Взять обещанный платёж").click()
    page.wait_for_url(base + "/")

    balance = page.locator(".balance").inner_text()
    assert "379,50" in balance  # −120,50 + 500
    assert "Обещанный платёж 500,00" in balance
    context.close()


def test_an_individual_tops_up_through_the_yookassa_sandbox_on_a_phone(
    browser,
    live_url,
    providers,
    subscriber_on_billing,
    sandbox,  # noqa: F811 - pytest fixture
    settings,
):
    provider = providers["a"]
    settings.YOOKASSA_API_URL = f"{sandbox}/v3"
    modules_before = list(provider.modules)
    provider.modules = sorted({*provider.modules, "payments"})
    provider.save()
    with schema_context(provider.schema_name):
        make_yookassa_gateway("530003", purposes=["top_up"])
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="ru-RU"
    )
    page = context.new_page()
    base = f"http://{host_of(provider)}:{live_url}"
    try:
        log_in(page, base, "switcher@alpha.test", ("Эл. почта", "Пароль", "Войти"))
        assert "-120,50" in page.locator(".balance").inner_text()

        page.get_by_role("link", name="Пополнить баланс").click()
        page.get_by_label("Сумма").fill("500")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=SCREENSHOTS / "top-up-360.png", full_page=True)
        page.get_by_role("button", name="Перейти к оплате").click()
        page.get_by_role("button", name="Оплатить").click()  # the gateway's own page
        page.wait_for_url(f"{base}/pay/**")
        page.locator('[data-payment-status="succeeded"]').wait_for()
        page.goto(base + "/")

        assert "379,50" in page.locator(".balance").inner_text()
    finally:
        context.close()
        with schema_context(provider.schema_name):
            OnlinePayment.objects.all().delete()
            PaymentGateway.objects.all().delete()
        provider.modules = modules_before
        provider.save()
