from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.errors import WrongSchemaError
from tenants.tasks import provider_task_send, providers_fan_out_task
from tenants.users.tasks import sessions_clear_expired_task


def add_sessions(schema: str, expired: int, live: int) -> None:
    with schema_context(schema):
        now = timezone.now()
        for index in range(expired + live):
            Session.objects.create(
                session_key=f"{schema}-{index}".ljust(32, "x"),
                session_data="",
                expire_date=now - timedelta(days=1) if index < expired else now + timedelta(days=1),
            )


def session_count(schema: str) -> int:
    """Sessions made by add_sessions (browsers of other tests may have left their own)."""
    with schema_context(schema):
        return Session.objects.filter(session_key__startswith=f"{schema}-").count()


def test_task_runs_in_the_schema_of_the_provider_it_was_given(db, eager, provider_a, provider_b):
    add_sessions(provider_a.schema_name, expired=2, live=1)
    add_sessions(provider_b.schema_name, expired=3, live=1)

    result = provider_task_send(sessions_clear_expired_task, provider_a)

    assert result.get() == 2
    assert session_count(provider_a.schema_name) == 1
    assert session_count(provider_b.schema_name) == 4
    assert connection.schema_name == "public"


def test_task_queued_from_the_wrong_schema_refuses_to_run(db, eager, provider_a, provider_b):
    add_sessions(provider_a.schema_name, expired=2, live=0)

    with schema_context(provider_b.schema_name), pytest.raises(WrongSchemaError):
        sessions_clear_expired_task.apply_async(args=[provider_a.schema_name])
    with pytest.raises(WrongSchemaError):
        sessions_clear_expired_task.apply_async(args=[provider_a.schema_name])

    assert session_count(provider_a.schema_name) == 2


@pytest.mark.parametrize("schema", ["public", "kabinet_template"])
def test_task_refuses_schemas_that_are_not_providers(db, eager, schema):
    with schema_context(schema), pytest.raises(WrongSchemaError):
        sessions_clear_expired_task.apply_async(args=[schema])


def test_fan_out_reaches_every_served_provider(db, eager, provider_a, provider_b):
    add_sessions(provider_a.schema_name, expired=1, live=0)
    add_sessions(provider_b.schema_name, expired=1, live=0)
    provider_b.status = "suspended"
    provider_b.save()

    sent = providers_fan_out_task.apply(args=["tenants.users.tasks.sessions_clear_expired_task"])

    assert sent.get() >= 1
    assert session_count(provider_a.schema_name) == 0
    assert session_count(provider_b.schema_name) == 1


def test_task_refuses_a_provider_whose_schema_is_gone(db, eager, provider_a):
    add_sessions(provider_a.schema_name, expired=1, live=0)
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER SCHEMA "{provider_a.schema_name}" RENAME TO gone_away')

    with pytest.raises(WrongSchemaError):
        provider_task_send(sessions_clear_expired_task, provider_a)


def test_platform_sessions_are_cleared_in_the_public_schema_only(db, eager, provider_a):
    from tenants.users.tasks import platform_sessions_clear_expired_task

    add_sessions("public", expired=2, live=1)
    add_sessions(provider_a.schema_name, expired=1, live=0)

    assert platform_sessions_clear_expired_task.apply().get() == 2
    assert session_count("public") == 1
    assert session_count(provider_a.schema_name) == 1
    with schema_context(provider_a.schema_name), pytest.raises(WrongSchemaError):
        platform_sessions_clear_expired_task.apply_async()
