"""Hash chains for the audit log, one per writer, so that tamper-evidence never serialises requests.

A single chain over the whole table would make every request wait for the previous entry's hash
(DESIGN §8). Instead each writer — one thread of one process — keeps its own chain: entry *n* of a
chain stores the hash of entry *n-1* and its own HMAC over its content, keyed with a key that is not in
the database (``keys.py``), so that rewriting an entry and recomputing the chain needs more than the
database. ``audit_verify`` (``verify.py``) walks every chain and compares its head with the last seal
(``seals.py``), which catches what a chain alone cannot: its last entries, or the whole chain, removed.
Entries written before keys existed carry no key id and a plain SHA-256 (accepted only as far as the
first seal vouches for them).

An entry written inside a transaction only becomes the chain's head when that transaction commits
(``transaction.on_commit``). If the transaction rolls back, the entry is gone and the chain goes on from
the last committed entry, so a rolled-back change never leaves a gap that would look like tampering.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from tsunagu.audit.keys import AuditKey, current_key

GENESIS = "0" * 64


def canonical(payload: dict[str, Any]) -> str:
    """The exact text that is hashed: sorted keys, no insignificant space, UTC times."""

    def default(value: Any) -> str:
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat()
        return str(value)

    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=default)


def entry_hash(prev_hash: str, payload: dict[str, Any], key: AuditKey | None) -> str:
    """The entry's HMAC under ``key``; with no key, the plain SHA-256 of entries written before keys."""
    message = prev_hash + canonical(payload)
    if key is None:
        return hashlib.sha256(message.encode("utf-8")).hexdigest()
    return key.sign_entry(message)


@dataclass
class _Link:
    seq: int
    hash: str


@dataclass
class _Writer:
    chain_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    committed: _Link = field(default_factory=lambda: _Link(0, GENESIS))
    # Entries written in transactions not yet committed, oldest first, with the on_commit callback of each.
    pending: deque[tuple[_Link, Any]] = field(default_factory=deque)

    def head(self) -> _Link:
        # Callbacks of rolled-back transactions (or savepoints) are dropped by Django: their entries are
        # gone from the database too, so they no longer count. What a rollback drops is always the newest
        # entries, so only the end of the queue needs checking — once per entry, not the whole queue,
        # which kept a long transaction (an import of thousands of people) from going quadratic.
        while self.pending and not _still_registered(self.pending[-1][1]):
            self.pending.pop()
        return self.pending[-1][0] if self.pending else self.committed

    def advance(self, link: _Link) -> None:
        if not connection.in_atomic_block:
            self.committed = link
            return

        def on_commit() -> None:
            # Django runs the callbacks oldest first: the committed entries leave from the front.
            if link.seq > self.committed.seq:
                self.committed = link
            while self.pending and self.pending[0][0].seq <= link.seq:
                self.pending.popleft()

        self.pending.append((link, on_commit))
        transaction.on_commit(on_commit)


def _still_registered(callback: Any) -> bool:
    # Our newest callback is almost always at the end of Django's list, so search from there.
    return any(item[1] is callback for item in reversed(connection.run_on_commit))


_local = threading.local()


def _writer() -> _Writer:
    writer = getattr(_local, "writer", None)
    if writer is None:
        writer = _local.writer = _Writer()
    return writer


def next_link(payload_without_chain: dict[str, Any]) -> tuple[str, int, str, str, str]:
    """Chain id, sequence number, previous hash, this entry's HMAC and the key's id for a new entry.

    Refuses without a key: an entry nobody could verify is no audit (and no audit, no access).
    """
    key = current_key()
    if key is None:
        raise ImproperlyConfigured("監査ログの鍵が設定されていません（TSUNAGU_AUDIT_KEY、docs/audit.md）。")
    writer = _writer()
    head = writer.head()
    seq = head.seq + 1
    payload = {**payload_without_chain, "chain_id": writer.chain_id, "seq": seq}
    digest = entry_hash(head.hash, payload, key)
    writer.advance(_Link(seq, digest))
    return writer.chain_id, seq, head.hash, digest, key.id


def reset() -> None:
    """Start a new chain in this thread (the test suite calls it after emptying the database)."""
    _local.writer = None
