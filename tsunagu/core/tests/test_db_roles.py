"""The application's PostgreSQL role cannot lift the audit log's append-only triggers (issue 10 §5).

On PostgreSQL the test creates a login role, gives it the privileges `db_roles` grants, connects as it
(trust authentication on 127.0.0.1, as on the developers' and CI's clusters) and tries every way to change
or unprotect the audit table; each is refused, while ordinary reads and writes work.
"""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from tsunagu.audit import triggers


def test_the_append_only_tables_are_the_audit_log():
    assert settings.TSUNAGU_APPEND_ONLY_TABLES == [triggers.TABLE]


def test_prints_the_grants_for_a_dba():
    out = io.StringIO()
    call_command("db_roles", "--app-role", "tsunagu_app", stdout=out)
    printed = out.getvalue()
    assert 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "public" TO "tsunagu_app";' in printed
    assert 'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "audit_auditentry" FROM "tsunagu_app";' in printed
    # The audit revoke comes after the grant to every table, so it is the one in force.
    assert printed.index("ON ALL TABLES") < printed.index('ON "audit_auditentry"')


def test_refuses_a_name_that_is_no_plain_identifier():
    with pytest.raises(CommandError, match="使えない名前"):
        call_command("db_roles", "--app-role", 'app"; DROP TABLE audit_auditentry; --', stdout=io.StringIO())


@pytest.mark.django_db
def test_apply_needs_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    with pytest.raises(CommandError, match="PostgreSQL でのみ"):
        call_command("db_roles", "--app-role", "tsunagu_app", "--apply", stdout=io.StringIO())


# --- On PostgreSQL: connect as the application's role ------------------------------------------------------


@pytest.fixture
def app_role(django_db_setup, django_db_blocker):
    """A login role with db_roles' privileges on the test database, committed (another connection uses it)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (SQLite has no roles)")
    import psycopg

    params = connection.get_connection_params()
    dbname = connection.settings_dict["NAME"]
    role = f"{dbname}_app"[:63]
    owner = psycopg.connect(**{**params, "dbname": dbname}, autocommit=True)
    with owner.cursor() as cursor:
        if _role_exists(cursor, role):  # left by an interrupted run
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
    with django_db_blocker.unblock():
        call_command("db_roles", "--app-role", role, "--apply", stdout=io.StringIO())
    app = psycopg.connect(host=params.get("host", "127.0.0.1"), port=params.get("port", 5432), user=role, dbname=dbname)
    yield app
    app.close()
    with owner.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')
    owner.close()


def _role_exists(cursor, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


ATTEMPTS = {
    "drop the table": f"DROP TABLE {triggers.TABLE}",
    "disable the triggers": f"ALTER TABLE {triggers.TABLE} DISABLE TRIGGER ALL",
    "disable one trigger": f"ALTER TABLE {triggers.TABLE} DISABLE TRIGGER audit_no_update_delete",
    "drop a trigger": f"DROP TRIGGER audit_no_update_delete ON {triggers.TABLE}",
    "replace the trigger function": "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END; $$",
    "skip triggers for the session": "SET session_replication_role = replica",
    "update a row": f"UPDATE {triggers.TABLE} SET summary = 'changed'",  # noqa: S608 (a constant table name)
    "delete rows": f"DELETE FROM {triggers.TABLE}",  # noqa: S608
    "truncate": f"TRUNCATE {triggers.TABLE}",
    "rename the table": f"ALTER TABLE {triggers.TABLE} RENAME TO audit_old",
    "create a table in the schema": "CREATE TABLE public.audit_shadow (id int)",
}


def test_the_application_role_cannot_change_or_unprotect_the_audit_log(app_role):
    import psycopg

    refused = {}
    for what, statement in ATTEMPTS.items():
        with app_role.cursor() as cursor:
            try:
                cursor.execute(statement)
            except psycopg.errors.InsufficientPrivilege as exc:
                refused[what] = type(exc).__name__
            app_role.rollback()
    print(f"\ndb_roles: {len(refused)} of {len(ATTEMPTS)} attempts on the audit table refused to the application role")
    assert set(refused) == set(ATTEMPTS)
    with app_role.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False,)


def test_the_application_role_reads_and_appends_to_the_audit_log_and_writes_the_rest(app_role):
    with app_role.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {triggers.TABLE}")  # noqa: S608
        assert cursor.fetchone()[0] >= 0
        # Appending is what every audited page does (the production run in docs/deploy.md signs in as this role);
        # here the privilege, since the entry's columns are the audit app's to change.
        cursor.execute("SELECT has_table_privilege(current_user, %s, 'INSERT')", [triggers.TABLE])
        assert cursor.fetchone() == (True,)
        cursor.execute(
            "INSERT INTO core_municipality (code, name, name_kana, prefecture, two_factor_roles)"
            " VALUES ('999999', 'テスト町', '', 'テスト県', '[]') RETURNING id"
        )
        town = cursor.fetchone()[0]
        cursor.execute("UPDATE core_municipality SET name = 'テスト村' WHERE id = %s", [town])
        cursor.execute("DELETE FROM core_municipality WHERE id = %s", [town])
        assert cursor.rowcount == 1
    app_role.rollback()  # nothing of this stays in the test database
