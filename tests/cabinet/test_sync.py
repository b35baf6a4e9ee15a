"""The sync engine against the billing simulator, over real HTTP."""

from datetime import datetime
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from cabinet.accounts.models import NOTICE_PLAN_CHANGED_ELSEWHERE, ClientAccount, Notice
from cabinet.documents.models import Document
from cabinet.payments.models import BillingPayment
from cabinet.services.models import Subscription
from cabinet.sync.connection import billing_connector
from cabinet.sync.models import OutboxKind, OutboxMessage, OutboxStatus, SyncState
from cabinet.sync.outbox import outbox_deliver_account, outbox_enqueue
from cabinet.sync.services import (
    account_refresh,
    accounts_sync,
    catalog_sync,
    reconcile,
)
from connectors.errors import BadResponse, Unavailable
from tests.cabinet.conftest import full_sync


def test_a_full_sync_mirrors_accounts_plans_and_services(provider_a, provider_b, billing_a):
    full_sync(provider_a.schema_name)

    with schema_context(provider_a.schema_name):
        account = ClientAccount.objects.get(external_id="acc:1")
        assert (account.number, account.balance, account.currency) == (
            "12345/2021",
            Decimal("-120.50"),
            "RUB",
        )
        assert ClientAccount.objects.get(external_id="acc:2").holder_kind == "legal_entity"
        assert list(
            Subscription.objects.order_by("external_id").values_list(
                "external_id", "plan__name", "identifiers__login"
            )
        ) == [
            ("svc:1", "Домашний 100", "u1"),
            ("svc:2", "Домашний 100", None),
        ]
        assert list(Document.objects.values_list("number", "account__external_id")) == [
            ("77", "acc:1")
        ]
        assert BillingPayment.objects.get().amount == Decimal("300.00")
    with schema_context(provider_b.schema_name):
        assert not ClientAccount.objects.exists()
        assert not Document.objects.exists()


def test_syncing_again_changes_nothing(provider_a, billing_a):
    full_sync(provider_a.schema_name)
    with schema_context(provider_a.schema_name):
        before = list(ClientAccount.objects.order_by("id").values_list("id", "balance", "status"))
    full_sync(provider_a.schema_name)
    with schema_context(provider_a.schema_name):
        after = list(ClientAccount.objects.order_by("id").values_list("id", "balance", "status"))
        assert Subscription.objects.count() == 2
    assert after == before


def test_refreshing_an_account_brings_its_documents_and_payments(provider_a, billing_a):
    with schema_context(provider_a.schema_name):
        catalog_sync(billing_connector())
        account_refresh(billing_connector(), "acc:1")

        assert Document.objects.get().number == "77"
        assert BillingPayment.objects.get().amount == Decimal("300.00")


def test_a_tariff_changed_in_the_office_is_found_at_night_and_told(provider_a, billing_a):
    full_sync(provider_a.schema_name)
    changed = billing_a.admin(
        "POST",
        "/office-change",
        {"subscription_id": "svc:1", "plan_id": "tp:7", "emit_event": False},
    )
    assert changed.ok, changed.text

    with schema_context(provider_a.schema_name):
        report = reconcile(billing_connector())
        notice = Notice.objects.get()

        assert report.notices == 1
        assert (notice.kind, notice.data["before"], notice.data["after"]) == (
            NOTICE_PLAN_CHANGED_ELSEWHERE,
            "tp:5",
            "tp:7",
        )
        assert Subscription.objects.get(external_id="svc:1").plan.external_id == "tp:7"
        assert reconcile(billing_connector()).notices == 0


def payment_message(account: ClientAccount, amount: str = "500.00") -> OutboxMessage:
    return outbox_enqueue(
        kind=OutboxKind.PAYMENT,
        account=account,
        target_id=account.external_id,
        payload={
            "amount": amount,
            "currency": "RUB",
            "method": "card",
            "external_ref": f"gateway:{amount}",
            "paid_at": "2026-11-30T10:00:00+03:00",
        },
    )


def test_a_payment_goes_out_once_even_when_the_billing_was_down(provider_a, billing_a):
    full_sync(provider_a.schema_name)
    with schema_context(provider_a.schema_name):
        account = ClientAccount.objects.get(external_id="acc:1")
        message = payment_message(account)
        billing_a.admin("PUT", "/faults", {"mode": "down"})

        assert outbox_deliver_account(connector=billing_connector(), account_id=account.pk) == 0
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
        assert "503" in message.last_error

        billing_a.admin("PUT", "/faults", {"mode": "none"})
        OutboxMessage.objects.update(next_attempt_at=message.created_at)
        assert outbox_deliver_account(connector=billing_connector(), account_id=account.pk) == 1
        assert outbox_deliver_account(connector=billing_connector(), account_id=account.pk) == 0

    payments = billing_a.get("/accounts/acc:1/payments").json()["items"]
    assert [p["amount"]["value"] for p in payments].count("500.00") == 1
    assert billing_a.get("/accounts/acc:1").json()["balance"]["value"] == "379.50"


def test_a_lost_answer_is_retried_with_the_same_key_and_not_paid_twice(provider_a, billing_a):
    full_sync(provider_a.schema_name)
    with schema_context(provider_a.schema_name):
        account = ClientAccount.objects.get(external_id="acc:1")
        message = payment_message(account, "250.00")
        connector = billing_connector()
        # The billing system applies the payment, but Kabinet never hears back.
        connector.post_payment(
            "acc:1",
            amount=__import__("connectors.billing.types").billing.types.Money(
                Decimal("250.00"), "RUB"
            ),
            method="card",
            external_ref="gateway:250.00",
            paid_at=datetime.fromisoformat(message.payload["paid_at"]),
            idempotency_key=str(message.idempotency_key),
        )

        delivered = outbox_deliver_account(connector=connector, account_id=account.pk)
        message.refresh_from_db()
        assert (delivered, message.status, message.last_error) == (1, OutboxStatus.DELIVERED, "")

    payments = billing_a.get("/accounts/acc:1/payments").json()["items"]
    assert [p["amount"]["value"] for p in payments].count("250.00") == 1


def test_writes_of_one_account_keep_their_order(provider_a, billing_a):
    full_sync(provider_a.schema_name)
    with schema_context(provider_a.schema_name):
        account = ClientAccount.objects.get(external_id="acc:1")
        first = payment_message(account, "100.00")
        second = payment_message(account, "200.00")
        billing_a.admin("PUT", "/faults", {"mode": "down", "fail_next": 3})

        outbox_deliver_account(connector=billing_connector(), account_id=account.pk)
        second.refresh_from_db()
        assert (second.attempts, second.status) == (0, OutboxStatus.PENDING)

        OutboxMessage.objects.update(next_attempt_at=first.created_at)
        assert outbox_deliver_account(connector=billing_connector(), account_id=account.pk) == 2
    values = [
        p["amount"]["value"] for p in billing_a.get("/accounts/acc:1/payments").json()["items"]
    ]
    assert values.index("100.00") < values.index("200.00")


@pytest.mark.parametrize(("fault", "error"), [("down", Unavailable), ("garbage", BadResponse)])
def test_a_failing_billing_system_is_a_recorded_sync_error(provider_a, billing_a, fault, error):
    billing_a.admin("PUT", "/faults", {"mode": fault})

    with schema_context(provider_a.schema_name):
        with pytest.raises(error):
            accounts_sync(billing_connector(), full=True)
        state = SyncState.objects.get(stream="accounts")

    assert state.consecutive_failures == 1
    assert state.last_error
    assert "token-a" not in state.last_error


def test_staff_see_sync_status_and_clients_do_not(
    provider_a, provider_b, billing_a, admin_a, client_a
):
    from django.test import Client

    from tenants.users.models import Role
    from tests.conftest import host_of, make_user
    from tests.tenants.test_logins import login

    billing_a.admin("PUT", "/faults", {"mode": "down"})
    with schema_context(provider_a.schema_name), pytest.raises(Unavailable):
        accounts_sync(billing_connector(), full=True)
    staff = Client(HTTP_HOST=host_of(provider_a))
    login(staff, admin_a.user.email)
    customer = Client(HTTP_HOST=host_of(provider_a))
    login(customer, client_a.user.email)

    page = staff.get("/manage/sync/").content.decode()

    assert "503" in page
    assert "token-a" not in page
    assert customer.get("/manage/sync/").status_code == 403
    other_admin = make_user(provider_b, Role.PROVIDER_ADMIN, "admin@bravo.test")
    elsewhere = Client(HTTP_HOST=host_of(provider_b))
    login(elsewhere, other_admin.user.email)
    assert "503" not in elsewhere.get("/manage/sync/").content.decode()


@pytest.mark.parametrize("status", [401, 429])
def test_a_passing_refusal_keeps_the_payment_waiting(provider_a, billing_a, status):
    full_sync(provider_a.schema_name)
    with schema_context(provider_a.schema_name):
        account = ClientAccount.objects.get(external_id="acc:1")
        message = payment_message(account, "70.00")
        billing_a.admin("PUT", "/faults", {"mode": "error", "status": status})

        outbox_deliver_account(connector=billing_connector(), account_id=account.pk)
        message.refresh_from_db()
        assert message.status == OutboxStatus.PENDING

        billing_a.admin("PUT", "/faults", {"mode": "none"})
        OutboxMessage.objects.update(next_attempt_at=message.created_at)
        assert outbox_deliver_account(connector=billing_connector(), account_id=account.pk) == 1


def test_a_documents_pdf_is_fetched_once_into_the_providers_folder(provider_a, billing_a):
    from cabinet.documents.services import document_file_fetch

    full_sync(provider_a.schema_name)
    with schema_context(provider_a.schema_name):
        document = Document.objects.get(external_id="doc:77")
        document_file_fetch(connector=billing_connector(), document=document)
        billing_a.admin("PUT", "/faults", {"mode": "down"})
        again = document_file_fetch(connector=billing_connector(), document=document)
        path = again.file.path
        content = again.file.read()

    assert content.startswith(b"%PDF-")
    assert f"/{provider_a.schema_name}/documents/" in path
