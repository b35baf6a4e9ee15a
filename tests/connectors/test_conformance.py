"""The contract conformance check, against the simulator done right and done wrong."""

import pytest
from django.core.management import CommandError, call_command

from tests.sandboxes.conftest import billing, simulator  # noqa: F401 - shared fixtures


@pytest.fixture
def allow_loopback(settings):
    settings.CONNECTOR_ALLOWED_NETWORKS = ["127.0.0.1/32"]


def test_a_server_that_follows_the_contract_passes(billing, allow_loopback, capsys):  # noqa: F811
    tenant = billing.tenant()

    call_command(
        "billing_conformance",
        f"{billing.base}/{tenant.name}",
        token=tenant.token,
        write_account="acc:1",
    )

    out = capsys.readouterr().out
    assert "FAIL" not in out
    assert "all 11 checks passed" in out


def test_a_server_that_answers_garbage_is_told_what_is_wrong(billing, allow_loopback, capsys):  # noqa: F811
    tenant = billing.tenant()
    tenant.admin("PUT", "/faults", {"mode": "garbage", "garbage": "json"})

    with pytest.raises(CommandError, match="checks failed"):
        call_command("billing_conformance", f"{billing.base}/{tenant.name}", token=tenant.token)

    out = capsys.readouterr().out
    assert "FAIL  accounts: shape and paging: BadResponse" in out


def test_a_wrong_token_fails_every_read(billing, allow_loopback, capsys):  # noqa: F811
    tenant = billing.tenant()

    with pytest.raises(CommandError):
        call_command("billing_conformance", f"{billing.base}/{tenant.name}", token="wrong")

    assert "PASS  authentication is required" in capsys.readouterr().out
