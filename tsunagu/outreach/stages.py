"""The stage rule of an outreach target, in one place (DESIGN §3): which stage may follow which.

    未接触 -> 接触試行 -> 接触できた -> 関係構築 -> 支援につながった      (the usual order, one step at a time)
    any open stage -> 見守り継続 (why)  -> back to 接触試行 / 接触できた / 関係構築 / 支援につながった (why)
    any open stage -> 終了 (a reason from the list)
    a skip or a step back within the order: allowed, with its reason recorded

接触できた and what follows need a contact that reached the person (会話できた・面会できた); 接触試行 needs an
attempt. Recording a contact moves 未接触 and 接触試行 on by itself (``services.contact_record``), through
this same rule. ``refusal(facts, target)`` is pure: ``None`` when allowed, else the messages a worker reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from tsunagu.outreach.models import EndReason, Stage

ORDER = (Stage.UNCONTACTED, Stage.ATTEMPTING, Stage.CONTACTED, Stage.RELATIONSHIP, Stage.CONNECTED)
OPEN = (*ORDER, Stage.WATCHING)
NEEDS_REACH = (Stage.CONTACTED, Stage.RELATIONSHIP, Stage.CONNECTED)


@dataclass(frozen=True)
class Facts:
    """What a step depends on besides the stage, gathered by the service on the locked row."""

    stage: Stage
    attempts: int = 0
    reached: bool = False  # a contact reached the person (会話できた・面会できた)
    note: str = ""
    end_reason: str = ""
    connected_to: bool = False  # a consultation or referral links the target to support


def _label(stage: Stage | str) -> str:
    return str(Stage(stage).label)


def in_order(stage: Stage, target: Stage) -> bool:
    """The next stage of the usual order: no reason needed."""
    return stage in ORDER and target in ORDER and ORDER.index(target) == ORDER.index(stage) + 1


def out_of_order(stage: Stage, target: Stage) -> bool:
    """A skip or a step back within the order, or a return from 見守り: allowed with a reason."""
    if stage == Stage.WATCHING:
        return target in ORDER[1:]
    return stage in ORDER and target in ORDER and not in_order(stage, target) and target != stage


def targets(stage: Stage) -> list[Stage]:
    """The stages the worker may choose from ``stage`` (some with a reason), in the flow's order."""
    if stage == Stage.ENDED:
        return []
    allowed: list[Stage] = [
        s for s in Stage if (in_order(stage, s) or out_of_order(stage, s)) and s != Stage.UNCONTACTED
    ]
    allowed += [s for s in (Stage.WATCHING, Stage.ENDED) if s != stage]  # always open
    return [s for s in Stage if s in allowed]


def refusal(facts: Facts, target: Stage) -> list[str] | None:
    """None when the target may move from ``facts.stage`` to ``target``; otherwise every reason it may not."""
    stage = facts.stage
    if stage == target:
        return [_("すでに「%(stage)s」です。") % {"stage": _label(stage)}]
    if stage == Stage.ENDED:
        return [_("終了した対象の段階は変えられません。新たに気になる情報があれば、新しい対象として開いてください。")]
    if target == Stage.UNCONTACTED:
        return [_("「未接触」には戻せません。接触を試みた記録はそのまま残ります。")]
    problems: list[str] = []
    note = facts.note.strip()
    if target == Stage.ATTEMPTING and facts.attempts == 0:
        problems.append(
            _("接触の記録（不在・拒否を含む）を付けると「接触試行」になります。先に接触を記録してください。")
        )
    if target in NEEDS_REACH and not facts.reached:
        problems.append(
            _("本人と会話・面会できた記録がないため、「%(stage)s」にはできません。先に接触の記録を付けてください。")
            % {"stage": _label(target)}
        )
    if target == Stage.CONNECTED and not facts.connected_to and not note:
        problems.append(_("どこにつながったか（つなぎ先・相談の受付）を記録してください。"))
    if target == Stage.WATCHING and not note:
        problems.append(_("見守りを続ける理由（誰が、どのように見守るか）を記録してください。"))
    if target == Stage.ENDED:
        if not facts.end_reason:
            problems.append(_("終了の理由を一覧から選んでください。"))
        elif facts.end_reason == EndReason.OTHER and not note:
            problems.append(_("「その他」の終了の理由を記録してください。"))
    if out_of_order(stage, target) and not note:
        if stage == Stage.WATCHING:
            problems.append(_("見守りから「%(stage)s」に戻す理由を記録してください。") % {"stage": _label(target)})
        elif ORDER.index(target) > ORDER.index(stage):
            problems.append(
                _("「%(from)s」から「%(to)s」へは段階を飛ばすことになります。飛ばす理由を記録してください。")
                % {"from": _label(stage), "to": _label(target)}
            )
        else:
            names = {"from": _label(stage), "to": _label(target)}
            problems.append(_("「%(from)s」から「%(to)s」へ戻す理由を記録してください。") % names)
    return problems or None
