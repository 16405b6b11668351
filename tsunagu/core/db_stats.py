"""The query planner's statistics, refreshed after a bulk load and kept fresh by a scheduled job.

Without statistics a freshly loaded database is planned blind: on SQLite the name search walked all
500,000 people in kana order (p95 70 ms) where the analysed city answers in 10 ms (issue 16). So every
bulk load (``demo_town``, the resident import) refreshes them when it commits, and the ``db_statistics``
job (``tsunagu.notifications.jobs``) runs the cheap incremental form nightly.

- SQLite: ``ANALYZE`` after a load (exact; a few seconds at city scale); nightly ``PRAGMA optimize``, which
  re-analyses only the tables whose size changed much, with ``analysis_limit`` keeping each one quick.
- PostgreSQL: ``ANALYZE`` of the tables the connecting role owns (before PostgreSQL 17 only the owner may;
  the application role of docs/deploy.md owns none, and then autovacuum's analyse — docs/deploy.md — is what
  keeps them fresh, within a minute of a load that changed a tenth of a table).
"""

from __future__ import annotations

import logging

from django.db import connections, transaction

logger = logging.getLogger(__name__)

# Rows SQLite reads per index for the nightly approximate analysis (its documentation suggests 100–1000).
ANALYSIS_LIMIT = 1000


def statistics_refresh(*, using: str = "default", full: bool = True) -> list[str]:
    """Refresh the planner's statistics; the statements run (for the job's record and the tests)."""
    connection = connections[using]
    statements: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            statements = ["ANALYZE"] if full else [f"PRAGMA analysis_limit={ANALYSIS_LIMIT}", "PRAGMA optimize=0x10002"]
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables"
                " WHERE schemaname = current_schema() AND tableowner = current_user ORDER BY tablename"
            )
            owned = [row[0] for row in cursor.fetchall()]
            if owned:
                statements = [f"ANALYZE {', '.join(owned)}"]
            else:
                logger.info("statistics: this role owns no table; autovacuum analyses them (docs/deploy.md)")
        for statement in statements:
            cursor.execute(statement)
            if statement.startswith("PRAGMA optimize"):
                cursor.fetchall()
    return statements


def statistics_refresh_on_commit(*, using: str = "default") -> None:
    """After the bulk load in progress commits (at once outside a transaction); a rolled-back load skips it."""
    transaction.on_commit(lambda: statistics_refresh(using=using), using=using)
