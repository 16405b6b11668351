"""Issue 9, finding 2: the audit log cannot be quietly rewritten, even by someone who owns the database.

Each tampering is done as that person would: with the append-only triggers lifted where the change needs
it (or left in place, for an INSERT, which they allow), by SQL or the ORM straight at the table — never
through ``audit_record``. The key and the seal store are out of their reach (docs/audit.md). After each,
``audit_verify`` must exit non-zero and name the damage in Japanese; then the tampering is rolled back
(a savepoint, DDL included, on SQLite and PostgreSQL alike) and the log must verify clean again.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from tsunagu.audit import chain, triggers
from tsunagu.audit.keys import AuditKey, _derive, audit_key_check, current_key
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.audit.seals import audit_seal, seal_path
from tsunagu.audit.services import audit_record, payload_of
from tsunagu.audit.verify import Damage

ATTACKER_KEY = "the attacker's own key, which is not the town's one"


def run_verify(*args: str) -> tuple[int, str]:
    """Exit status and what the operator reads. A traceback is not an answer: it fails the test."""
    out = StringIO()
    try:
        call_command("audit_verify", *args, stdout=out)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, out.getvalue()


def write(user, n: int, label: str) -> list[AuditEntry]:
    return [
        audit_record(user=user, action=Action.READ, summary=f"{label}{i}", person_id=100 + i, basis="own_record")
        for i in range(n)
    ]


@dataclass
class Log:
    long: list[AuditEntry]  # 5 entries, sealed
    single: list[AuditEntry]  # a one-entry chain, sealed (most chains are short)
    short: list[AuditEntry]  # 3 entries, sealed
    unsealed: list[AuditEntry]  # 2 entries written after the seal: protected by their chain alone

    def entries(self) -> list[AuditEntry]:
        return [*self.long, *self.single, *self.short, *self.unsealed]


def build_log(personas) -> Log:
    """Four chains (one per writer; chain.reset() starts the next writer's), three of them sealed."""
    chain.reset()
    long = write(personas.caseworker_a, 5, "長い")
    chain.reset()
    single = write(personas.caseworker_b, 1, "一件")
    chain.reset()
    short = write(personas.coordinator, 3, "短い")
    audit_seal()
    chain.reset()
    unsealed = write(personas.colleague_a, 2, "封印後")
    chain.reset()
    return Log(long, single, short, unsealed)


# --- What the attacker can do ----------------------------------------------------------------------------
def hash_of(entry: AuditEntry, prev_hash: str, key: AuditKey | None) -> str:
    return chain.entry_hash(prev_hash, {**payload_of(entry), "chain_id": entry.chain_id, "seq": entry.seq}, key)


def rewrite_and_rehash(entries: list[AuditEntry], index: int, key: AuditKey | None, key_id: str | None) -> None:
    """Change one entry's username, then recompute it and every later entry of its chain."""
    triggers.uninstall(connection)
    entries = [AuditEntry.objects.get(pk=e.pk) for e in entries]
    entries[index].username = "someone-else"
    prev = entries[index].prev_hash
    for entry in entries[index:]:
        entry.prev_hash, entry.key_id = prev, key_id
        entry.entry_hash = prev = hash_of(entry, prev, key)
        entry.save()
    triggers.install(connection)


def forge(template: AuditEntry, *, chain_id: str, seq: int, prev_hash: str, key: AuditKey | None, key_id: str | None):
    """INSERT a made-up entry: the triggers allow INSERT (every request appends)."""
    forged = AuditEntry(
        created_at=template.created_at,
        username="cw_a",
        user_id=template.user_id,
        municipality_id=template.municipality_id,
        organization_id=template.organization_id,
        action=Action.READ,
        summary="存在しない閲覧",
        person_id=999,
        chain_id=chain_id,
        seq=seq,
        prev_hash=prev_hash,
        key_id=key_id,
    )
    forged.entry_hash = hash_of(forged, prev_hash, key)
    forged.save(force_insert=True)


def lifted(sql: str, params: list | None = None) -> None:
    triggers.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
    triggers.install(connection)


def execute(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def wrong_key_same_id() -> AuditKey:
    """The attacker's key passed off under the town's key id (which every entry shows)."""
    town, own = current_key(), _derive(ATTACKER_KEY)
    assert town is not None
    return AuditKey(town.id, own.entry_key, own.seal_key)


# --- The nine tamperings, each with variants, and what the report must say -------------------------------
@dataclass
class Variant:
    name: str
    do: Callable[[Log], None]
    expect: list[tuple[Damage, Callable[[Log], str]]]  # each kind of damage, with a text it must name


def _entry(log_part: str, index: int) -> Callable[[Log], str]:
    return lambda log: f"記録ID {getattr(log, log_part)[index].pk}"


def _chain(log_part: str) -> Callable[[Log], str]:
    return lambda log: f"チェーン {getattr(log, log_part)[0].chain_id}"


def _any(_: Log) -> str:
    return ""


def _truncate(log: Log) -> None:
    if connection.vendor == "postgresql":
        lifted("TRUNCATE audit_auditentry")
    else:
        lifted("DELETE FROM audit_auditentry")


def _drop_triggers(log: Log) -> None:
    triggers.uninstall(connection)


def _neuter_triggers(log: Log) -> None:
    """Keep the triggers' names, take away what they do."""
    if connection.vendor == "postgresql":
        execute(
            "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END; $$"
        )
        execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_no_truncate")
    else:
        execute("DROP TRIGGER audit_no_delete")
        execute("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditentry BEGIN SELECT 1; END")


TAMPERINGS: dict[str, list[Variant]] = {
    "1 記録の内容を書き換える": [
        Variant(
            "summary",
            lambda log: lifted("UPDATE audit_auditentry SET summary = 'x' WHERE id = %s", [log.long[2].pk]),
            [(Damage.CONTENT_ALTERED, _entry("long", 2))],
        ),
        Variant(
            "unsealed chain",
            lambda log: lifted("UPDATE audit_auditentry SET person_id = 1 WHERE id = %s", [log.unsealed[1].pk]),
            [(Damage.CONTENT_ALTERED, _entry("unsealed", 1))],
        ),
    ],
    "2 チェーンの途中の記録を削除する": [
        Variant(
            "middle",
            lambda log: lifted("DELETE FROM audit_auditentry WHERE id = %s", [log.long[2].pk]),
            [(Damage.ENTRY_DELETED, _entry("long", 3))],
        ),
        Variant(
            "first",
            lambda log: lifted("DELETE FROM audit_auditentry WHERE id = %s", [log.short[0].pk]),
            [(Damage.CHAIN_START_MISSING, _entry("short", 1))],
        ),
    ],
    "3 チェーンの末尾の記録を削除する": [
        Variant(
            "last",
            lambda log: lifted("DELETE FROM audit_auditentry WHERE id = %s", [log.long[4].pk]),
            [(Damage.TAIL_DELETED, _chain("long"))],
        ),
        Variant(
            "last two",
            lambda log: lifted("DELETE FROM audit_auditentry WHERE id IN (%s, %s)", [log.short[1].pk, log.short[2].pk]),
            [(Damage.TAIL_DELETED, lambda log: f"チェーン {log.short[0].chain_id}: 封印時には3番目まで")],
        ),
    ],
    "4 チェーンを丸ごと削除する": [
        Variant(
            "one-entry chain",
            lambda log: lifted("DELETE FROM audit_auditentry WHERE chain_id = %s", [log.single[0].chain_id]),
            [(Damage.CHAIN_DELETED, _chain("single"))],
        ),
        Variant(
            "longer chain",
            lambda log: lifted("DELETE FROM audit_auditentry WHERE chain_id = %s", [log.short[0].chain_id]),
            [(Damage.CHAIN_DELETED, _chain("short"))],
        ),
    ],
    "5 記録を書き換えてハッシュを計算し直す": [
        Variant(
            "plain SHA-256 (no key)",
            lambda log: rewrite_and_rehash(log.long, 1, None, None),
            [(Damage.UNKEYED, _entry("long", 1)), (Damage.SEALED_HASH_CHANGED, _entry("long", 4))],
        ),
        Variant(
            "another key under the town's key id",
            lambda log: rewrite_and_rehash(log.long, 1, wrong_key_same_id(), current_key().id),  # type: ignore[union-attr]
            [(Damage.CONTENT_ALTERED, _entry("long", 1))],
        ),
        Variant(
            "another key under its own id",
            lambda log: rewrite_and_rehash(log.unsealed, 0, _derive(ATTACKER_KEY), _derive(ATTACKER_KEY).id),
            [(Damage.UNKNOWN_KEY, _entry("unsealed", 0))],
        ),
    ],
    "6 偽の記録を挿入する（トリガーは INSERT を止めない）": [
        Variant(
            "a new chain, plain SHA-256",
            lambda log: forge(log.long[0], chain_id="f" * 32, seq=1, prev_hash=chain.GENESIS, key=None, key_id=None),
            [(Damage.UNKEYED, lambda log: "チェーン " + "f" * 32)],
        ),
        Variant(
            "appended to a chain, under the town's key id",
            lambda log: forge(
                log.unsealed[1],
                chain_id=log.unsealed[1].chain_id,
                seq=3,
                prev_hash=log.unsealed[1].entry_hash,
                key=wrong_key_same_id(),
                key_id=current_key().id,  # type: ignore[union-attr]
            ),
            [(Damage.CONTENT_ALTERED, lambda log: f"チェーン {log.unsealed[0].chain_id} の3番目")],
        ),
    ],
    "7 追記専用のトリガーを外す": [
        Variant(
            "dropped",
            _drop_triggers,
            [
                (
                    Damage.TRIGGER_MISSING,
                    lambda log: (
                        "トリガー "
                        + ("audit_no_update_delete" if connection.vendor == "postgresql" else "audit_no_update")
                    ),
                )
            ],
        ),
        Variant(
            "neutered or disabled",
            _neuter_triggers,
            [
                (
                    Damage.TRIGGER_MISSING if connection.vendor == "sqlite" else Damage.TRIGGER_DISABLED,
                    lambda log: "トリガー audit_no_",
                )
            ],
        ),
    ],
    "8 監査ログの表を削除する": [
        Variant("dropped", lambda log: execute("DROP TABLE audit_auditentry"), [(Damage.TABLE_MISSING, _any)]),
        Variant(
            "renamed",
            lambda log: execute("ALTER TABLE audit_auditentry RENAME TO audit_elsewhere"),
            [(Damage.TABLE_MISSING, _any)],
        ),
    ],
    "9 表を空にする（TRUNCATE）": [
        Variant("truncated", _truncate, [(Damage.CHAIN_DELETED, _chain("long")), (Damage.COUNT_DECREASED, _any)]),
    ],
}


class _Undo(Exception):
    pass


def attempt(log: Log, variant: Variant) -> tuple[int, str]:
    """Tamper, verify, and roll the tampering back (the seal file too)."""
    seals = seal_path().read_bytes()
    result = (0, "")
    if connection.vendor == "postgresql":
        # PostgreSQL refuses DDL on a table with deferred foreign-key checks pending (the entries of this
        # test's transaction): run them now.
        execute("SET CONSTRAINTS ALL IMMEDIATE")
    try:
        with transaction.atomic():
            variant.do(log)
            result = run_verify()
            raise _Undo
    except _Undo:
        pass
    finally:
        seal_path().write_bytes(seals)
    return result


@pytest.mark.django_db
def test_nine_tamperings_are_each_detected_and_named(personas, capsys):
    log = build_log(personas)
    assert run_verify() == (0, "監査ログは正常です: 11件・4チェーンを検証しました（封印 第1号まで照合）。\n")
    detected, missed = 0, []
    for tampering, variants in TAMPERINGS.items():
        caught = True
        for variant in variants:
            status, report = attempt(log, variant)
            named = all(damage.value in report and text(log) in report for damage, text in variant.expect)
            if status == 0 or not named:
                caught = False
                missed.append(f"{tampering} / {variant.name}: exit {status}: {report}")
            # Rolled back, the log is whole again: the next tampering starts from an intact log.
            assert run_verify()[0] == 0, (tampering, variant.name)
        detected += caught
    with capsys.disabled():
        print(f"\ntamper: {detected} of {len(TAMPERINGS)} tamperings detected ({connection.vendor})")
    assert missed == []
    assert (detected, len(TAMPERINGS)) == (9, 9)


# --- The seal store ---------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda lines: [lines[0].replace('"entries":9', '"entries":1')], "1行目の署名が一致しません"),
        (lambda lines: [lines[1]], "前にあるはずの封印がありません"),
        (lambda lines: [*lines, "{not json"], "3行目を読み取れません"),
        (lambda lines: [], "封印がありません"),
    ],
    ids=["a line altered", "the first seal removed", "garbage appended", "the seals removed"],
)
def test_a_tampered_seal_file_is_detected(personas, change, expected):
    log = build_log(personas)
    assert audit_seal().written  # the second seal: the unsealed chain's head
    lines = seal_path().read_text().splitlines()
    assert len(lines) == 2 and '"entries":9' in lines[0]
    seal_path().write_text("".join(f"{line}\n" for line in change(lines)))
    status, report = run_verify()
    assert status == 1
    assert expected in report
    assert log.long[0].pk


@pytest.mark.django_db
def test_bytes_that_are_not_text_in_the_seal_file_are_reported_not_raised(personas):
    build_log(personas)
    with open(seal_path(), "ab") as seals:
        seals.write(b"\xff\xfe\x00 not a seal\n")
    status, report = run_verify()
    assert status == 1
    assert "2行目を読み取れません" in report


@pytest.mark.django_db
def test_a_seal_signed_with_another_key_is_refused(personas, settings):
    build_log(personas)
    settings.AUDIT_KEY = ATTACKER_KEY
    settings.AUDIT_KEY_FALLBACKS = []
    status, report = run_verify()
    assert status == 1
    assert "未知の鍵" in report


@pytest.mark.django_db
def test_sealing_is_idempotent_and_records_only_what_moved(personas):
    log = build_log(personas)
    second = audit_seal()
    assert (second.number, second.written, second.chains, second.entries) == (2, True, 1, 11)
    again = audit_seal()
    assert (again.number, again.written) == (2, False)
    assert len(seal_path().read_text().splitlines()) == 2
    assert f'"{log.unsealed[0].chain_id}":[2,' in seal_path().read_text().splitlines()[1]
    assert seal_path().stat().st_mode & 0o077 == 0
    assert seal_path().parent.stat().st_mode & 0o077 == 0


@pytest.mark.django_db
def test_a_seal_after_a_deletion_does_not_bless_it(personas):
    log = build_log(personas)
    lifted("DELETE FROM audit_auditentry WHERE id = %s", [log.long[4].pk])
    with pytest.raises(CommandError) as caught:
        call_command("audit_seal", stdout=StringIO())
    assert "封印時の5番目より短く" in str(caught.value)
    status, report = run_verify()
    assert status == 1
    assert Damage.TAIL_DELETED.value in report and f"チェーン {log.long[0].chain_id}" in report


@pytest.mark.django_db
def test_without_a_seal_a_log_is_not_called_intact(personas):
    write(personas.caseworker_a, 2, "未封印")
    status, report = run_verify()
    assert status == 1
    assert "封印がありません" in report and "audit_seal" in report


@pytest.mark.django_db
def test_an_empty_log_without_seals_is_intact_and_quiet_says_nothing():
    assert run_verify("--quiet") == (0, "")


# --- Entries written before keys (plain SHA-256): believed only as far as the first seal says -------------
def make_legacy(entries: list[AuditEntry]) -> None:
    """What entries written before this change look like: no key id, a plain SHA-256 chain."""
    triggers.uninstall(connection)
    prev = chain.GENESIS
    for entry in entries:
        entry.prev_hash, entry.key_id = prev, None
        entry.entry_hash = prev = hash_of(entry, prev, None)
        entry.save()
    triggers.install(connection)


@pytest.mark.django_db
def test_legacy_entries_verify_and_a_downgrade_does_not(personas):
    chain.reset()
    old = write(personas.caseworker_a, 3, "旧")
    make_legacy(old)
    chain.reset()
    audit_seal()  # the first seal records the old chain as written without keys, up to its 3rd entry
    new = write(personas.caseworker_b, 2, "新")
    chain.reset()
    assert run_verify()[0] == 0

    # A keyed entry rewritten as "legacy" (plain SHA-256, no key id): the downgrade.
    with transaction.atomic():
        rewrite_and_rehash(new, 0, None, None)
        status, report = run_verify()
        transaction.set_rollback(True)
    assert status == 1 and Damage.UNKEYED.value in report and f"記録ID {new[0].pk}" in report

    # A legacy entry rewritten and its chain recomputed in SHA-256, as the old format allowed anyone to.
    with transaction.atomic():
        rewrite_and_rehash(old, 1, None, None)
        status, report = run_verify()
        transaction.set_rollback(True)
    assert status == 1 and Damage.SEALED_HASH_CHANGED.value in report and f"記録ID {old[2].pk}" in report

    # A legacy entry appended to the old chain after the first seal.
    with transaction.atomic():
        forge(old[2], chain_id=old[2].chain_id, seq=4, prev_hash=old[2].entry_hash, key=None, key_id=None)
        status, report = run_verify()
        transaction.set_rollback(True)
    assert status == 1 and Damage.UNKEYED.value in report and f"チェーン {old[2].chain_id} の4番目" in report
    assert run_verify()[0] == 0


# --- Keys ---------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_rotated_key_still_verifies_what_it_signed(personas, settings):
    build_log(personas)
    old_key = settings.AUDIT_KEY
    settings.AUDIT_KEY = "a new key for the audit log, rotated in 令和9年度"
    settings.AUDIT_KEY_FALLBACKS = [old_key]
    write(personas.caseworker_a, 2, "新しい鍵")
    audit_seal()
    assert run_verify()[0] == 0
    settings.AUDIT_KEY_FALLBACKS = []
    status, report = run_verify()
    assert status == 1 and Damage.UNKNOWN_KEY.value in report


@pytest.mark.django_db
def test_without_a_key_nothing_is_written_and_the_check_says_so(personas, settings):
    settings.AUDIT_KEY = ""
    assert [message.id for message in audit_key_check()] == ["tsunagu.audit.E001"]
    with pytest.raises(ImproperlyConfigured):
        write(personas.caseworker_a, 1, "鍵なし")
    settings.AUDIT_KEY, settings.DEMO_MODE = "short", False
    assert [message.id for message in audit_key_check()] == ["tsunagu.audit.E002"]


@pytest.mark.django_db
def test_entries_are_keyed_and_no_key_is_stored_in_the_database(personas, settings):
    (entry,) = write(personas.caseworker_a, 1, "鍵")
    key = current_key()
    assert key is not None and entry.key_id == key.id
    plain = hashlib.sha256(
        (
            entry.prev_hash + chain.canonical({**payload_of(entry), "chain_id": entry.chain_id, "seq": entry.seq})
        ).encode()
    ).hexdigest()
    assert entry.entry_hash != plain
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditentry")
        stored = repr(cursor.fetchall())
    assert settings.AUDIT_KEY not in stored


# --- No false alarms: writers in threads, rolled-back transactions, sealing while they write --------------
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_rollbacks_and_seals_raise_no_alarm(personas):
    user = personas.caseworker_a
    errors: list[BaseException] = []
    concurrent = connection.vendor == "postgresql"  # SQLite's shared in-memory test database locks tables

    def writer(n: int) -> None:
        try:
            for i in range(n):
                with transaction.atomic():
                    write(user, 2, f"t{i}")
                if i % 3 == 0:
                    try:
                        with transaction.atomic():
                            write(user, 1, "取り消される")
                            raise RuntimeError
                    except RuntimeError:
                        pass
                write(user, 1, "自動コミット")
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    before = AuditEntry.objects.count()
    threads = [threading.Thread(target=writer, args=(6,)) for _ in range(4)]
    for thread in threads:
        thread.start()
        if not concurrent:
            thread.join()
        else:
            audit_seal()  # a seal taken while others are mid-transaction
    for thread in threads:
        thread.join()
    assert errors == []
    audit_seal()
    status, report = run_verify()
    assert (status, AuditEntry.objects.count() - before) == (0, 4 * 6 * 3), report
