"""Pages of meetings: the list of upcoming and held meetings, holding one, the meeting (members, 守秘義務の確認,
agenda, tasks), an agenda item (minutes, decisions), and 私の会議タスク. Thin: parse, fetch through the
selectors (404 for non-members), call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from tsunagu.access.policy import casework_organization_ids
from tsunagu.collaboration import selectors as collaboration
from tsunagu.core.models import CASEWORK_ROLES, Membership, User
from tsunagu.core.pages import add_service_errors
from tsunagu.core.versioning import EditConflict
from tsunagu.meetings import acting, law, selectors, services
from tsunagu.meetings.attachments import selectors as attachment_selectors
from tsunagu.meetings.attachments.forms import AttachmentForm
from tsunagu.meetings.forms import AgendaItemForm, DecisionForm, MeetingForm, MemberForm, MinutesForm
from tsunagu.meetings.information import selectors as information_selectors
from tsunagu.meetings.models import Meeting
from tsunagu.people import selectors as people

LIST_SIZE = 100


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not casework_organization_ids(user):
        raise Http404
    return user


def meeting_list(request: HttpRequest) -> HttpResponse:
    """会議: upcoming meetings by date (the calendar), then those held; the user's own meetings only."""
    user = _user(request)
    upcoming = list(selectors.meeting_list_for_user(user=user, upcoming=True)[:LIST_SIZE])
    held = list(selectors.meeting_list_for_user(user=user, upcoming=False)[:LIST_SIZE])
    return render(request, "meetings/meeting_list.html", {"upcoming": upcoming, "held": held})


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = MeetingForm(request.POST or None, meeting_types=selectors.meeting_types_for_user(user=user))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                user=user, meeting_type=form.cleaned_data["meeting_type"], held_at=form.held_at(),
                place=form.cleaned_data["place"], closed_to_public=form.cleaned_data["closed_to_public"],
                request=request,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("会議を登録しました。"))
            return redirect("meetings:meeting-detail", meeting.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/meeting_form.html", {"form": form}, status=status)


def _candidates(meeting: Meeting):
    """Casework memberships of the town that may attend (the type's organisations, or any)."""
    rows = Membership.objects.confirmed().filter(municipality_id=meeting.municipality_id, role__in=CASEWORK_ROLES)
    allowed = [o.pk for o in meeting.meeting_type.member_organizations.all()]
    if allowed:
        rows = rows.filter(organization_id__in=allowed)
    present = [m.user_id for m in meeting.members.all()]
    return rows.exclude(user_id__in=present).select_related("user", "organization").order_by("organization__order")


def _detail(request: HttpRequest, user: User, pk: int, status: int = 200, **forms) -> HttpResponse:
    view = selectors.meeting_get_for_user(user=user, pk=pk, request=request)
    meeting = view.meeting
    is_chair = meeting.chair_id == user.pk
    context = {
        "view": view, "meeting": meeting, "is_chair": is_chair,
        "member_form": forms.get("member_form") or (MemberForm(memberships=_candidates(meeting)) if is_chair else None),
        "agenda_form": forms.get("agenda_form") or AgendaItemForm(),
        "attachments": attachment_selectors.attachments_of(meeting=meeting) if view.may_open else None,
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "attachment_action": "meetings:meeting-attachment-add", "attachment_target": meeting.pk,
    }  # fmt: skip
    return render(request, "meetings/meeting_detail.html", context, status=status)


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    return _detail(request, user, pk)


def _done(request: HttpRequest, message: str, pk: int) -> HttpResponse:
    messages.success(request, message)
    return redirect("meetings:meeting-detail", pk)


@require_POST
def meeting_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """守秘義務の確認: the member's own, for this meeting."""
    user = _user(request)
    meeting = selectors.meeting_check_for_user(user=user, pk=pk)
    try:
        services.acknowledge(user=user, meeting=meeting, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _detail(request, user, pk, status=400)
    return _done(request, gettext("守秘義務を確認しました。"), pk)


@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    meeting = selectors.meeting_check_for_user(user=user, pk=pk)
    form = MemberForm(request.POST, memberships=_candidates(meeting))
    if form.is_valid():
        membership = form.cleaned_data["membership"]
        try:
            services.member_add(
                user=user, meeting=meeting, member=membership.user, organization=membership.organization,
                request=request,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, gettext("構成員を追加しました。"), pk)
    return _detail(request, user, pk, status=400, member_form=form)


@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A person on the agenda: the member must see the person (404 on the field otherwise, never the name)."""
    user = _user(request)
    meeting = selectors.meeting_check_for_user(user=user, pk=pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            person = people.person_check_for_user(user=user, pk=form.cleaned_data["person_id"]).person
            case = None
            if form.cleaned_data["case_id"]:
                case = collaboration.case_check_for_user(user=user, pk=form.cleaned_data["case_id"])
        except Http404:
            form.add_error(
                None, gettext("その番号の記録は見つかりません（閲覧できる方・ケースの番号を入力してください）。")
            )
        else:
            try:
                services.agenda_item_add(
                    user=user, meeting=meeting, request=request,
                    data=services.AgendaItemInput(person=person, topic=form.cleaned_data["topic"], case=case,
                                                  household=case.household if case else None),
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _done(request, gettext("検討事項を追加しました。"), pk)
    return _detail(request, user, pk, status=400, agenda_form=form)


@require_POST
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    meeting = selectors.meeting_check_for_user(user=user, pk=pk)
    try:
        services.meeting_close(user=user, meeting=meeting, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _detail(request, user, pk, status=400)
    return _done(request, gettext("フォローアップを終了しました。会議による閲覧権限は取り消されました。"), pk)


def _item(request: HttpRequest, user: User, pk: int, status: int = 200, **forms) -> HttpResponse:
    view = selectors.agenda_item_get_for_user(user=user, pk=pk, request=request)
    meeting = view.item.meeting
    context = {
        "view": view, "item": view.item, "meeting": meeting, "is_chair": meeting.chair_id == user.pk,
        "decisions": list(selectors.decisions_of_item(item=view.item)),
        "minutes_form": forms.get("minutes_form")
        or MinutesForm(initial={"minutes": view.item.minutes, "version": view.item.version}),
        "decision_form": forms.get("decision_form")
        or DecisionForm(meeting=meeting, goals=acting.goals_to_evaluate(user=user, item=view.item)),
        "information_requests": information_selectors.requests_of_item(item=view.item),
        "may_ask": law.may_ask(user, meeting),
        "attachments": attachment_selectors.attachments_of(meeting=meeting, item=view.item),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "attachment_action": "meetings:item-attachment-add", "attachment_target": view.item.pk,
    }  # fmt: skip
    return render(request, "meetings/agenda_item.html", context, status=status)


def agenda_item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _item(request, _user(request), pk)


@require_POST
def agenda_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = selectors.agenda_item_check_for_user(user=user, pk=pk)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.minutes_record(user=user, item=view.item, minutes=form.cleaned_data["minutes"],
                                    expected_version=form.cleaned_data["version"], request=request)  # fmt: skip
        except EditConflict as conflict:
            form.moved_on(conflict)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("議事録を記録しました。"))
            return redirect("meetings:agenda-item-detail", pk)
    return _item(request, user, pk, status=400, minutes_form=form)


@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = selectors.agenda_item_check_for_user(user=user, pk=pk)
    form = DecisionForm(
        request.POST, meeting=view.item.meeting, goals=acting.goals_to_evaluate(user=user, item=view.item)
    )
    if form.is_valid():
        data = form.cleaned_data
        tasks = []
        if data["task_title"]:
            tasks.append(services.TaskInput(title=data["task_title"], owner=data["task_owner"].user,
                                            due_on=data["task_due_on"]))  # fmt: skip
        try:
            services.decision_record(
                user=user, item=view.item, request=request,
                data=services.DecisionInput(kind=data["kind"], content=data["content"],
                                            assigned_organization=data["assigned_organization"], tasks=tasks,
                                            evaluation=form.evaluation(), closure=form.closure()),
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("決定を記録しました。"))
            return redirect("meetings:agenda-item-detail", pk)
    return _item(request, user, pk, status=400, decision_form=form)


def my_tasks(request: HttpRequest) -> HttpResponse:
    """私の会議タスク: open tasks first by due date, then the last done."""
    user = _user(request)
    open_tasks = list(selectors.tasks_for_user(user=user)[:LIST_SIZE])
    done = list(selectors.tasks_for_user(user=user, open_only=False).filter(done_at__isnull=False)[:20])
    return render(request, "meetings/my_tasks.html", {"open_tasks": open_tasks, "done": done})


@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    task = selectors.task_check_for_user(user=user, pk=pk)
    try:
        services.task_complete(user=user, task=task, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return render(request, "meetings/my_tasks.html", {
            "open_tasks": list(selectors.tasks_for_user(user=user)[:LIST_SIZE]), "done": [],
        }, status=400)  # fmt: skip
    messages.success(request, gettext("タスクを完了にしました。"))
    return redirect("meetings:my-tasks")
