"""Actions run at the same moment on their own database connections: the race tests' one tool.

Each action runs in its own thread — so on its own connection, in its own transaction — and is handed
``ready``: it loads what it needs as a request would, calls ``ready()``, then acts; a barrier releases all
of them at once, so their transactions overlap. Each thread closes its connection at the end.

Race tests are transactional (``django_db(transaction=True)``): the threads must see committed rows. The
flush that empties the tables afterwards would hit the audit table's append-only triggers;
``tsunagu/conftest.py`` lifts them for exactly that flush and puts them back, for any transactional test.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="race test: needs concurrent write transactions on PostgreSQL (SQLite serialises writers, one "
    "write transaction at a time, so two requests never interleave there)",
)

TIMEOUT = 60  # seconds; a lock wait that long is a deadlock, not a race


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None


def together(*actions: Callable[[Callable[[], None]], Any]) -> list[Outcome]:
    """Run each ``action(ready)`` in its own thread, released together at ``ready()``; their outcomes."""
    barrier = threading.Barrier(len(actions), timeout=TIMEOUT)
    outcomes = [Outcome() for _ in actions]

    def ready() -> None:
        barrier.wait()

    def run(outcome: Outcome, action: Callable[[Callable[[], None]], Any]) -> None:
        try:
            outcome.value = action(ready)
        except BaseException as error:  # reported to the test, which decides
            outcome.error = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(o, a)) for o, a in zip(outcomes, actions, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a racing action did not finish (deadlock?)"
    for outcome in outcomes:
        if isinstance(outcome.error, threading.BrokenBarrierError | AssertionError):
            raise outcome.error
    return outcomes
