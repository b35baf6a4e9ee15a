from tests.sandboxes.conftest import billing, simulator  # noqa: F401 - shared fixtures
