"""The audit log is append-only in the database and tamper-evident by its hash chains.

The nine tamperings of issue 9 are in test_tamper.py; these are the everyday properties.
"""

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from tsunagu.audit import triggers
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.audit.seals import audit_seal
from tsunagu.audit.services import audit_record


def record(user, n: int = 1) -> list[AuditEntry]:
    return [
        audit_record(user=user, action=Action.SEARCH, terms={"kana": f"サトウ{i}"}, summary=f"検索{i}")
        for i in range(n)
    ]


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_entries_link_to_the_previous_entry_of_their_chain(personas):
    first, second, third = record(personas.caseworker_a, 3)
    assert first.chain_id == second.chain_id == third.chain_id
    assert (second.seq, third.seq) == (first.seq + 1, first.seq + 2)
    assert second.prev_hash == first.entry_hash and third.prev_hash == second.entry_hash
    audit_seal()
    assert "監査ログは正常です: 3件" in verify()


@pytest.mark.django_db
@pytest.mark.parametrize("statement", ["UPDATE audit_auditentry SET summary = 'x'", "DELETE FROM audit_auditentry"])
def test_the_database_refuses_to_update_or_delete_entries(personas, statement):
    record(personas.caseworker_a, 2)
    with (
        pytest.raises((DatabaseError, IntegrityError)) as caught,
        transaction.atomic(),
        connection.cursor() as c,
    ):
        c.execute(statement)
    assert "append-only" in str(caught.value)
    assert AuditEntry.objects.count() == 2


@pytest.mark.django_db
def test_the_orm_cannot_delete_entries_either(personas):
    (entry,) = record(personas.caseworker_a)
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()


def tamper(sql: str, params: list) -> None:
    """What someone with the database owner's rights could do: lift the triggers, change, put them back."""
    triggers.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    triggers.install(connection)


@pytest.mark.django_db
def test_audit_verify_finds_an_altered_entry(personas):
    entries = record(personas.caseworker_a, 5)
    audit_seal()
    tamper("UPDATE audit_auditentry SET username = %s WHERE id = %s", ["someone-else", entries[2].pk])
    with pytest.raises(CommandError) as caught:
        verify()
    assert f"記録ID {entries[2].pk}" in str(caught.value)
    assert "改ざん" in str(caught.value)


@pytest.mark.django_db
def test_audit_verify_finds_a_removed_entry(personas):
    entries = record(personas.caseworker_a, 5)
    audit_seal()
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError) as caught:
        verify()
    assert f"記録ID {entries[2].pk}" in str(caught.value)
    assert "削除" in str(caught.value)


@pytest.mark.django_db
def test_a_rolled_back_entry_leaves_no_gap(personas):
    (before,) = record(personas.caseworker_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(personas.caseworker_a)
        raise RuntimeError("the change failed")
    (after,) = record(personas.caseworker_a)
    assert after.seq == before.seq + 1
    assert after.prev_hash == before.entry_hash
    audit_seal()
    assert "正常です: 2件" in verify()


@pytest.mark.django_db(transaction=True)
def test_chains_hold_across_committed_transactions_and_threads(kotoura):
    from tsunagu.core.models import Organization, Role
    from tsunagu.core.services import user_create

    user = user_create(
        municipality=kotoura, username="writer", password="correct-horse-battery",
        memberships=[(Organization.objects.get(name="福祉あんしん課"), Role.CASEWORKER)],
    )  # fmt: skip
    record(user, 2)
    with transaction.atomic():
        record(user, 3)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(user, 1)
        raise RuntimeError
    record(user, 1)

    def write_from_another_thread() -> None:
        try:
            record(user, 10)
        finally:
            connection.close()

    # One after another: the test database on SQLite is a shared in-memory one that locks whole tables.
    for _ in range(3):
        thread = threading.Thread(target=write_from_another_thread)
        thread.start()
        thread.join()
    assert AuditEntry.objects.count() == 36
    assert AuditEntry.objects.values("chain_id").distinct().count() == 4
    audit_seal()
    assert "正常です: 36件・4チェーン" in verify()
