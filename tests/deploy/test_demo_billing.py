"""The demo's billing data is accepted whole by the simulator and mirrors into Kabinet."""

import pytest

from connectors.billing.files import AsteriskCdrParser
from deploy.demo.billing import DATA, NOW, SEEDS
from tests.sandboxes.conftest import billing, simulator  # noqa: F401 - shared fixtures


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_demo_billing_seeds_are_accepted(billing, seed):  # noqa: F811 - pytest fixture
    tenant = billing.tenant(seed=False, currency="EUR" if seed == "hosting" else "RUB")

    stored = tenant.seed(SEEDS[seed]())

    assert stored["accounts"] > 0
    assert stored["documents"] > 0
    if seed == "isp":
        assert stored["usage"] == 3 * 3626 + sum(1 for _ in calls())


def calls():
    with (DATA / "asterisk" / "Master.csv").open("rb") as file:
        yield from AsteriskCdrParser(file, now=NOW).records()
