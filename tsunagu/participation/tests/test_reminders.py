"""The follow-up reminder job on fixed dates: a match in 参加中 or 定着 with no follow-up for 30 days (or the
configured days) becomes one notice for the support's worker — counted from the newest follow-up, or from the
day participation began; a rerun adds nothing for the same gap; a new follow-up starts a new gap; a proposal,
a visit or an ended match is not reminded."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from tsunagu.notifications.models import Event, Notice
from tsunagu.notifications.schedule import job
from tsunagu.participation import jobs, services
from tsunagu.participation.models import EndReason, FollowUpAbout, MatchState
from tsunagu.participation.tests.factories import advance, follow_up, resource, support, worker_at, workshop
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 6) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 20))


def _match(staff, opened, name: str, *, to: list[tuple[MatchState, date]]):
    res = resource(staff, name=name)
    match = services.match_propose(user=staff, support=opened, resource=res, proposed_on=date(2025, 4, 2))
    for state, on in to:
        kwargs = {"end_reason": EndReason.NOT_SUITED} if state == MatchState.ENDED else {}
        match = advance(staff, match, state, on=on, **kwargs)
    return match


@pytest.fixture
def matches(personas):
    shop = workshop(personas.town)
    staff, worker = worker_at(shop, "sagyo_rem"), worker_at(shop, "sagyo_rem_worker")
    person = register(staff, family_name="定着", family_name_kana="テイチャク")
    opened = support(staff, person, worker=worker, started_on=date(2025, 4, 1))
    followed = _match(staff, opened, "農作業", to=[(MatchState.PARTICIPATING, date(2025, 4, 10))])
    follow_up(staff, followed, FollowUpAbout.HOST, "受け入れ先と振り返り", on=date(2025, 5, 1))
    settled = _match(staff, opened, "図書館の整理", to=[(MatchState.PARTICIPATING, date(2025, 4, 10)),
                                                        (MatchState.SETTLED, date(2025, 4, 20))])  # fmt: skip
    _match(staff, opened, "提案だけ", to=[])
    _match(staff, opened, "見学だけ", to=[(MatchState.TRIAL, date(2025, 4, 5))])
    _match(staff, opened, "終わった", to=[(MatchState.PARTICIPATING, date(2025, 4, 3)),
                                         (MatchState.ENDED, date(2025, 4, 4))])  # fmt: skip
    return {"staff": staff, "worker": worker, "followed": followed, "settled": settled}


def _reminded():
    return sorted(Notice.objects.values_list("user__username", "record_id", "key"))


def test_the_worker_is_reminded_once_per_gap(matches):
    followed, settled, worker = matches["followed"], matches["settled"], matches["worker"]
    assert job("participation_follow_up").run is jobs.follow_up_reminders
    assert jobs.follow_up_reminders(at(date(2025, 5, 9))) == 0  # 29 days after participation began
    assert jobs.follow_up_reminders(at(date(2025, 5, 10))) == 1
    jobs.follow_up_reminders(at(date(2025, 5, 10), hour=18))  # a rerun adds nothing
    assert _reminded() == [(worker.username, settled.pk, f"participation_follow_up:{settled.pk}:2025-04-10")]
    notice = Notice.objects.get()
    assert notice.record_kind == "participation_match" and "30日以上フォローアップ" in notice.summary
    assert notice.event == Event.PARTICIPATION_FOLLOW_UP_DUE
    assert "定着" not in notice.summary and "テイチャク" not in notice.summary  # the person's name is not in it

    jobs.follow_up_reminders(at(date(2025, 5, 30)))  # 29 days after the follow-up with the host
    assert Notice.objects.count() == 1
    jobs.follow_up_reminders(at(date(2025, 5, 31)))
    jobs.follow_up_reminders(at(date(2025, 6, 15)))  # still the same two gaps
    assert [key for _u, _r, key in _reminded()] == sorted(
        [f"participation_follow_up:{settled.pk}:2025-04-10", f"participation_follow_up:{followed.pk}:2025-05-01"]
    )
    follow_up(matches["staff"], settled, FollowUpAbout.PERSON, "本人と面談", on=date(2025, 6, 1))
    jobs.follow_up_reminders(at(date(2025, 6, 30)))
    assert Notice.objects.count() == 2
    jobs.follow_up_reminders(at(date(2025, 7, 1)))
    assert Notice.objects.filter(key=f"participation_follow_up:{settled.pk}:2025-06-01", user=worker).exists()
    assert not Notice.objects.filter(user=matches["staff"]).exists()  # the worker, not who recorded


def test_the_interval_is_a_setting(matches, settings):
    settings.TSUNAGU_PARTICIPATION_FOLLOW_UP_DAYS = 14
    jobs.follow_up_reminders(at(date(2025, 4, 23)))
    assert Notice.objects.count() == 0
    jobs.follow_up_reminders(at(date(2025, 4, 24)))  # 14 days after 4/10 (the other has its follow-up of 5/1)
    assert {r for _u, r, _k in _reminded()} == {matches["settled"].pk}
    jobs.follow_up_reminders(at(date(2025, 5, 14)))
    assert Notice.objects.count() == 1
    jobs.follow_up_reminders(at(date(2025, 5, 15)))
    assert {r for _u, r, _k in _reminded()} == {matches["followed"].pk, matches["settled"].pk}
    assert all("14日以上" in n.summary for n in Notice.objects.all())
