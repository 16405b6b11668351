"""監査ログ for auditors: filter by person, user, action and period; export as CSV (itself audited)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.audit.models import Action
from tsunagu.audit.selectors import AuditFilter, audit_entries_for_user, changes_shown, is_deployment_auditor
from tsunagu.audit.services import audit_record
from tsunagu.core.japanese.forms import WarekiDateField
from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.core.models import User
from tsunagu.core.pages import FilterForm, page_of, with_all

PAGE_SIZE = 100


class AuditFilterForm(FilterForm):
    person_id = forms.IntegerField(label=_("本人ID"), required=False, min_value=1)
    username = forms.CharField(label=_("ユーザー名"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("操作"), choices=with_all(Action.choices), required=False)
    date_from = WarekiDateField(label=_("期間（から）"), required=False, allow_future=True)
    date_to = WarekiDateField(label=_("期間（まで）"), required=False, allow_future=True)
    without_municipality = forms.BooleanField(
        label=_("自治体に属さない記録（存在しないユーザー名でのログイン失敗など）"), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_deployment_auditor(user):
            del self.fields["without_municipality"]  # a town's auditor reads their town's log only

    def to_filter(self) -> AuditFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return AuditFilter(
            person_id=data.get("person_id"),
            username=data.get("username", ""),
            action=data.get("action", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            without_municipality=bool(data.get("without_municipality")),
        )


def audit_log(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = AuditFilterForm(request.GET or None, user=user)
    filters = form.to_filter()
    entries = audit_entries_for_user(user=user, filters=filters)
    page = page_of(request, entries, PAGE_SIZE)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            # The changed fields by name, never their values (``changes_shown``).
            "entries": [(entry, changes_shown(entry)) for entry in page.rows],
            "page": page,
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def audit_log_export(request: HttpRequest) -> StreamingHttpResponse:
    """CSV (UTF-8 with BOM, so that Excel opens it right), streamed; the export is itself an entry."""
    user: User = request.user  # type: ignore[assignment]
    form = AuditFilterForm(request.GET or None, user=user)
    filters = form.to_filter()
    entries = audit_entries_for_user(user=user, filters=filters)
    audit_record(
        user=user,
        action=Action.EXPORT,
        summary="監査ログをCSVで出力",
        terms=filters.as_terms(),
        request=request,
    )
    writer = csv.writer(_Echo())
    header = ["日時", "和暦", "ユーザー名", "機関", "操作", "対象", "対象ID", "本人ID", "内容", "法的根拠",
              "根拠の出典", "IPアドレス", "変更内容", "検索条件"]  # fmt: skip

    def rows() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        for e in entries.iterator(chunk_size=2000):
            local = timezone.localtime(e.created_at)
            yield writer.writerow([
                local.isoformat(timespec="seconds"), to_wareki(local.date()), e.username,
                e.organization.name if e.organization else "", e.get_action_display(), e.model, e.object_id,
                e.person_id or "", e.summary, e.basis, e.basis_source, e.ip_address or "",
                changes_shown(e), e.terms or "",
            ])  # fmt: skip

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.csv"'
    return response
