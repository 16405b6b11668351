"""The entry point: ``extend_demo_town`` makes a ``Year`` (the parts put together) and writes the run's one
audit entry."""

from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import accumulate

from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.consultations.demo.drafts import Counts, Draft
from tsunagu.consultations.demo.progress import Progress
from tsunagu.consultations.demo.scenarios import SHARE_OF_PEOPLE
from tsunagu.core.models import Municipality, User


def extend_demo_town(*, municipality: Municipality, rng: random.Random, as_of: date, people: int, user: User) -> str:
    """Add a year of consultations, referrals and progress records to the demo town; return a summary line.

    The extension hook of ``tsunagu.people.demo.generator`` calls this inside the run's transaction.
    """
    year = Year(municipality=municipality, rng=rng, as_of=as_of, user=user)
    counts = year.make(round(people * SHARE_OF_PEOPLE))
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
    return (
        f"相談・つなぎ: 相談{counts.consultations:,}件・つなぎ{counts.referrals:,}件"
        f"（回答待ち{counts.waiting:,}件、うち期限超過{counts.overdue:,}件）・"
        f"支援経過{counts.notes:,}件・本人同意{counts.consents:,}件を生成"
    )


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
