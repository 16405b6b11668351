"""The entry point: ``extend_demo_town`` makes a ``Year`` (the parts put together) and writes the run's one
audit entry."""

from __future__ import annotations

import random
from datetime import date, timedelta
from io import TextIOBase
from itertools import accumulate
from typing import TextIO

from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.consultations.demo.archive import ARCHIVES, YEARS, Archive, ArchiveCounts, ArchiveRates
from tsunagu.consultations.demo.drafts import Counts, Draft
from tsunagu.consultations.demo.progress import Progress
from tsunagu.consultations.demo.scenarios import SHARE_OF_PEOPLE
from tsunagu.core.models import Municipality, User


def extend_demo_town(
    *, municipality: Municipality, rng: random.Random, as_of: date, people: int, user: User, scale: str = "",
    stdout: TextIOBase | TextIO | None = None, archives: dict[str, ArchiveRates] | None = None,
) -> str:  # fmt: skip
    """Add a year of consultations, referrals and progress records to the demo town; return a summary line.

    The extension hook of ``tsunagu.people.demo.generator`` calls this inside the run's transaction. At a
    scale with an archive (``ARCHIVES``, or ``archives`` for tests) the earlier years follow in bulk.
    """
    year = Year(municipality=municipality, rng=rng, as_of=as_of, user=user)
    counts = year.make(round(people * SHARE_OF_PEOPLE))
    rates = (ARCHIVES if archives is None else archives).get(scale)
    archived = ArchiveCounts()
    if rates is not None:
        archived = Archive(year, stdout=stdout).write(
            consultations=round(people * rates.consultations) - counts.consultations,
            notes=round(people * rates.notes) - counts.notes,
        )
    audit_record(
        user=user,
        action=Action.CREATE,
        summary=f"demo_town: 相談{counts.consultations}件・つなぎ{counts.referrals}件・支援経過{counts.notes}件を生成",
        changes={
            "consultations": counts.consultations,
            "outcomes": counts.outcomes,
            "referrals": counts.referrals,
            "referrals_waiting": counts.waiting,
            "referrals_overdue": counts.overdue,
            "case_notes": counts.notes,
            "consents": counts.consents,
            "grants": counts.grants,
            "as_of": as_of,
        },
    )
    line = ""
    if archived.consultations:
        speed = "・".join(f"{label} {archived.rates[key]:,.0f}" for key, label in ARCHIVE_TABLES)
        line = (
            f"\n  相談（過去{YEARS}年分・一括）: 相談{archived.consultations:,}件・支援経過{archived.notes:,}件・"
            f"相談内容{archived.issues:,}件・本人同意{archived.consents:,}件・閲覧権限{archived.grants:,}件（{archived.seconds:.1f}秒、"
            f"書き込み 件/秒: {speed}）"
        )
    return (
        f"相談・つなぎ: 相談{counts.consultations:,}件・つなぎ{counts.referrals:,}件"
        f"（回答待ち{counts.waiting:,}件、うち期限超過{counts.overdue:,}件）・"
        f"支援経過{counts.notes:,}件・本人同意{counts.consents:,}件を生成{line}"
    )


ARCHIVE_TABLES = (
    ("consultations", "相談"), ("notes", "支援経過"), ("issues", "相談内容"), ("consents", "本人同意"),
    ("grants", "閲覧権限"),
)  # fmt: skip


class Year(Progress):
    """One run: the town read once, the year's drafts, and the bulk writes."""

    def make(self, total: int) -> Counts:
        if not self.scenarios or total <= 0:
            return self.counts
        weights = list(accumulate(s.weight for s in self.scenarios))
        year = [d for d in self.days if self.as_of - timedelta(days=365) <= d < self.as_of]
        drafts: list[Draft] = []
        for _ in range(total):
            scenario = self.rng.choices(self.scenarios, cum_weights=weights)[0]
            draft = self._draft(scenario, self.rng.choice(year))
            if draft is not None:
                drafts.append(draft)
        drafts.sort(key=lambda d: d.received_at)  # stable: equal times keep the order they were drawn in
        self._outcomes(drafts)
        consents = self._consents(drafts)
        self._write_consultations(drafts, consents)
        plans = self._referrals(drafts)
        self._write_notes(drafts, plans)
        return self.counts
