"""Seals: signed checkpoints of the audit log, kept where the database cannot reach them.

A chain of HMACs shows that no entry was altered or slipped in, but not that its last entries — or a whole
chain, and most chains are short — were removed: what is gone leaves nothing behind to check. So at
intervals ``audit_seal`` (a scheduled job) writes down every chain's head (chain id, sequence number,
hash) and the number of entries into an append-only JSON-lines file outside the database
(``settings.AUDIT_SEAL_DIR``). ``audit_verify`` then compares the database with the seals: a sealed chain
that is gone, a head below the sealed one, a sealed hash that no longer matches, fewer entries than sealed.

Each line names its key and carries an HMAC over the rest of it with the seal key (``keys.py``), and the
MAC of the line before it, so that a line cannot be altered, dropped from the middle, or forged without
the key. A line holds only the heads that moved since the line before (a chain is one writer thread, and
there are many); the seals, read in order, give every chain's last sealed head.

The first seal also records, per chain, up to where entries were written before keys existed (plain
SHA-256, no key id). Only those may verify without a key; a keyless entry anywhere else is a forgery or a
keyed entry rewritten as "legacy" — the downgrade that would otherwise let a rewrite pass.

A seal only ever moves heads forward, and never records fewer entries than the seal before: sealing
after a deletion must not make the deletion look like the way things were.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max, Q
from django.utils import timezone

from tsunagu.audit.chain import GENESIS, canonical
from tsunagu.audit.keys import current_key, key_for
from tsunagu.audit.models import AuditEntry

FILE_NAME = "seals.jsonl"
VERSION = 1
# An entry is visible only once its transaction commits, possibly after entries with higher ids. A seal
# therefore looks again at every entry since the last seal older than this, not only at the ids above the
# previous seal's highest (longer than any transaction the system runs; a resident import takes a minute).
LOOKBACK = timedelta(hours=24)
_BATCH = 500


class SealError(Exception):
    """The seal store is damaged or cannot be written; nothing was sealed."""


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


@dataclass
class SealState:
    """What the seals say, read and checked in order."""

    count: int = 0  # seals read
    heads: dict[str, Head] = field(default_factory=dict)
    legacy: dict[str, int] = field(default_factory=dict)  # chain -> last seq written before keys
    entries: int = 0  # entries in the log at the last seal
    max_id: int = 0
    last_mac: str = GENESIS
    # (time, highest id) of each seal, to choose how far back the next seal looks.
    history: list[tuple[datetime, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def seal_path() -> Path:
    return Path(settings.AUDIT_SEAL_DIR) / FILE_NAME


@contextmanager
def _locked(path: Path, *, exclusive: bool) -> Iterator[None]:
    # One sealer at a time, and no reader sees half a line: a lock file beside the seals.
    with os.fdopen(os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)) as lock:
        fcntl.flock(lock, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _mac_of(line: dict[str, Any]) -> str | None:
    key = key_for(str(line.get("key", "")))
    if key is None:
        return None
    return key.sign_seal(canonical({k: v for k, v in line.items() if k != "mac"}))


def _read(path: Path) -> SealState:
    state = SealState()
    if not path.exists():
        return state
    # Bytes that are not UTF-8 become a line that does not parse, reported as such, rather than an exception.
    with open(path, encoding="utf-8", errors="replace") as lines:
        for number, text in enumerate(lines, start=1):
            where = f"封印ファイル {path} の{number}行目"
            try:
                line = json.loads(text)
                if not isinstance(line, dict):
                    raise ValueError(text)
            except ValueError:
                state.problems.append(f"{where}を読み取れません（書き換えられています）")
                continue
            mac = _mac_of(line)
            if mac is None:
                state.problems.append(f"{where}は未知の鍵（{line.get('key')}）で署名されています（差し替え）")
                continue
            if line.get("mac") != mac:
                state.problems.append(f"{where}の署名が一致しません（封印の改ざん）")
                continue
            if line.get("prev") != state.last_mac or line.get("no") != state.count + 1:
                state.problems.append(
                    f"{where}（第{line.get('no')}号）の前にあるはずの封印がありません（封印の削除または差し替え）"
                )
            state.count = int(line["no"])
            state.last_mac = mac
            for chain_id, (seq, digest) in line["heads"].items():
                state.heads[chain_id] = Head(int(seq), str(digest))
            if state.count == 1:
                state.legacy = {chain_id: int(seq) for chain_id, seq in line.get("legacy", {}).items()}
            state.entries, state.max_id = int(line["entries"]), int(line["max_id"])
            state.history.append((datetime.fromisoformat(line["at"]), state.max_id))
    return state


def read_seals() -> SealState:
    """Every seal, checked line by line; ``problems`` names each line that does not hold."""
    path = seal_path()
    if not path.parent.exists():
        return SealState()
    with _locked(path, exclusive=False):
        return _read(path)


@dataclass(frozen=True)
class SealResult:
    number: int  # the seal now last in the file
    written: bool  # False: nothing had changed since the last seal
    chains: int  # chains whose head this seal recorded
    entries: int
    # What the database shows below the last seal; sealed as it was, for audit_verify to report.
    regressions: list[str]


def _tops_since(min_id: int) -> dict[str, int]:
    """The highest sequence number of every chain that has an entry with an id above ``min_id``."""
    tops = AuditEntry.objects.values("chain_id").annotate(top=Max("seq")).order_by()
    if min_id:  # without a filter, the (chain_id, seq) index alone answers
        tops = tops.filter(id__gt=min_id)
    return dict(tops.values_list("chain_id", "top"))


def _with_hashes(tops: dict[str, int]) -> dict[str, Head]:
    heads: dict[str, Head] = {}
    wanted = list(tops.items())
    for start in range(0, len(wanted), _BATCH):
        condition = Q()
        for chain_id, seq in wanted[start : start + _BATCH]:
            condition |= Q(chain_id=chain_id, seq=seq)
        for chain_id, seq, digest in AuditEntry.objects.filter(condition).values_list("chain_id", "seq", "entry_hash"):
            heads[chain_id] = Head(seq, digest)
    return heads


def audit_seal(*, full: bool = False) -> SealResult:
    """Append a seal of the log as it is now, unless nothing changed since the last one (idempotent).

    For the scheduled job (``manage.py audit_seal``, every few minutes: entries written since the last seal
    are protected by their chain alone until the next). ``full`` looks at every entry instead of the last
    day's. Raises SealError where the seal file does not verify: a seal appended to a damaged file would
    vouch for whatever damaged it.
    """
    key = current_key()
    if key is None:
        raise ImproperlyConfigured("監査ログの鍵が設定されていません（TSUNAGU_AUDIT_KEY、docs/audit.md）。")
    path = seal_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _locked(path, exclusive=True):
        state = _read(path)
        if state.problems:
            raise SealError("封印ファイルが壊れているため封印できません: " + " / ".join(state.problems))
        now = timezone.now()
        first = state.count == 0
        since = 0
        if not full:
            since = max((max_id for at, max_id in state.history if at <= now - LOOKBACK), default=0)
        regressions: list[str] = []
        moved_tops: dict[str, int] = {}
        for chain_id, top in sorted(_tops_since(since).items()):
            sealed = state.heads.get(chain_id)
            if sealed is None or top > sealed.seq:
                moved_tops[chain_id] = top
            elif top < sealed.seq:
                regressions.append(f"チェーン {chain_id} が封印時の{sealed.seq}番目より短くなっています")
        found = _with_hashes(moved_tops)
        moved = {chain_id: found[chain_id] for chain_id in sorted(found)}
        entries = AuditEntry.objects.count()
        max_id = AuditEntry.objects.aggregate(top=Max("id"))["top"] or 0
        if entries < state.entries:
            regressions.append(f"記録数が封印時の{state.entries}件から{entries}件に減っています")
        if not first and not moved and entries <= state.entries and max_id <= state.max_id:
            return SealResult(state.count, False, 0, state.entries, regressions)
        line: dict[str, Any] = {
            "v": VERSION,
            "no": state.count + 1,
            "at": now.isoformat(),
            "key": key.id,
            "prev": state.last_mac,
            "entries": max(entries, state.entries),
            "max_id": max(max_id, state.max_id),
            "heads": {chain_id: [head.seq, head.hash] for chain_id, head in moved.items()},
        }
        if first:
            legacy = AuditEntry.objects.filter(key_id__isnull=True).values("chain_id").annotate(top=Max("seq"))
            line["legacy"] = {row["chain_id"]: row["top"] for row in legacy.order_by("chain_id")}
        line["mac"] = key.sign_seal(canonical(line))
        _append(path, json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        return SealResult(line["no"], True, len(moved), line["entries"], regressions)


def _append(path: Path, text: str) -> None:
    # Readable by the service account only, and on disk before the job reports success.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, text.encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
