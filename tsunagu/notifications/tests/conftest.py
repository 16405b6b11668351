import pytest


@pytest.fixture(autouse=True)
def _seals_of_this_test(settings, tmp_path):
    """The audit jobs seal into the test's own store: seals describe one database (as audit's tests do)."""
    settings.AUDIT_SEAL_DIR = tmp_path / "audit-seals"
