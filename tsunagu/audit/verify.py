"""Verifying the audit log: every kind of damage found, named, and reported in Japanese.

What is checked, in order (docs/audit.md):

1. the table is there and readable, and its append-only triggers exist, are enabled and unchanged;
2. the seals (``seals.py``) verify, line by line — without one, nothing says what was there before;
3. every chain, entry by entry in (chain, seq) order: it starts at 1, has no gap, each entry links to the
   one before and carries a valid HMAC under a configured key (or, before keys, a plain SHA-256 where the
   first seal says entries were written so), and the entry a seal recorded as the head still has the
   sealed hash;
4. against the last seal: no sealed chain is gone, no chain ends below its sealed head, and the log holds
   no fewer entries than sealed.

It streams (one pass over the table in the order of its unique index, a few thousand rows in memory) and
keeps at most ``EXAMPLES`` findings of each kind with a count of the rest, so that it runs on a city's log
and still says something readable when everything is wrong.
"""

from __future__ import annotations

import hmac
from collections import Counter
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from django.db import DatabaseError, connection, transaction

from tsunagu.audit import triggers
from tsunagu.audit.chain import GENESIS, entry_hash
from tsunagu.audit.keys import AuditKey, key_for
from tsunagu.audit.models import AuditEntry
from tsunagu.audit.seals import Head, SealState, read_seals, seal_path
from tsunagu.audit.services import HASHED_FIELDS

EXAMPLES = 20


class Damage(Enum):
    """Each kind of damage, with the name the report gives it."""

    TABLE_MISSING = "監査ログの表がありません（削除または名前の変更）"
    UNREADABLE = "監査ログを読み出せません（表の変更）"
    TRIGGER_MISSING = "追記専用のトリガーがありません（削除または書き換え）"
    TRIGGER_DISABLED = "追記専用のトリガーが無効にされています"
    SEAL_MISSING = "封印がありません"
    SEAL_TAMPERED = "封印ファイルの改ざん"
    CHAIN_START_MISSING = "チェーンの先頭の記録の削除"
    ENTRY_DELETED = "途中の記録の削除"
    LINK_BROKEN = "前の記録とのつながりの改ざん"
    CONTENT_ALTERED = "記録の改ざん（内容がハッシュと一致しません）"
    UNKNOWN_KEY = "未知の鍵で署名された記録"
    UNKEYED = "鍵のない記録（偽造、または旧形式への書き換え）"
    SEALED_HASH_CHANGED = "封印された記録の書き換え（ハッシュの再計算）"
    TAIL_DELETED = "チェーンの末尾の記録の削除"
    CHAIN_DELETED = "チェーンごとの削除"
    COUNT_DECREASED = "記録数の減少"


@dataclass(frozen=True)
class Finding:
    damage: Damage
    detail: str

    def __str__(self) -> str:
        return f"{self.damage.value}: {self.detail}"


@dataclass
class Report:
    entries: int = 0
    chains: int = 0
    seals: int = 0
    findings: list[Finding] = field(default_factory=list)
    counts: Counter[Damage] = field(default_factory=Counter)

    def add(self, damage: Damage, detail: str) -> None:
        self.counts[damage] += 1
        if self.counts[damage] <= EXAMPLES:
            self.findings.append(Finding(damage, detail))

    @property
    def intact(self) -> bool:
        return not self.counts

    def lines(self) -> list[str]:
        """The findings, grouped by kind, each kind's overflow counted."""
        out = []
        for damage in Damage:
            out += [f"・{finding}" for finding in self.findings if finding.damage is damage]
            if self.counts[damage] > EXAMPLES:
                out.append(f"・{damage.value}: ほか{self.counts[damage] - EXAMPLES}件")
        return out


def audit_verify() -> Report:
    """Check the whole log against its chains, its seals and its triggers; never raises on damage."""
    report = Report()
    try:
        # On PostgreSQL one transaction, so that the walk streams through a server-side cursor on one
        # snapshot; on SQLite a transaction would take the write lock (IMMEDIATE) for the whole walk.
        with transaction.atomic() if connection.vendor == "postgresql" else nullcontext():
            if triggers.TABLE not in connection.introspection.table_names():
                report.add(Damage.TABLE_MISSING, f"表 {triggers.TABLE} がデータベースにありません")
                return report
            for problem in triggers.inspect(connection):
                damage = Damage.TRIGGER_DISABLED if problem.disabled else Damage.TRIGGER_MISSING
                report.add(damage, f"トリガー {problem.name} が{problem.detail}")
            try:
                seals = read_seals()
            except OSError as error:
                report.add(Damage.SEAL_TAMPERED, f"封印ファイル {seal_path()} を読み取れません: {error}")
                seals = SealState()
            report.seals = seals.count
            for seal_problem in seals.problems:
                report.add(Damage.SEAL_TAMPERED, seal_problem)
            _walk(report, seals)
    except DatabaseError as error:
        report.add(Damage.UNREADABLE, f"{type(error).__name__}: {str(error).strip()[:300]}")
    return report


def _rows() -> Iterator[dict[str, Any]]:
    fields = ("id", *HASHED_FIELDS, "records", "chain_id", "seq", "prev_hash", "entry_hash", "key_id")
    return AuditEntry.objects.order_by("chain_id", "seq").values(*fields).iterator(chunk_size=2000)


def _where(row: dict[str, Any]) -> str:
    return f"記録ID {row['id']}（チェーン {row['chain_id']} の{row['seq']}番目）"


@dataclass
class _Chain:
    """Where the walk is in one chain."""

    id: str
    sealed: Head | None
    legacy_until: int
    expected_seq: int = 1
    prev_hash: str = GENESIS
    keyed: bool = False
    last_seq: int = 0


def _walk(report: Report, seals: SealState) -> None:
    sealed_heads = dict(seals.heads)  # chains are popped as they are met; what is left was deleted
    current: _Chain | None = None
    for row in _rows():
        report.entries += 1
        if current is None or row["chain_id"] != current.id:
            if current is not None:
                _end_of_chain(report, current)
            chain_id = row["chain_id"]
            current = _Chain(chain_id, sealed_heads.pop(chain_id, None), seals.legacy.get(chain_id, 0))
            report.chains += 1
            if row["seq"] != 1:
                report.add(
                    Damage.CHAIN_START_MISSING,
                    f"{_where(row)}: チェーンが{row['seq']}番目から始まっています"
                    f"（1〜{row['seq'] - 1}番目の記録が削除されています）",
                )
                current.expected_seq, current.prev_hash = row["seq"], row["prev_hash"]
        _check_entry(report, seals, current, row)
    if current is not None:
        _end_of_chain(report, current)
    if seals.count == 0:
        if report.entries:
            report.add(
                Damage.SEAL_MISSING,
                f"{seal_path()} に封印がありません。初めてなら manage.py audit_seal を実行してください"
                "（封印ファイルが削除・移動された場合は、その時点の記録を検証できません）",
            )
        return
    for chain_id, head in sorted(sealed_heads.items()):
        report.add(Damage.CHAIN_DELETED, f"チェーン {chain_id}（封印時に{head.seq}件）の記録がすべて削除されています")
    if report.entries < seals.entries:
        report.add(
            Damage.COUNT_DECREASED,
            f"封印（第{seals.count}号）の時点で{seals.entries}件あった記録が{report.entries}件しかありません",
        )


def _check_entry(report: Report, seals: SealState, chain: _Chain, row: dict[str, Any]) -> None:
    seq = row["seq"]
    if seq > chain.expected_seq:
        report.add(
            Damage.ENTRY_DELETED,
            f"{_where(row)}: 連番が{chain.expected_seq}から{seq}に飛んでいます"
            f"（{chain.expected_seq}〜{seq - 1}番目の記録が削除されています）",
        )
    elif seq < chain.expected_seq:
        report.add(Damage.LINK_BROKEN, f"{_where(row)}: 同じ連番の記録がもう一つあります（記録の挿入）")
    elif row["prev_hash"] != chain.prev_hash:
        report.add(Damage.LINK_BROKEN, f"{_where(row)}: 直前の記録のハッシュと一致しません")
    _check_hash(report, seals, chain, row)
    if chain.sealed is not None and seq == chain.sealed.seq and row["entry_hash"] != chain.sealed.hash:
        report.add(
            Damage.SEALED_HASH_CHANGED,
            f"{_where(row)}: 封印時のハッシュと一致しません（この記録かそれより前の記録が書き換えられ、"
            "ハッシュが計算し直されています）",
        )
    chain.expected_seq, chain.prev_hash, chain.last_seq = seq + 1, row["entry_hash"], seq


def _check_hash(report: Report, seals: SealState, chain: _Chain, row: dict[str, Any]) -> None:
    key: AuditKey | None = None
    if row["key_id"] is None:
        # Before keys: a plain SHA-256, which anyone can compute; believed only where the first seal
        # recorded that this chain had been written so, and never after a keyed entry.
        if seals.count and (chain.keyed or row["seq"] > chain.legacy_until):
            report.add(
                Damage.UNKEYED,
                f"{_where(row)}: 鍵のないハッシュです。封印の時点で鍵なしに書かれていた記録ではありません"
                "（偽造された記録か、鍵なしで計算し直した記録）",
            )
            return
    else:
        key = key_for(row["key_id"])
        if key is None:
            report.add(
                Damage.UNKNOWN_KEY,
                f"{_where(row)}: 鍵 {row['key_id']} は設定されていません（偽造された記録か、"
                "旧い鍵を TSUNAGU_AUDIT_KEY_FALLBACKS に加え忘れています）",
            )
            return
        chain.keyed = True
    payload = {name: row[name] for name in HASHED_FIELDS}
    # As services.payload_of: hashed only where present.
    if row["records"] is not None:
        payload["records"] = row["records"]
    payload |= {"chain_id": row["chain_id"], "seq": row["seq"]}
    if not hmac.compare_digest(entry_hash(row["prev_hash"], payload, key), row["entry_hash"]):
        report.add(
            Damage.CONTENT_ALTERED,
            f"{_where(row)}: 内容がハッシュと一致しません（記録の改ざん、または正しい鍵なしで計算し直したハッシュ）",
        )


def _end_of_chain(report: Report, chain: _Chain) -> None:
    if chain.sealed is not None and chain.last_seq < chain.sealed.seq:
        report.add(
            Damage.TAIL_DELETED,
            f"チェーン {chain.id}: 封印時には{chain.sealed.seq}番目まであった記録が"
            f"{chain.last_seq}番目までしかありません"
            f"（末尾の{chain.sealed.seq - chain.last_seq}件が削除されています）",
        )
