from django.db import connection
from django_tenants.utils import schema_context

from connectors.models import BillingConnection


def test_credentials_are_encrypted_at_rest_and_read_back(db, provider_a):
    with schema_context(provider_a.schema_name):
        BillingConnection.objects.create(
            kind="rest", base_url="https://billing.example/", credentials={"token": "s3cret-token"}
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT credentials FROM connectors_billingconnection")
            (stored,) = cursor.fetchone()
        loaded = BillingConnection.objects.get()

    assert "s3cret-token" not in stored
    assert loaded.credentials == {"token": "s3cret-token"}
    assert "s3cret" not in str(loaded)
    assert "s3cret" not in repr(loaded)


def test_each_provider_keeps_its_own_connection(db, provider_a, provider_b):
    with schema_context(provider_a.schema_name):
        BillingConnection.objects.create(kind="rest", credentials={"token": "alpha"})
    with schema_context(provider_b.schema_name):
        assert not BillingConnection.objects.exists()
