"""Locked state transitions: of two simultaneous transitions of one row, exactly one happens.

A referral is accepted *or* declined; a consent is withdrawn once; an emergency access is reviewed once.
The state a service sees on the object it was handed is not enough to decide: that object was read
before the transaction, and another request may be changing the same row at this moment. ``transition``

1. re-reads the row inside the caller's transaction with ``SELECT … FOR UPDATE`` (``locked``): on
   PostgreSQL the second of two transactions waits there until the first commits, then reads the state
   the first left;
2. checks the state the transition starts from (``expect``) on that fresh row and, if it moved on,
   raises the caller's domain error (``refused``) before anything is written;
3. writes the new state with a conditional ``UPDATE … WHERE id = %s AND status = 'sent'`` whose row
   count decides once more. SQLite has no row locks (it ignores FOR UPDATE); Tsunagu's SQLite runs one
   write transaction at a time (IMMEDIATE), and the conditional UPDATE holds even without that.

Call it before writing anything else — the audit entry, a grant, revocations come after it returns — so
that a loser's transaction leaves nothing behind: no grant, no audit entry of a change that did not
happen. Checks that only depend on fields no transition changes (who may act, the dates) may run before
it. Future state machines (support plans, meetings) use the same call.

    referral = transition(
        referral,
        expect={"status": ReferralStatus.SENT},
        values={"status": ReferralStatus.ACCEPTED, "responded_by": user, "responded_at": timezone.now()},
        refused=lambda current: ConsultationError(f"…すでに{current.get_status_display()}…"),
    )
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, models

M = TypeVar("M", bound=models.Model)


def locked(instance: M) -> M:
    """A fresh copy of ``instance``'s row, locked until the caller's transaction ends (PostgreSQL).

    For a row a transition depends on without changing it (the consent a referral is accepted under):
    lock it, then check it.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("locked() and transition() run inside the service's transaction (@transaction.atomic).")
    return type(instance)._base_manager.select_for_update().get(pk=instance.pk)


def transition(
    instance: M,
    *,
    expect: Mapping[str, Any],
    values: Mapping[str, Any],
    refused: Callable[[M], ValidationError],
) -> M:
    """Move ``instance``'s row from the state ``expect`` to ``values``, or raise ``refused(current row)``.

    ``expect`` names the fields and values that must still hold (``{"status": "sent"}``,
    ``{"withdrawn_on": None}``); ``values`` are written in the same UPDATE. Returns ``instance`` with
    ``values`` set on it (its other attributes, and its related objects, are kept).
    """
    current = locked(instance)
    if any(getattr(current, name) != value for name, value in expect.items()):
        raise refused(current)
    model = type(instance)
    if model._base_manager.filter(pk=instance.pk, **expect).update(**values) != 1:
        raise refused(model._base_manager.get(pk=instance.pk))
    for name, value in values.items():
        setattr(instance, name, value)
    return instance
