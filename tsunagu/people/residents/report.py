"""What the import tells its operator: every problem (``ResidentImportError``) or the counts (``ImportResult``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ResidentImportError(Exception):
    """The file or the request cannot be loaded; ``problems`` are Japanese lines shown as they are."""

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class ImportResult:
    encoding: str
    rows: int
    created: int
    updated: int
    unchanged: int
    deregistered: int  # of the updated: taken off the register by 転出・死亡
    skipped_departed: int  # 転出・死亡 rows of people Tsunagu does not know: not loaded
    households_created: int
    households_updated: int
    warnings: tuple[str, ...]
    dry_run: bool
