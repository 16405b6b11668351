"""Bulk loading millions of rows: ``COPY`` on PostgreSQL, prepared ``executemany`` on SQLite.

``bulk_create`` builds a model instance and a parameter list per row and, on SQLite, splits the batch to
stay under 999 parameters: fine for a town, hours for the city's 10,000,000 progress records (issue 16).
A ``TableLoader`` writes plain tuples, in the columns it was given, on the connection's own cursor, so the
rows join the caller's transaction (a failed load leaves nothing). Primary keys are assigned here, from the
table's largest id on, so that a loader's rows can be referred to before they are written; ``finish``
moves PostgreSQL's identity sequence past them (SQLite's AUTOINCREMENT follows by itself).

Values must already be in the database's form (``db_datetime`` for times): there is no per-value
``get_db_prep_value`` on this path, which is what makes it fast.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from io import TextIOBase
from typing import Any, TextIO

from django.core.management.color import no_style
from django.db import connections
from django.db.models import Max, Model

PROGRESS_EVERY = 100_000  # rows between progress lines
SQLITE_LOAD_CACHE_KIB = -512_000  # PRAGMA cache_size while loading: 512 MB (negative: in KiB)
PG_LOAD_MAINTENANCE_MEM = "512MB"  # maintenance_work_mem for the index rebuilds


def db_datetime_formatter(using: str = "default") -> Any:
    """A function turning an aware datetime into the text the database's Django backend stores.

    SQLite: naive UTC, as ``str()`` gives it (what Django's ``adapt_datetimefield_value`` writes);
    PostgreSQL: the same with its offset, for ``timestamptz``.
    """
    vendor = connections[using].vendor

    def sqlite(value: datetime) -> str:
        return str(value.astimezone(UTC).replace(tzinfo=None))

    def postgresql(value: datetime) -> str:
        return str(value.astimezone(UTC))

    return sqlite if vendor == "sqlite" else postgresql


class TableLoader:
    """Rows of one model's table, written in batches, with a progress line every ``PROGRESS_EVERY`` rows."""

    def __init__(
        self,
        model: type[Model],
        columns: Sequence[str],
        *,
        label: str,
        using: str = "default",
        stdout: TextIOBase | TextIO | None = None,
        with_id: bool = True,
    ) -> None:
        self.model = model
        self.using = using
        self.connection = connections[using]
        self.label = label
        self.stdout = stdout
        self.with_id = with_id
        opts = model._meta
        self.table = opts.db_table
        # Field names or attnames ("person" or "person_id") to database columns.
        names = [str(opts.get_field(name).column) for name in columns]  # type: ignore[union-attr]
        self.columns = ([str(opts.pk.column)] if with_id else []) + names
        # Every column is given: this path has no Django defaults to fill in what is left out.
        missing = {str(f.column) for f in opts.concrete_fields} - set(self.columns)
        if missing:
            raise ValueError(f"{self.table}: columns not given: {sorted(missing)}")
        self.width = len(self.columns)
        start = model._default_manager.using(using).aggregate(m=Max("pk"))["m"] if with_id else 0
        self._next_id = (start or 0) + 1
        self.written = 0
        self.seconds = 0.0
        self._reported = 0

    def next_id(self) -> int:
        """The id the next row will have (rows are written with the ids handed out here, in order)."""
        pk = self._next_id
        self._next_id += 1
        return pk

    def write(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Write rows (each with its id first when the loader assigns ids) in the caller's transaction."""
        if not rows:
            return
        started = time.monotonic()
        self.connection.ensure_connection()
        raw = self.connection.connection
        quoted = ", ".join(self.connection.ops.quote_name(c) for c in self.columns)
        table = self.connection.ops.quote_name(self.table)
        if self.connection.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * self.width)
            cursor = raw.cursor()
            try:
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)  # noqa: S608 - names from the model
            finally:
                cursor.close()
        self.seconds += time.monotonic() - started
        self.written += len(rows)
        if self.stdout is not None and self.written - self._reported >= PROGRESS_EVERY:
            self._reported = self.written
            self.stdout.write(f"    {self.label}: {self.written:,}件（書き込み {self.rate():,.0f}件/秒）\n")

    def rate(self) -> float:
        return self.written / self.seconds if self.seconds else 0.0

    def finish(self) -> None:
        """Move the id sequence past the rows written (PostgreSQL; SQLite's AUTOINCREMENT follows)."""
        if not self.with_id or not self.written:
            return
        statements = self.connection.ops.sequence_reset_sql(no_style(), [self.model])
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def write_all(loader: TableLoader, rows: Iterable[tuple[Any, ...]], batch: int = 20_000) -> None:
    """Write an iterable of rows in batches of ``batch`` (memory stays bounded by one batch)."""
    pending: list[tuple[Any, ...]] = []
    for row in rows:
        pending.append(row)
        if len(pending) >= batch:
            loader.write(pending)
            pending = []
    loader.write(pending)


@contextmanager
def indexes_deferred(models: Sequence[type[Model]], *, using: str = "default") -> Iterator[list[str]]:
    """Drop the tables' secondary indexes for the load and rebuild them after, from their own definitions.

    Keeping eight B-trees in order row by row is most of the cost of a 10,000,000-row insert (and thrashes
    the cache once they outgrow it); one sort per index afterwards is several times faster. Primary keys
    and unique constraints stay (PostgreSQL's constraint-backed indexes cannot be dropped alone). In the
    caller's transaction: if the load fails, the rollback brings the indexes back with everything else.
    Yields the names of the indexes deferred. On SQLite the page cache is raised for the load and the
    rebuild (the default 2 MB makes every sort spill), and put back after; on PostgreSQL
    ``maintenance_work_mem``, for the transaction.
    """
    connection = connections[using]
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"  # noqa: S608
                f" AND tbl_name IN ({marks}) AND sql NOT LIKE 'CREATE UNIQUE%%' ORDER BY name",
                tables,
            )
            definitions = cursor.fetchall()
            cursor.execute("PRAGMA cache_size")
            cache_size = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = {SQLITE_LOAD_CACHE_KIB}")
        else:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema()"
                " AND i.tablename = ANY(%s) AND i.indexdef NOT LIKE 'CREATE UNIQUE%%'"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) ORDER BY 1",
                [tables],
            )
            definitions = cursor.fetchall()
            cache_size = None
            # For this transaction only: each rebuild sorts in memory rather than in many spilled runs.
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{PG_LOAD_MAINTENANCE_MEM}'")
            # Django's foreign keys are checked at commit; a table with checks pending refuses DDL. Checked
            # as each statement ends for the load (the same checks, sooner), deferred again after.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, _ in definitions:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield [name for name, _ in definitions]
    # Not on an error: the rollback restores the indexes (DDL is transactional on both databases).
    with connection.cursor() as cursor:
        for _, sql in definitions:
            cursor.execute(sql)
        if cache_size is not None:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def bulk_session(*, using: str = "default") -> Iterator[None]:
    """On SQLite, for one very large transaction: a rollback journal instead of WAL, and a large page cache.

    WAL copies every page of a transaction into the log before the checkpoint copies it again, and
    SQLite's documentation advises a rollback journal for transactions past a few dozen megabytes; the
    city's load is gigabytes of new pages, of which a rollback journal keeps almost nothing. With the
    default 2 MB cache every B-tree step of the load re-reads its pages from the operating system (the
    city's people alone read some 300 GB that way). Must be entered outside a transaction; where the
    mode cannot change (another connection is open), SQLite keeps WAL and nothing else differs. Both
    are put back after. Nothing happens on other databases.
    """
    connection = connections[using]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        previous = str(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size")
        cache_size = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA journal_mode = DELETE")
        cursor.execute(f"PRAGMA cache_size = {SQLITE_LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {cache_size}")
            cursor.execute(f"PRAGMA journal_mode = {previous if previous.isalpha() else 'WAL'}")
