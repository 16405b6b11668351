"""The stage rule (``tsunagu.outreach.stages``) and the services that apply it: the usual order needs no
reason, a skip or a step back needs one, 接触できた needs a contact that reached the person, 終了 needs its
reason, and a refused step writes nothing."""

from __future__ import annotations

import pytest
from django.utils import translation

from tsunagu.outreach import services, stages
from tsunagu.outreach.models import OutreachStageChange, Result, Stage
from tsunagu.outreach.stages import Facts
from tsunagu.outreach.tests.factories import contact, information, open_target, runs_outreach, worker_at

S = Stage


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


def test_the_usual_order_one_step_at_a_time():
    reached = Facts(stage=S.CONTACTED, attempts=3, reached=True)
    assert stages.refusal(reached, S.RELATIONSHIP) is None
    assert stages.refusal(Facts(stage=S.UNCONTACTED, attempts=1), S.ATTEMPTING) is None
    assert stages.refusal(Facts(stage=S.RELATIONSHIP, attempts=3, reached=True, connected_to=True), S.CONNECTED) is None


def test_a_skip_needs_its_reason():
    facts = Facts(stage=S.ATTEMPTING, attempts=2, reached=True)
    assert stages.refusal(facts, S.RELATIONSHIP) == [
        "「接触試行」から「関係構築」へは段階を飛ばすことになります。飛ばす理由を記録してください。"
    ]
    with_reason = Facts(stage=S.ATTEMPTING, attempts=2, reached=True, note="初回から長く話せた")
    assert stages.refusal(with_reason, S.RELATIONSHIP) is None
    assert stages.out_of_order(S.ATTEMPTING, S.RELATIONSHIP)


def test_a_step_back_needs_its_reason():
    facts = Facts(stage=S.RELATIONSHIP, attempts=5, reached=True)
    assert stages.refusal(facts, S.ATTEMPTING) == ["「関係構築」から「接触試行」へ戻す理由を記録してください。"]


def test_contact_stages_need_a_contact_that_reached_the_person():
    problems = stages.refusal(Facts(stage=S.ATTEMPTING, attempts=5, reached=False), S.CONTACTED)
    assert problems == [
        "本人と会話・面会できた記録がないため、「接触できた」にはできません。先に接触の記録を付けてください。"
    ]


def test_watching_and_ending_need_their_reasons():
    facts = Facts(stage=S.ATTEMPTING, attempts=5)
    assert stages.refusal(facts, S.WATCHING) == ["見守りを続ける理由（誰が、どのように見守るか）を記録してください。"]
    assert stages.refusal(facts, S.ENDED) == ["終了の理由を一覧から選んでください。"]
    assert stages.refusal(Facts(stage=S.ATTEMPTING, attempts=5, end_reason="moved"), S.ENDED) is None
    assert stages.refusal(Facts(stage=S.ATTEMPTING, end_reason="other"), S.ENDED) == [
        "「その他」の終了の理由を記録してください。"
    ]


def test_impossible_steps_say_why():
    assert stages.refusal(Facts(stage=S.ENDED), S.ATTEMPTING) == [
        "終了した対象の段階は変えられません。新たに気になる情報があれば、新しい対象として開いてください。"
    ]
    assert stages.refusal(Facts(stage=S.ATTEMPTING, attempts=1), S.UNCONTACTED) == [
        "「未接触」には戻せません。接触を試みた記録はそのまま残ります。"
    ]
    assert stages.refusal(Facts(stage=S.CONTACTED, reached=True), S.CONTACTED) == ["すでに「接触できた」です。"]


def test_the_choices_offered_follow_the_rule():
    assert stages.targets(S.UNCONTACTED)[0] == S.ATTEMPTING
    assert S.UNCONTACTED not in stages.targets(S.ATTEMPTING)
    assert stages.targets(S.ENDED) == []
    assert stages.targets(S.WATCHING) == [S.ATTEMPTING, S.CONTACTED, S.RELATIONSHIP, S.CONNECTED, S.ENDED]


@pytest.mark.django_db
def test_the_service_refuses_and_writes_nothing_then_records_a_skip_with_its_reason(personas):
    organization = personas.coordinator.memberships.get().organization  # 福祉あんしん課 runs outreach directly
    runs_outreach(organization)
    worker = worker_at(organization, "anshin_outreach")
    target = open_target(worker, [information(worker)])
    before = OutreachStageChange.objects.count()
    with pytest.raises(services.OutreachError) as refused:
        services.target_stage_change(user=worker, target=target, data=services.StageInput(S.CONTACTED))
    assert "会話・面会できた記録がない" in refused.value.messages[0]
    assert OutreachStageChange.objects.count() == before
    contact(worker, target, Result.TALKED)
    target.refresh_from_db()
    assert target.stage == S.CONTACTED  # 未接触 → 接触試行 → 接触できた, both recorded
    assert list(target.stage_changes.values_list("to_stage", flat=True)) == [S.UNCONTACTED, S.ATTEMPTING, S.CONTACTED]
    skip = services.StageInput(S.CONNECTED, note="本人の希望で包括の窓口へ同行した")
    target = services.target_stage_change(user=worker, target=target, data=skip)
    change = target.stage_changes.order_by("-id")[0]
    assert (target.stage, change.out_of_order, change.note) == (S.CONNECTED, True, "本人の希望で包括の窓口へ同行した")


@pytest.mark.django_db
def test_only_the_holders_staff_change_a_target(personas):
    organization = personas.coordinator.memberships.get().organization
    runs_outreach(organization)
    worker = worker_at(organization, "anshin_outreach")
    target = open_target(worker, [information(worker)])
    with pytest.raises(services.OutreachError):
        contact(personas.caseworker_a, target)
    with pytest.raises(services.OutreachError) as refused:
        services.target_open(user=personas.caseworker_a, data=services.TargetInput(worry="心配"))
    assert "実施する機関の職員" in refused.value.messages[0]
