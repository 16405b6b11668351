"""A meeting's 議題一覧 (agenda) and 議事録 (minutes) as PDF, A4 portrait, in the ruled layout of the other prints.

Both open with the meeting — name, 和暦 date and time, place, convener, chair, legal basis — and a 非公開
mark with the handling notice (meetings and their materials are closed to the public by default; a
statutory meeting's members carry its duty of secrecy). The minutes add the members with their 守秘義務
acknowledgement, the meeting's 資料 (titles), then each agenda item with its minutes, decisions, follow-up
tasks and 資料 (titles). Only the items the
caller let through are printed (``minutes.minutes_get_for_user``); the rest are counted. No address is
printed, so a protected (DV) location never reaches paper.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.meetings.minutes import MinutesView
from tsunagu.printing.furniture import numbered_canvas, pdf_document, printed_line
from tsunagu.printing.grid import FORM_WIDTH, SECTION, FormRow, form_table, labelled
from tsunagu.printing.text import local, markup, para, staff_name, wareki_datetime

GAP = 1.8 * mm


def _text(value: str) -> Any:
    return markup(escape(value or "—").replace("\n", "<br/>"))


def _handling(view: MinutesView) -> str:
    meeting = view.meeting
    kind = meeting.meeting_type
    lines = ["【非公開】" if meeting.closed_to_public else "【公開】"]
    if kind.statutory:
        lines.append(
            f"{kind.get_legal_basis_display()}に基づく会議の資料です。構成員には守秘義務があり、"
            "会議で知り得た秘密を漏らしてはなりません。"
        )
    else:
        lines.append("本人同意の範囲（共有先の機関と目的）でのみ取り扱ってください。")
    if meeting.closed_to_public:
        lines.append("会議の内容と資料は公開しません。")
    return "　".join(lines)


def _header(view: MinutesView, title: str) -> list[Any]:
    meeting = view.meeting
    kind = meeting.meeting_type
    follow_up = f"終了（{to_wareki(local(meeting.closed_at).date())}）" if meeting.closed_at else "継続中"
    rows: list[FormRow] = [
        ("会議名", kind.name),
        ("開催日時", wareki_datetime(meeting.held_at), "場所", meeting.place),
        ("開催機関", meeting.convener.name, "議長", staff_name(meeting.chair)),
        ("法的根拠", kind.get_legal_basis_display(), "公開", "非公開" if meeting.closed_to_public else "公開"),
        ("フォローアップ", follow_up),
    ]
    return [
        para(title, "title"), Spacer(1, 2 * mm), para(_handling(view), "notice"), Spacer(1, 2 * mm),
        labelled(rows, "会議"),
    ]  # fmt: skip


def _hidden(view: MinutesView) -> list[Any]:
    if not view.hidden_items:
        return []
    note = f"ほか{view.hidden_items}件の検討事項は、閲覧の根拠がないため印刷していません。"
    return [Spacer(1, GAP), para(note, "small")]


def _agenda_table(view: MinutesView) -> Any:
    widths = [SECTION, 12 * mm, 45 * mm, FORM_WIDTH - SECTION - 57 * mm]
    body: list[list[Any]] = [["", para("順", "head"), para("本人", "head"), para("検討事項", "head")]]
    for v in view.items:
        item = v.item
        case = f"<br/>（多機関協働ケース：{escape(item.case.get_state_display())}）" if item.case else ""
        body.append(["", para(str(item.order), "cell"), para(item.person.full_name, "cell"),
                     markup(escape(item.topic) + case, "cell")])  # fmt: skip
    if len(body) == 1:
        body.append(["", "", para("—", "cell"), ""])
    body[0][0] = para("議題", "label")
    return form_table(body, widths=widths, label_cells=[(c, 0) for c in range(1, 4)])


def agenda_pdf(view: MinutesView, *, printed_at: datetime | None = None) -> bytes:
    title = f"{view.meeting.meeting_type.name} 議題一覧"
    story = [*_header(view, title), Spacer(1, GAP), _agenda_table(view), *_hidden(view)]
    return _build(story, "会議の議題一覧", printed_at)


def _members_table(view: MinutesView) -> Any:
    meeting = view.meeting
    statutory = meeting.meeting_type.statutory
    acknowledged = {a.user_id: a.acknowledged_at for a in meeting.acknowledgements.all()}
    widths = [SECTION, 50 * mm, 70 * mm, FORM_WIDTH - SECTION - 120 * mm]
    third = "守秘義務の確認" if statutory else "出席"
    body: list[list[Any]] = [["", para("氏名", "head"), para("機関", "head"), para(third, "head")]]
    for member in meeting.members.all():
        at = acknowledged.get(member.user_id)
        mark = (wareki_datetime(at) if at else "未確認") if statutory else "構成員"
        body.append(["", para(staff_name(member.user), "cell"), para(member.organization.name, "cell"),
                     para(mark, "cell")])  # fmt: skip
    body[0][0] = para("構成員", "label")
    return form_table(body, widths=widths, label_cells=[(c, 0) for c in range(1, 4)])


def _decisions(item_view: Any) -> Any:
    parts = []
    for decision in item_view.item.decisions.all():
        line = f"■{escape(decision.get_kind_display())}：{escape(decision.content)}"
        if decision.assigned_organization:
            line += f"（担当機関：{escape(decision.assigned_organization.name)}）"
        for task in decision.tasks.all():
            done = "完了" if task.done_at else "未完了"
            line += (f"<br/>　□タスク：{escape(task.title)}（{escape(staff_name(task.owner))}、期限 "
                     f"{to_wareki(task.due_on)}、{done}）")  # fmt: skip
        parts.append(line.replace("\n", "<br/>"))
    return markup("<br/>".join(parts) or "—", "value")


def _titles(titles: list[str]) -> Any:
    return markup("<br/>".join(f"・{escape(t)}" for t in titles) or "—", "value")


def _item_section(item_view: Any, attachments: list[str]) -> Any:
    item = item_view.item
    rows: list[FormRow] = [
        ("順", str(item.order), "本人", item.person.full_name),
        ("検討事項", item.topic),
        ("議事録", _text(item.minutes)),
        ("決定", _decisions(item_view)),
    ]
    if attachments:
        rows.append(("資料", _titles(attachments)))
    if item.case:
        rows.insert(2, ("多機関協働", item.case.get_state_display()))
    return labelled(rows, f"議題{item.order}")


def minutes_pdf(view: MinutesView, *, printed_at: datetime | None = None) -> bytes:
    title = f"{view.meeting.meeting_type.name} 議事録"
    story = [*_header(view, title), Spacer(1, GAP), _members_table(view)]
    if view.attachments.get(None):
        story += [Spacer(1, GAP), labelled([("資料", _titles(view.attachments[None]))], "配布資料")]
    for item_view in view.items:
        story += [Spacer(1, GAP), _item_section(item_view, view.attachments.get(item_view.item.pk, []))]
    if not view.items:
        story += [Spacer(1, GAP), para("印刷できる検討事項はありません。")]
    story += _hidden(view)
    return _build(story, "会議の議事録", printed_at)


def _build(story: list[Any], title: str, printed_at: datetime | None) -> bytes:
    buffer = io.BytesIO()
    # The file's title names no meeting or person: it shows in download lists and viewer tabs.
    document = pdf_document(buffer, pagesize=A4, title=title, top=14 * mm)
    document.build(story, canvasmaker=numbered_canvas(printed_line(printed_at), total_label=False))
    return buffer.getvalue()
