"""Administration of users and master data (organisations, divisions, districts) for administrators.

Django's admin, on a site of its own that only members with the administrator role of a municipality
may open, and that shows only that municipality's rows. No model with personal data of clients is
registered here: an administrator manages the system, not cases (DESIGN §1).

Nobody acts without a trace (DESIGN §4, docs/accounts.md): every addition, change, deletion, bulk action
and password reset made on these pages writes an audit entry, in the transaction of the change, from the
hooks Django's admin calls for its own history (``log_addition`` / ``log_change`` / ``log_deletions``) —
one place for every page, inline and action, the ones other apps register included. A casework role
given here waits for a supervisor's confirmation, and nobody changes their own roles.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ForeignKey, Model, QuerySet
from django.forms import BaseInlineFormSet, ModelChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tsunagu.accounts.services import membership_set_by_administrator
from tsunagu.accounts.views import LogoutView
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record, changes_between
from tsunagu.core.models import District, Division, Membership, Organization, Role, User


def is_administrator(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and Membership.objects.confirmed()
        .filter(user=user, municipality_id=user.municipality_id, role=Role.ADMINISTRATOR)
        .exists()
    )


class TsunaguAdminSite(admin.AdminSite):
    site_header = _("つなぐ 管理")
    site_title = _("つなぐ 管理")
    index_title = _("利用者・機関・地区の管理")
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)

    # One door in and out: signing in, out and changing one's password happen on the site's own pages,
    # which audit them, lock out by username and apply the session limits. The admin's own copies would not.
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.user.is_authenticated:
            if self.has_permission(request):
                return HttpResponseRedirect(reverse("tsunagu-admin:index"))
            raise PermissionDenied  # signed in without the administrator role: the site's 403 page
        return redirect_to_login(request.GET.get("next") or reverse("tsunagu-admin:index"))

    def logout(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        return LogoutView.as_view()(request)

    def password_change(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        return HttpResponseRedirect(reverse("core:password-change"))


site = TsunaguAdminSite(name="tsunagu-admin")

SECRET_FIELDS = frozenset({"password", "password1", "password2", "usable_password", "set_usable_password"})
# What save_model and save_formset worked out about one save, for the one entry log_* writes.
_CHANGES_ATTR = "_tsunagu_admin_changes"


def _stash(obj: Model, changes: dict[str, Any]) -> None:
    setattr(obj, _CHANGES_ATTR, {**getattr(obj, _CHANGES_ATTR, {}), **changes})


_MESSAGE_KINDS = {"added": "追加", "changed": "変更", "deleted": "削除"}


def _changed_fields(message: Any) -> list[str]:
    """What Django's change message names: [{"changed": {"fields": [...]}}, {"added": {"name": …}}, …]."""
    names: list[str] = []
    for part in message if isinstance(message, list) else []:
        for kind, detail in part.items():
            if "name" in detail:  # a row of an inline
                names.append(f"{detail['name']}（{_MESSAGE_KINDS.get(kind, kind)}）")
            else:
                names.extend(str(name) for name in detail.get("fields", []))
    return names


class AuditedAdmin(admin.ModelAdmin):
    """Every change made through this page lands in the audit log: who, on which row, which fields.

    Values are kept only for what is no one's personal data (the master data of these pages: a staff
    member's name, an organisation's); a password never, only that one was set.
    """

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changed = [name for name in form.changed_data if name not in SECRET_FIELDS]
        before = {name: form.initial.get(name) for name in changed} if change else {}
        super().save_model(request, obj, form, change)
        changes = changes_between(before, {name: form.cleaned_data.get(name) for name in changed})
        if any(name in SECRET_FIELDS for name in form.changed_data):
            changes["password"] = ["", "（設定）"]
        _stash(obj, changes)

    def _audit(self, request: HttpRequest, obj: Any, action: Action, summary: str, message: Any = None) -> None:
        changes = getattr(obj, _CHANGES_ATTR, None)
        if changes is None:
            changes = {"fields": _changed_fields(message)} if message else {}
        audit_record(
            user=request.user,  # type: ignore[arg-type]
            action=action,
            obj=obj,
            summary=summary,
            changes=changes,
            request=request,
        )

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        self._audit(request, obj, Action.CREATE, f"管理画面で{obj._meta.verbose_name}を登録: {obj}", message)
        return entry

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        self._audit(request, obj, Action.UPDATE, f"管理画面で{obj._meta.verbose_name}を変更: {obj}", message)
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        # Called before the rows go (the delete page and the delete_selected action alike).
        for obj in queryset:
            self._audit(request, obj, Action.DELETE, f"管理画面で{obj._meta.verbose_name}を削除: {obj}")
        return super().log_deletions(request, queryset)

    def response_action(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        """Any other bulk action: one entry naming the action and the rows it was run on."""
        action = request.POST.get("action", "")
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        with transaction.atomic():
            response = super().response_action(request, queryset)
            if action and action != "delete_selected" and selected and action in self.get_actions(request):
                audit_record(
                    user=request.user,  # type: ignore[arg-type]
                    action=Action.UPDATE,
                    summary=f"管理画面の一括操作「{action}」: {self.opts.verbose_name} {len(selected)}件",
                    changes={"model": self.opts.label_lower, "ids": selected},
                    request=request,
                )
        return response


class MunicipalityScopedAdmin(AuditedAdmin):
    """Rows of the administrator's own municipality only; new rows belong to it; nothing is deleted."""

    exclude = ("municipality",)

    def _allowed(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Records refer to these rows for years; an account or agency is retired, not deleted.
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(municipality_id=request.user.municipality_id)  # type: ignore[union-attr]

    def formfield_for_foreignkey(self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any) -> ModelChoiceField:
        related = db_field.related_model
        if related in (Division, Organization, District):
            kwargs["queryset"] = related._default_manager.filter(municipality_id=request.user.municipality_id)  # type: ignore[union-attr]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[return-value]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.municipality_id = request.user.municipality_id  # type: ignore[union-attr]
        super().save_model(request, obj, form, change)


@admin.register(Division, site=site)
class DivisionAdmin(MunicipalityScopedAdmin):
    list_display = ("name", "order")


@admin.register(District, site=site)
class DistrictAdmin(MunicipalityScopedAdmin):
    list_display = ("name", "name_kana", "order")


@admin.register(Organization, site=site)
class OrganizationAdmin(MunicipalityScopedAdmin):
    list_display = ("name", "kind", "division", "order")
    list_filter = ("kind",)
    search_fields = ("name", "short_name")


OWN_ROLES_REFUSED = _("ご自身の所属・役割は変更できません。別のシステム管理者に依頼してください。")
OWN_ACCOUNT_REFUSED = _("ご自身のアカウントの利用停止は変更できません。別のシステム管理者に依頼してください。")


class MembershipFormSet(BaseInlineFormSet):
    """The memberships of one user; set per request (``MembershipInline.get_formset``) with who edits."""

    editor_id: int = 0

    def clean(self) -> None:
        super().clean()
        # The page shows an administrator's own memberships read-only; a row posted anyway is refused aloud.
        own = self.instance.pk is not None and self.instance.pk == self.editor_id
        if own and any(form.changed_data for form in self.extra_forms):
            raise ValidationError(OWN_ROLES_REFUSED)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    formset = MembershipFormSet
    extra = 1
    fields = ("organization", "role", "confirmation")
    readonly_fields = ("confirmation",)

    @admin.display(description=_("確認"))
    def confirmation(self, obj: Membership) -> str:
        if obj.pk is None:
            return ""
        if obj.is_pending:
            return gettext("監督者の確認待ち（確認されるまで個人情報は見られません）")
        return gettext("確認済み（{name}）").format(name=obj.confirmed_by_name or "—")

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"editor_id": request.user.pk})

    def formfield_for_foreignkey(self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any) -> ModelChoiceField:
        if db_field.name == "organization":
            kwargs["queryset"] = Organization.objects.filter(municipality_id=request.user.municipality_id)  # type: ignore[union-attr]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[return-value]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Nobody both assigns a role and uses it: an administrator's own memberships are changed by another.
        return is_administrator(request.user) and obj != request.user

    has_add_permission = has_delete_permission = has_change_permission


class TsunaguUserChangeForm(UserChangeForm):
    editor_id: int = 0  # set per request (UserAdmin.get_form)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk == self.editor_id and "is_active" in self.changed_data:
            raise ValidationError(OWN_ACCOUNT_REFUSED)
        return cleaned


def _membership_rows(user: User) -> list[list[str]]:
    return sorted(
        [m.organization.name, m.role, "確認待ち" if m.is_pending else "有効"]
        for m in user.memberships.select_related("organization")
    )


@admin.register(User, site=site)
class UserAdmin(MunicipalityScopedAdmin, DjangoUserAdmin):
    form = TsunaguUserChangeForm
    list_display = ("username", "display_name", "email", "is_active", "last_login")
    list_filter = ("is_active", "memberships__role")
    search_fields = ("username", "display_name", "email")
    ordering = ("username",)
    inlines = (MembershipInline,)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("利用者"), {"fields": ("display_name", "email", "is_active")}),
        (_("記録"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "display_name", "password1", "password2")}),)
    readonly_fields = ("last_login", "date_joined")

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> None:
        return None  # the user forms list their fields (fieldsets); the municipality is set on save

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A username is fixed once the account exists: the log's entries keep it as who acted, and the
        # operator names deployment auditors by it (TSUNAGU_DEPLOYMENT_AUDITORS), which a rename would hand on.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "username") if obj is not None else readonly

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        # A subclass per request: who edits is never left on a class other requests share.
        return type(form.__name__, (form,), {"editor_id": request.user.pk})

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        user = form.instance
        before_rows = _membership_rows(user) if change else []
        before = {
            f.instance.pk: (f.initial.get("organization"), f.initial.get("role"), f.instance.confirmed_at is not None)
            for f in formset.initial_forms
        }
        memberships = formset.save(commit=False)
        for membership in memberships:
            membership_set_by_administrator(
                membership=membership,
                administrator=request.user,  # type: ignore[arg-type]
                before=before.get(membership.pk),
            )
            membership.save()
        # A role removed is gone at once: taking access away needs nobody's confirmation.
        for removed in formset.deleted_objects:
            removed.delete()
        after_rows = _membership_rows(user)
        if after_rows != before_rows:
            _stash(user, {"memberships": [before_rows, after_rows]})
        if any(m.is_pending for m in memberships):
            messages.warning(
                request,
                gettext("相談の役割は、その機関の監督者が確認するまで有効になりません（個人情報は見られません）。"),
            )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """An administrator resets another user's password: audited with the password change itself.

        The user's other sessions end with it (Django checks a session against the password hash). One's
        own password is changed on the password page, which asks for the current one.
        """
        if str(request.user.pk) == str(id):
            raise PermissionDenied
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        match = request.resolver_match
        if match is None or not match.url_name or not match.url_name.endswith("_password_change"):
            return super().log_change(request, obj, message)
        entry = admin.ModelAdmin.log_change(self, request, obj, message)  # Django's own history only
        audit_record(
            user=request.user,  # type: ignore[arg-type]
            action=Action.UPDATE,
            obj=obj,
            summary=f"パスワードの再設定: {obj.get_username()}（管理者 {request.user.get_username()}）",
            changes={"password": ["", "（再設定）" if obj.has_usable_password() else "（無効化）"]},
            request=request,
        )
        return entry
