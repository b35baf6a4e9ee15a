"""Saved cards and automatic top-ups: a client keeps a card while paying, sets "top up by X when
the balance falls below Y" with consent, and the background task charges it at most once per
period, through the real SDKs against the gateway sandboxes, and e-mails the result."""

from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from django.core import mail
from django.test import TestCase
from django.utils import timezone
from django_tenants.utils import schema_context

from branding.services import brandbook_publish, brandbook_update
from cabinet.accounts.models import ClientAccount
from cabinet.payments.models import AutoTopUp, OnlinePayment, SavedCard
from cabinet.payments.tasks import auto_top_up_task
from cabinet.sync.models import OutboxKind, OutboxMessage, OutboxStatus
from tests.cabinet.gateways import paid_top_up, pay_on_gateway, pay_on_stripe
from tests.cabinet.test_home import browser_for

pytestmark = pytest.mark.usefixtures("eager")
RULE = {"threshold": "0.00", "amount": "300.00", "period": "week", "consent": "on"}


def pay_and_keep_the_card(client, pay) -> SavedCard:
    payment = paid_top_up(client, "100.00", pay, keep_card=True)
    with schema_context(client.provider.schema_name):
        return SavedCard.objects.get(pk=payment.card_id)


def set_balance(provider, value: str) -> None:
    with schema_context(provider.schema_name):
        ClientAccount.objects.filter(external_id="acc:1").update(balance=Decimal(value))


def run_task(provider) -> int:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return auto_top_up_task.delay(provider.schema_name).get()


def test_a_stripe_card_kept_while_paying_tops_up_once_per_period(client_a, stripe_a, billing_a):
    card = pay_and_keep_the_card(client_a, pay_on_stripe)
    browser = browser_for(client_a)
    saved = browser.post("/pay/auto/", {**RULE, "card": card.pk})
    set_balance(client_a.provider, "-50.00")
    with schema_context(client_a.provider.schema_name):
        brandbook_update(email_header="Альфа-Связь & партнёры", email_footer="Звоните: 8 800")
        brandbook_publish(user=None, mode="site")
    mail.outbox.clear()

    first, second = run_task(client_a.provider), run_task(client_a.provider)
    page = browser.get("/pay/auto/").content.decode()

    assert card.title == "Visa •••• 4242"
    assert saved.status_code == 302
    assert (first, second) == (1, 0)
    with schema_context(client_a.provider.schema_name):
        automatic = OnlinePayment.objects.get(automatic=True)
        assert (automatic.status, automatic.amount, automatic.card_id) == (
            "succeeded",
            Decimal("300.00"),
            card.pk,
        )
        rule = AutoTopUp.objects.get()
        assert rule.agreed_by == client_a.user
        assert rule.agreed_at is not None
        credits = OutboxMessage.objects.filter(
            kind=OutboxKind.PAYMENT, status=OutboxStatus.DELIVERED
        )
        assert credits.count() == 2
    # −120.50 + 100 by hand + 300 automatically
    assert billing_a.get("/accounts/acc:1").json()["balance"]["value"] == "279.50"
    assert [message.to for message in mail.outbox] == [[client_a.user.email]]
    assert "Visa •••• 4242" in mail.outbox[0].body
    assert mail.outbox[0].body.startswith("Альфа-Связь & партнёры\n\n")
    assert mail.outbox[0].body.rstrip().endswith("Звоните: 8 800")
    assert 'data-auto-top-up="on"' in page


def test_a_declined_saved_card_is_tried_once_and_the_client_is_told(
    client_a, stripe_a, stripe_sandbox
):
    card = pay_and_keep_the_card(client_a, pay_on_stripe)
    browser_for(client_a).post("/pay/auto/", {**RULE, "card": card.pk})
    requests.put(
        f"{stripe_sandbox}/_admin/payment_methods/{card.token}",
        json={"decline_code": "insufficient_funds"},
        timeout=5,
    )
    set_balance(client_a.provider, "-50.00")
    mail.outbox.clear()

    first, second = run_task(client_a.provider), run_task(client_a.provider)

    assert (first, second) == (0, 0)
    with schema_context(client_a.provider.schema_name):
        automatic = OnlinePayment.objects.get(automatic=True)
        assert (automatic.status, automatic.cancellation_reason) == (
            "canceled",
            "insufficient_funds",
        )
        assert not OutboxMessage.objects.filter(payload__amount="300.00").exists()
    assert len(mail.outbox) == 1
    assert "insufficient_funds" in mail.outbox[0].body


def test_a_new_period_allows_the_next_charge_and_a_high_balance_none(client_a, stripe_a):
    card = pay_and_keep_the_card(client_a, pay_on_stripe)
    browser_for(client_a).post("/pay/auto/", {**RULE, "card": card.pk, "period": "day"})

    set_balance(client_a.provider, "50.00")
    above = run_task(client_a.provider)
    set_balance(client_a.provider, "-1.00")
    below = run_task(client_a.provider)
    with schema_context(client_a.provider.schema_name):
        AutoTopUp.objects.update(last_attempt_at=timezone.now() - timedelta(days=1, minutes=1))
    set_balance(client_a.provider, "-1.00")  # billing had the top-up; the balance fell again
    next_day = run_task(client_a.provider)

    assert (above, below, next_day) == (0, 1, 1)


def test_a_yookassa_card_kept_while_paying_tops_up(client_a, shop_a, billing_a):
    card = pay_and_keep_the_card(client_a, pay_on_gateway)
    browser_for(client_a).post("/pay/auto/", {**RULE, "card": card.pk})
    set_balance(client_a.provider, "-50.00")

    assert run_task(client_a.provider) == 1
    assert card.title.endswith("4477")
    assert billing_a.get("/accounts/acc:1").json()["balance"]["value"] == "279.50"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent": ""}, "consent"),
        ({"amount": "0"}, "amount"),
        ({"amount": "99999.00"}, "amount"),
        ({"amount": "10.001"}, "amount"),
        ({"threshold": "abc"}, "threshold"),
        ({"period": "hour"}, "period"),
        ({"card": "999999"}, "card"),
    ],
)
def test_a_bad_rule_is_a_field_error_and_nothing_is_set(client_a, stripe_a, change, field):
    card = pay_and_keep_the_card(client_a, pay_on_stripe)

    answer = browser_for(client_a).post("/pay/auto/", {**RULE, "card": card.pk, **change})

    assert answer.status_code == 400
    assert answer.context["form"].errors.get(field)
    with schema_context(client_a.provider.schema_name):
        assert not AutoTopUp.objects.exists()


def test_another_accounts_card_cannot_be_used_or_removed(client_a, stripe_a, client_b):
    card = pay_and_keep_the_card(client_a, pay_on_stripe)
    stranger = browser_for(client_b)

    removed = stranger.post(f"/pay/cards/{card.pk}/delete")
    with schema_context(client_a.provider.schema_name):
        other = ClientAccount.objects.get(external_id="acc:2")
        SavedCard.objects.filter(pk=card.pk).update(account=other)
    used = browser_for(client_a).post("/pay/auto/", {**RULE, "card": card.pk})

    assert removed.status_code != 302  # provider B knows neither the card nor the client's account
    assert used.status_code == 400
    with schema_context(client_a.provider.schema_name):
        assert SavedCard.objects.filter(pk=card.pk).exists()
        assert not AutoTopUp.objects.exists()


def test_removing_the_card_stops_its_top_ups(client_a, stripe_a):
    card = pay_and_keep_the_card(client_a, pay_on_stripe)
    browser = browser_for(client_a)
    browser.post("/pay/auto/", {**RULE, "card": card.pk})

    removed = browser.post(f"/pay/cards/{card.pk}/delete")
    set_balance(client_a.provider, "-50.00")

    assert removed.status_code == 302
    assert run_task(client_a.provider) == 0
    with schema_context(client_a.provider.schema_name):
        assert not SavedCard.objects.filter(removed_at__isnull=True).exists()
        assert not AutoTopUp.objects.exists()
    assert card.title not in browser.get("/pay/auto/").content.decode()
