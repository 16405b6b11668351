"""The acceptance walk of 参加支援 (issue 15): a young man who has been shut in, whose support plan asks for 参加支援,
is matched by the town's type-B workshop — the farm work-experience near his home in the morning ranks above
an evening job in the next city, with the reasons — then visits, joins, is followed up (he and the farm),
and the 年度's counts include him and the farm. Bad input is refused in Japanese and saves nothing; his
records are read only through the access core."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import ConsentMethod
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.audit.models import AuditEntry
from tsunagu.core.japanese.wareki import fiscal_year
from tsunagu.participation import counts, selectors, services
from tsunagu.participation.models import (
    FollowUpAbout,
    MatchState,
    ParticipationFollowUp,
    ParticipationMatch,
    ParticipationSupport,
    Resource,
    Source,
)
from tsunagu.participation.tests.factories import (
    advance,
    district,
    follow_up,
    host,
    resource,
    support,
    worker_at,
    workshop,
    young_man_needs,
)
from tsunagu.people.models import Household, HouseholdMember, Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.support_plans import services as plans
from tsunagu.support_plans.models import Application
from tsunagu.support_plans.tests.factories import plan_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(personas):
    """The young man (25, shut in for years) and his mother in 八橋, his consent naming the workshop, his
    自立相談支援 plan with a role for the workshop applying for 参加支援事業, and the registry: a farm near
    home in the morning and an evening job in 倉吉市."""
    coordinator = personas.coordinator
    yabase = district(personas.town, "八橋")
    man = register(coordinator, family_name="浦野", given_name="翔太", family_name_kana="ウラノ",
                   given_name_kana="ショウタ", birth_date=date(2000, 6, 1), district=yabase)  # fmt: skip
    mother = register(coordinator, family_name="浦野", given_name="恵子", family_name_kana="ウラノ",
                      given_name_kana="ケイコ", birth_date=date(1968, 2, 3), district=yabase)  # fmt: skip
    home = household_of(coordinator, (mother, Relationship.HEAD), (man, Relationship.CHILD))
    Household.objects.filter(pk=home.pk).update(district=yabase)
    b_type = workshop(personas.town)
    consent_record(user=coordinator, person=man, data=ConsentInput(
        purpose="参加支援のための情報共有", method=ConsentMethod.WRITTEN, given_on=timezone.localdate(),
        organizations=[b_type],
    ))  # fmt: skip
    plan = plans.plan_create(user=coordinator, plan_type="self-reliance", person=man, household=home,
                             data=plan_input("self-reliance", wishes="少しずつ外に出て、人と関わりたい"))  # fmt: skip
    action = plans.action_add(user=coordinator, plan=plan, data=plans.ActionInput(
        content="日中の居場所・就労体験の利用調整（参加支援事業）", organization=b_type, staff_name="作業所 担当",
        frequency="週1回", application=Application.PARTICIPATION,
    ))  # fmt: skip
    staff = worker_at(b_type, "sagyo_flow")
    farm = resource(staff, of=host(staff, "山田農園", "農業"), name="農作業体験（山田農園）", district=yabase,
                    weekdays="火木", starts_at=time(9), ends_at=time(12), staff_support=True, capacity=3,
                    keywords="農作業、屋外、野菜")  # fmt: skip
    job = resource(staff, of=host(staff, "倉吉駅前ダイニング", "観光"), kind="work", name="夜の接客アルバイト",
                   description="飲食店のホールでの接客と片付け。", outside_town=True, address="倉吉市上井町",
                   weekdays="月火水木金", starts_at=time(18), ends_at=time(22), capacity=2, keywords="接客",
                   free_of_charge=True)  # fmt: skip
    return {"man": man, "home": home, "plan": plan, "action": action, "staff": staff, "farm": farm, "job": job,
            "yabase": yabase}  # fmt: skip


def test_the_young_man_is_matched_followed_up_and_counted(personas, town):
    staff, man = town["staff"], town["man"]
    opened = services.support_open(user=staff, data=services.SupportInput(
        person=man, wishes="人の少ない場所で、朝の短い時間から", plan_action=town["action"], **young_man_needs(),
    ))  # fmt: skip
    assert (opened.source, opened.plan_action_id, opened.household_id) == (Source.PLAN, town["action"].pk,
                                                                          town["home"].pk)  # fmt: skip
    today = timezone.localdate()
    assert opened.district == town["yabase"]
    assert opened.age == today.year - 2000 - ((today.month, today.day) < (6, 1))

    ranking = selectors.ranking_for(opened)
    names = [s.resource.name for s in ranking]
    assert names.index("農作業体験（山田農園）") < names.index("夜の接客アルバイト")
    farm, job = ranking[names.index("農作業体験（山田農園）")], ranking[names.index("夜の接客アルバイト")]
    assert farm.score == 100 and job.score < 50
    why_farm = {r.criterion: r.text for r in farm.reasons}
    assert "住まいと同じ地区（八橋）" in why_farm["district"]
    assert "9:00〜12:00" in why_farm["hours"] and "収まる" in why_farm["hours"]
    assert "農作業" in why_farm["interests"] and "現地に支援者がいる" in why_farm["conditions"]
    why_job = {r.criterion: (r.points, r.text) for r in job.reasons}
    assert why_job["district"] == (0, "町外の資源で、本人は町内を希望している")
    assert why_job["hours"][0] == 0 and "外" in why_job["hours"][1]
    assert why_job["conditions"] == (10, "満たさない条件: 現地に支援者がいない")

    match = services.match_propose(user=staff, support=opened, resource=town["farm"], note="母と一緒に見学を希望")
    assert (match.state, match.score, match.person_id) == (MatchState.PROPOSED, 100, man.pk)
    assert match.explanation[0]["label"] == "地区・交通"
    match = advance(staff, match, MatchState.TRIAL, note="火曜の午前に見学。収穫を30分体験")
    match = advance(staff, match, MatchState.PARTICIPATING)
    follow_up(staff, match, FollowUpAbout.PERSON, "疲れたが楽しかったと話す", next_step="来週も同行")
    follow_up(staff, match, FollowUpAbout.HOST, "農園主と面談", worries="休むときの連絡の仕方が分からないと心配")
    match = advance(staff, match, MatchState.SETTLED)
    assert (match.trial_on, match.started_on, match.settled_on) == (today, today, today)
    assert set(ParticipationFollowUp.objects.filter(match=match).values_list("about", flat=True)) == {"person", "host"}

    figures = counts.participation_counts(municipality_id=personas.town.pk, fiscal_year=fiscal_year(today))
    assert (figures.participants, figures.cooperating_hosts) == (1, 1)
    # The proposal, the visit, the participation, both follow-ups and the settling are in the audit log.
    assert AuditEntry.objects.filter(person_id=man.pk, model__startswith="participation.").count() == 7


def test_bad_input_is_refused_in_japanese_and_saves_nothing(personas, town):
    staff, man = town["staff"], town["man"]
    before = Resource.objects.count()
    with pytest.raises(services.ParticipationError, match="定員は0人以上で入力してください"):
        resource(staff, name="定員がマイナス", capacity=-1)
    assert Resource.objects.count() == before

    opened = support(staff, man, **young_man_needs())
    services.resource_close(user=staff, resource=town["job"], closed_on=timezone.localdate())
    with pytest.raises(services.ParticipationError, match=r"「夜の接客アルバイト」は令和.*で受け入れを終了しています"):
        services.match_propose(user=staff, support=opened, resource=Resource.objects.get(pk=town["job"].pk))
    assert not ParticipationMatch.objects.filter(support=opened).exists()

    with pytest.raises(Exception, match="年度は2000年度から"):
        counts.participation_counts(municipality_id=personas.town.pk, fiscal_year=1999)
    match = services.match_propose(user=staff, support=opened, resource=town["farm"])
    next_year = date(fiscal_year(timezone.localdate()) + 1, 4, 1)
    with pytest.raises(services.ParticipationError, match="今日より後の日付は入力できません"):
        advance(staff, match, MatchState.TRIAL, on=next_year)
    with pytest.raises(services.ParticipationError, match="より前です"):
        advance(staff, match, MatchState.TRIAL, on=date(2020, 3, 31))
    with pytest.raises(services.ParticipationError, match="見学・体験または参加が始まってから"):
        follow_up(staff, match, FollowUpAbout.HOST, "まだ受け入れ前")
    with pytest.raises(services.ParticipationError, match="終了の理由を一覧から選んでください"):
        advance(staff, match, MatchState.ENDED)
    match.refresh_from_db()
    assert match.state == MatchState.PROPOSED and match.trial_on is None
    assert not ParticipationFollowUp.objects.exists()


def test_only_the_workshop_staff_open_a_support_and_only_for_people_it_may_see(personas, town):
    with pytest.raises(services.ParticipationError, match="参加支援事業を実施する機関の職員です"):
        support(personas.caseworker_a, town["man"])
    stranger_to_workshop = register(personas.caseworker_a, family_name="別所", given_name="一郎",
                                    family_name_kana="ベッショ", given_name_kana="イチロウ")  # fmt: skip
    with pytest.raises(services.ParticipationError, match="この方の記録を持っていません"):
        support(town["staff"], stranger_to_workshop)
    assert not ParticipationSupport.objects.exists()


def test_his_participation_is_read_only_through_the_access_core(client, personas, town):
    staff = town["staff"]
    opened = support(staff, town["man"], plan_action=town["action"], **young_man_needs())
    match = advance(staff, services.match_propose(user=staff, support=opened, resource=town["farm"]), MatchState.TRIAL)
    pages = [reverse("participation:support-detail", args=[opened.pk]),
             reverse("participation:match-detail", args=[match.pk]),
             reverse("api:participation-support-detail", args=[opened.pk]),
             reverse("api:participation-support-ranking", args=[opened.pk]),
             reverse("api:participation-match-detail", args=[match.pk])]  # fmt: skip
    client.force_login(staff)
    for url in pages:
        assert client.get(url).status_code == 200, url
    page = client.get(pages[0]).content.decode()
    assert "住まいと同じ地区（八橋）" in page and "農作業体験（山田農園）" in page
    # His timeline and person page show the records from the registration, as every kind's do.
    timeline = client.get(reverse("people:person-timeline", args=[town["man"].pk])).content.decode()
    assert "参加支援を開始" in timeline and "適合度100点" in timeline
    pdf = client.get(reverse("people:person-timeline-print", args=[town["man"].pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    person_page = client.get(reverse("people:person-detail", args=[town["man"].pk])).content.decode()
    assert reverse("participation:person-support-create", args=[town["man"].pk]) in person_page
    # The coordinator's agency holds the plan, not these records, and the consent names only the workshop.
    for persona in ("stranger", "caseworker_b", "caseworker_a", "coordinator", "administrator", "auditor"):
        client.force_login(getattr(personas, persona))
        for url in pages:
            assert client.get(url).status_code == 404, (persona, url)
        assert "浦野" not in client.get(reverse("participation:support-list")).content.decode()
    # The counts and the registry name no person: any staff member of the town reads them.
    client.force_login(personas.caseworker_b)
    index = client.get(reverse("participation:index")).content.decode()
    assert 'id="participants"' in index and "浦野" not in index
    assert client.get(reverse("participation:resource-detail", args=[town["farm"].pk])).status_code == 200
    client.force_login(personas.stranger)
    assert client.get(reverse("participation:resource-detail", args=[town["farm"].pk])).status_code == 404


def test_a_support_opened_from_a_role_line_reads_it_through_its_plan(client, personas, town):
    """``?action=``: the role line's plan must be one the worker may read (the read audited); a line of a plan
    about someone the workshop cannot read, or no line at all, is 404 — on the page as in the API."""
    staff, man = town["staff"], town["man"]
    mother = HouseholdMember.objects.exclude(person=man).get(household=town["home"]).person
    hidden_plan = plans.plan_create(user=personas.coordinator, plan_type="self-reliance", person=mother,
                                    household=town["home"], data=plan_input("self-reliance", wishes="母の希望"))  # fmt: skip
    hidden = plans.action_add(user=personas.coordinator, plan=hidden_plan, data=plans.ActionInput(
        content="母の見守り（参加支援事業）", organization=hidden_plan.organization,
        application=Application.PARTICIPATION))  # fmt: skip
    client.force_login(staff)
    url = reverse("participation:person-support-create", args=[man.pk])
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True)[0]
    page = client.get(url, {"action": town["action"].pk})
    assert page.status_code == 200 and "日中の居場所・就労体験の利用調整" in page.content.decode()
    assert AuditEntry.objects.filter(pk__gt=before, object_id=str(town["plan"].pk)).exists()
    for action_id in (hidden.pk, 999_999):
        assert client.get(url, {"action": action_id}).status_code == 404
