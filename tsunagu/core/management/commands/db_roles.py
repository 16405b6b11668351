"""Privileges of the application's PostgreSQL role (docs/deploy.md §2).

The owner role runs ``migrate`` and owns every table and the audit log's append-only triggers; the
application connects as another role that may read and write the ordinary tables but only read and append
to the append-only ones (settings.TSUNAGU_APPEND_ONLY_TABLES). Not owning a table, it cannot drop it,
alter it (ALTER TABLE … DISABLE TRIGGER), drop its triggers or replace their function; not a superuser, it
cannot set session_replication_role to skip them.

Run as the owner after every ``migrate``: ``manage.py db_roles --app-role tsunagu_app --apply``; without
``--apply`` the statements are printed for a DBA to run.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_$]{0,62}")
_WRITES = ("UPDATE", "DELETE", "TRUNCATE")


def _quoted(name: str) -> str:
    if not _IDENTIFIER.fullmatch(name):
        raise CommandError(f"「{name}」は使えない名前です（英小文字・数字・_ のみ、63文字まで）。")
    return f'"{name}"'


def grant_statements(*, app_role: str, schema: str = "public", append_only: list[str] | None = None) -> list[str]:
    """The GRANTs and REVOKEs that give ``app_role`` its privileges, in order (the revokes last win)."""
    role, where = _quoted(app_role), _quoted(schema)
    tables = settings.TSUNAGU_APPEND_ONLY_TABLES if append_only is None else append_only
    return [
        # Before PostgreSQL 15 every role may create objects in the public schema.
        f"REVOKE CREATE ON SCHEMA {where} FROM PUBLIC",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {role}",
        f"GRANT USAGE ON SCHEMA {where} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {where} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {where} TO {role}",
        # Tables that later migrations create (run by this same owner role) get the same.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        *(f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {_quoted(t)} FROM {role}" for t in tables),
    ]


def role_problems(cursor: object, *, app_role: str, append_only: list[str]) -> list[str]:
    """What would let ``app_role`` change an append-only table; empty when nothing does."""
    execute = cursor.execute  # type: ignore[attr-defined]
    execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [app_role])
    row = cursor.fetchone()  # type: ignore[attr-defined]
    if row is None:
        return [f"ロール {app_role} がありません（CREATE ROLE {app_role} LOGIN PASSWORD '…'）。"]
    problems = [f"ロール {app_role} はスーパーユーザーです。"] if row[0] else []
    for table in append_only:
        execute("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass(%s)", [table])
        owner = cursor.fetchone()  # type: ignore[attr-defined]
        if owner is None:
            problems.append(f"テーブル {table} がありません（先に所有者のロールで migrate してください）。")
            continue
        execute("SELECT pg_has_role(%s, %s, 'USAGE')", [app_role, owner[0]])
        if cursor.fetchone()[0]:  # type: ignore[attr-defined]
            problems.append(f"ロール {app_role} は {table} の所有者 {owner[0]} の権限を持っています。")
        for privilege in _WRITES:
            execute("SELECT has_table_privilege(%s, %s, %s)", [app_role, table, privilege])
            if cursor.fetchone()[0]:  # type: ignore[attr-defined]
                problems.append(f"ロール {app_role} は {table} に {privilege} できます。")
    return problems


class Command(BaseCommand):
    help = (
        "アプリケーション用の PostgreSQL ロールに、監査ログは SELECT と INSERT だけ、"
        "他のテーブルは通常の読み書きを許可する。所有者のロールで migrate の後に実行する。"
        "例: db_roles --app-role tsunagu_app --apply"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app-role", required=True, help="アプリケーションが接続に使うロール")
        parser.add_argument("--schema", default="public")
        parser.add_argument("--apply", action="store_true", help="表示するだけでなく、このデータベースに実行する")

    def handle(self, *args: object, **options: str) -> None:
        app_role, append_only = options["app_role"], list(settings.TSUNAGU_APPEND_ONLY_TABLES)
        statements = grant_statements(app_role=app_role, schema=options["schema"], append_only=append_only)
        if not options["apply"]:
            self.stdout.write("".join(f"{s};\n" for s in statements))
            return
        if connection.vendor != "postgresql":
            raise CommandError("--apply は PostgreSQL でのみ使えます（SQLite には利用者ごとの権限がありません）。")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            if cursor.fetchone()[0] == app_role:
                raise CommandError("アプリケーションのロールではなく、テーブルの所有者のロールで実行してください。")
            problems = role_problems(cursor, app_role=app_role, append_only=[])
            if problems:
                raise CommandError(" ".join(problems))
            for statement in statements:
                cursor.execute(statement)
            problems = role_problems(cursor, app_role=app_role, append_only=append_only)
            if problems:
                raise CommandError(" ".join(problems))
        self.stdout.write(
            f"ロール {app_role} の権限を設定しました（{len(statements)}件）。"
            f"監査ログ（{'、'.join(append_only)}）は SELECT と INSERT のみです。"
        )
