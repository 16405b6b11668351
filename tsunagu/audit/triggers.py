"""Database triggers that make the audit table append-only, on SQLite and PostgreSQL alike.

``inspect`` tells ``audit_verify`` whether they are still in place: whoever can drop them can change the
table, and the keyed chains and seals are what then still tell.
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditentry"

_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused'); END""",
]
_SQLITE_UNINSTALL = ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"]

_POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP; END; $$""",
    f"""CREATE OR REPLACE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
    f"""CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()""",
]
_POSTGRES_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS audit_no_update_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
]


def _statements(connection: BaseDatabaseWrapper, *, install: bool) -> list[str]:
    if connection.vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_UNINSTALL
    if connection.vendor == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_UNINSTALL
    raise ImproperlyConfigured(f"Tsunagu runs on SQLite or PostgreSQL, not {connection.vendor}")


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=True):
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Only for migrations backwards and for the test suite's database flush."""
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=False):
            cursor.execute(statement)


# --- Checking that they are still there, and still do what they were made to do --------------------------
@dataclass(frozen=True)
class TriggerProblem:
    name: str
    disabled: bool  # present but switched off (PostgreSQL's ALTER TABLE … DISABLE TRIGGER)
    detail: str


def _normalised(sql: str) -> str:
    return " ".join(sql.replace("IF NOT EXISTS ", "").replace("OR REPLACE ", "").split())


# PostgreSQL's pg_trigger.tgtype bits: ROW 1, BEFORE 2, DELETE 8, UPDATE 16, TRUNCATE 32.
_POSTGRES_EXPECTED = {"audit_no_update_delete": 1 | 2 | 8 | 16, "audit_no_truncate": 2 | 32}
_POSTGRES_FUNCTION_BODY = _normalised(_POSTGRES_INSTALL[0].split("$$")[1])


def inspect(connection: BaseDatabaseWrapper) -> list[TriggerProblem]:
    """Each append-only trigger that is missing, disabled, or no longer refuses what it should.

    A trigger that is there but neutered — a WHEN clause, a function that returns instead of raising —
    counts as missing: the table would accept the change all the same.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            found = {name: _normalised(sql or "") for name, sql in cursor.fetchall()}
            expected = {statement.split()[5]: _normalised(statement) for statement in _SQLITE_INSTALL}
            return [
                TriggerProblem(name, False, "ありません" if name not in found else "定義が書き換えられています")
                for name, sql in expected.items()
                if found.get(name) != sql
            ]
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured(f"Tsunagu runs on SQLite or PostgreSQL, not {connection.vendor}")
        cursor.execute(
            """SELECT t.tgname, t.tgenabled, t.tgtype, t.tgqual IS NULL, p.proname, p.prosrc
               FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
               WHERE t.tgrelid = to_regclass(%s) AND NOT t.tgisinternal""",
            [TABLE],
        )
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    problems = []
    for name, tgtype in _POSTGRES_EXPECTED.items():
        if name not in rows:
            problems.append(TriggerProblem(name, False, "ありません"))
            continue
        enabled, actual_type, unconditional, function, body = rows[name]
        if enabled not in ("O", "A"):  # "D" disabled, "R" fires only in replication
            problems.append(TriggerProblem(name, True, "無効にされています"))
        elif actual_type != tgtype or not unconditional or function != "audit_append_only":
            problems.append(TriggerProblem(name, False, "定義が書き換えられています"))
        elif _normalised(body) != _POSTGRES_FUNCTION_BODY:
            problems.append(TriggerProblem(name, False, "関数 audit_append_only が書き換えられています"))
    return problems
