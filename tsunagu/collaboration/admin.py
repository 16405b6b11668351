"""Administration of the 終結理由 list (``ClosureReason``).

The list is the municipality's data, as consultations' 相談内容 is: a town names its own reasons, and which
of them hand the household over to a 主担当機関. ``data/closure_reasons.toml`` is only the starting point,
loaded before the administrator first sees or adds a row. No personal data. Rows are retired (``使用中``
off), never deleted: closed cases refer to their reason for years.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from tsunagu.accounts.admin import MunicipalityScopedAdmin, site
from tsunagu.collaboration.defaults import closure_reasons_ensure
from tsunagu.collaboration.models import ClosureReason


class ClosureReasonForm(forms.ModelForm):
    # Set per request by ``ClosureReasonAdmin.get_form``; 0 matches no municipality.
    municipality_id: int = 0

    class Meta:
        model = ClosureReason
        fields = ("code", "name", "needs_lead_agency", "order", "is_active")

    def clean_code(self) -> str:
        # The unique constraint includes the municipality, which the form leaves out (it is set on save),
        # so Django would not check it: say so here rather than fail on saving.
        code = self.cleaned_data["code"]
        taken = ClosureReason.objects.filter(municipality_id=self.municipality_id, code=code)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("このコードは既に使われています。"))
        return code


@admin.register(ClosureReason, site=site)
class ClosureReasonAdmin(MunicipalityScopedAdmin):
    form = ClosureReasonForm
    list_display = ("order", "name", "code", "needs_lead_agency", "is_active")
    list_display_links = ("name",)
    list_filter = ("is_active", "needs_lead_agency")
    search_fields = ("name", "code")
    ordering = ("order", "id")

    def _defaults_ensure(self, request: HttpRequest) -> None:
        # Without this, a reason added to an empty table would stop the defaults from ever loading.
        closure_reasons_ensure(request.user.municipality_id)  # type: ignore[union-attr]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if self.has_view_permission(request):
            self._defaults_ensure(request)
        return super().changelist_view(request, extra_context)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if self.has_view_permission(request):
            self._defaults_ensure(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        # A subclass per request: the municipality is never left on a class other requests share.
        municipality_id = request.user.municipality_id  # type: ignore[union-attr]
        return type(form.__name__, (form,), {"municipality_id": municipality_id})

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Reports count closures by the code: once saved it stays; the name may change.
        return ("code",) if obj is not None else ()
