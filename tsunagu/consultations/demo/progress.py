"""``Progress``: the progress records (支援経過) after each named consultation, by the receiving agency and,
after an accepted referral, by the receiver."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import pairwise

from django.utils import timezone

from tsunagu.consultations.demo.casework import Casework
from tsunagu.consultations.demo.drafts import Draft, Sending
from tsunagu.consultations.demo.phrases import CLOSING_NOTE, FIRST_NOTES, GENERIC_NOTES, INFORMATION_NOTE, NOTES, Note
from tsunagu.consultations.demo.scenarios import BATCH_SIZE, NOTE_COUNTS
from tsunagu.consultations.models import CaseNote, Counterpart, Means, Outcome, ReferralStatus
from tsunagu.core.models import Organization, User


class Progress(Casework):
    """One to six records per named consultation, with their next steps."""

    def _write_notes(self, drafts: list[Draft], plans: list[Sending]) -> None:
        """One to six records per named consultation (an anonymous one has nobody to record about)."""
        referral_of = {id(p.draft): p for p in plans}
        notes: list[CaseNote] = []
        last_notes: list[CaseNote] = []
        for draft in drafts:
            if draft.person is None:
                continue
            plan = referral_of.get(id(draft))
            series = self._sender_notes(draft, plan)
            if plan is not None and plan.referral.status == ReferralStatus.ACCEPTED:
                received = self._receiver_notes(draft, plan)
                self._plan_next_steps(received, ongoing=True)
                notes += received
                last_notes += received[-1:]
            self._plan_next_steps(series, ongoing=draft.outcome in (Outcome.HANDLED, Outcome.COLLABORATION))
            notes += series
            last_notes += [n for n in series[-1:] if n.next_step_on is not None]
        self._this_week(last_notes)
        CaseNote.objects.bulk_create(notes, batch_size=BATCH_SIZE)
        self.counts.notes = len(notes)

    def _note(self, draft: Draft, organization: Organization, staff: User, at: datetime, note: Note) -> CaseNote:
        means, counterpart, detail, content, next_step = note
        return CaseNote(
            municipality=self.municipality, organization=organization,
            person_id=draft.person.pk if draft.person else None, consultation=draft.record, occurred_at=at,
            means=means, staff=staff, counterpart=counterpart, counterpart_detail=detail, content=content,
            next_step=next_step,
        )  # fmt: skip

    def _topic_notes(self, draft: Draft) -> tuple[Note, ...]:
        """The follow-ups that fit the main issue; an older person's illness is followed up as care is."""
        code = "care" if draft.main.code == "health" and (draft.age or 0) >= 65 else draft.main.code
        return NOTES.get(code, GENERIC_NOTES) + GENERIC_NOTES[:1]

    def _sender_notes(self, draft: Draft, plan: Sending | None) -> list[CaseNote]:
        """The receiving agency's records: a first contact, the follow-ups, the handover or the close."""
        count = self.pick(NOTE_COUNTS)
        if draft.outcome == Outcome.INFORMATION:
            count = 1
        elif draft.outcome in (Outcome.ENDED, Outcome.REFERRED):
            count = min(count, 3)
        series: list[CaseNote] = []
        at: datetime | None = self._later(draft.received_at, 0, 0) if self.rng.random() < 0.5 else None
        at = at or self._later(draft.received_at, 1, 5)
        if at is None:
            # Received on the last day: written up that evening.
            day = timezone.localtime(draft.received_at, self.zone).date()
            at = self._moment(day, draft.received_at, until=23 * 60)
        topics = self._topic_notes(draft)
        while at is not None and len(series) < count:
            if draft.outcome == Outcome.INFORMATION:
                note = INFORMATION_NOTE
            elif draft.outcome == Outcome.ENDED and len(series) == count - 1:
                note = CLOSING_NOTE
            elif not series:
                note = self.rng.choice(FIRST_NOTES)
            else:
                note = self.rng.choice(topics)
            series.append(self._note(draft, draft.organization, draft.staff, at, note))
            at = self._later(at, 3, 15)
        if plan is not None:
            # The handover, just after sending: the sender's record of the つなぎ.
            to = plan.referral.to_organization.name
            content = (
                f"支援会議での検討を依頼。事務局（{to}）に概要を伝えた。"
                if plan.referral.to_meeting
                else f"{to}へつなぐ。本人の同意の範囲で相談の概要を伝えた。"
            )
            handover: Note = (Means.PHONE, Counterpart.AGENCY, to, content, "つなぎ先の回答を確認する")
            at = plan.sent_at + timedelta(minutes=5)
            series = [n for n in series if n.occurred_at < at][: count - 1]
            series.append(self._note(draft, draft.organization, draft.staff, at, handover))
            series[-1].next_step_on = plan.referral.due_on
        return series

    def _receiver_notes(self, draft: Draft, plan: Sending) -> list[CaseNote]:
        """After accepting, the receiver's own records of the same person, from the next days on."""
        referral = plan.referral
        assert referral.responded_at is not None and referral.responded_by is not None
        receiver, staff = referral.to_organization, referral.responded_by
        sender = referral.from_organization.name
        if referral.to_meeting:
            first: Note = (Means.MEETING, Counterpart.AGENCY, "支援会議",
                           f"支援会議で検討（{sender}から依頼）。関係機関の役割分担と見守りの方針を確認した。",
                           "支援会議で経過を確認する")  # fmt: skip
        else:
            first = (Means.VISIT, Counterpart.PERSON, "", f"{sender}からのつなぎを受け、本人と初回面談。", "次回面談")
        series: list[CaseNote] = []
        at = self._later(referral.responded_at, 0, 3)
        count = self.rng.randint(1, 4)
        while at is not None and len(series) < count:
            note = first if not series else self.rng.choice(self._topic_notes(draft))
            series.append(self._note(draft, receiver, staff, at, note))
            at = self._later(at, 3, 15)
        return series

    def _plan_next_steps(self, series: list[CaseNote], *, ongoing: bool) -> None:
        """Each record's next step is the next record's date; the last one's lies ahead, while support goes on."""
        for note, following in pairwise(series):
            if note.next_step:
                note.next_step_on = timezone.localtime(following.occurred_at, self.zone).date()
        if series:
            last = series[-1]
            if ongoing and last.next_step and last.next_step_on is None:
                day = timezone.localtime(last.occurred_at, self.zone).date()
                last.next_step_on = self._business_day_between(day + timedelta(days=7), day + timedelta(days=45))
            elif last.next_step_on is None:
                last.next_step = ""
        for note in series:
            if note.next_step_on is None:
                note.next_step = ""

    def _this_week(self, last_notes: Iterable[CaseNote]) -> None:
        """Make sure "今週の予定" has something: for each agency the latest open case's next step falls in
        the week after the reference date (and a few more at random)."""
        latest: dict[int, CaseNote] = {}
        candidates: list[CaseNote] = []
        for note in last_notes:
            if note.next_step_on is None or note.occurred_at.date() < self.as_of - timedelta(days=90):
                continue
            candidates.append(note)
            current = latest.get(note.organization_id)
            if current is None or note.occurred_at > current.occurred_at:
                latest[note.organization_id] = note
        chosen = [latest[k] for k in sorted(latest)]
        chosen += self.rng.sample(candidates, min(len(candidates), max(1, len(candidates) // 20)))
        for note in chosen:
            note.next_step_on = self._business_day_between(self.as_of, self.as_of + timedelta(days=6))
