import pytest


@pytest.fixture(autouse=True)
def _seals_of_this_test(settings, tmp_path):
    """Each test seals into its own store: seals describe one database, and each test has its own."""
    settings.AUDIT_SEAL_DIR = tmp_path / "audit-seals"
