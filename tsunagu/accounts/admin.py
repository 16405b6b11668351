"""Administration of users and master data (organisations, divisions, districts) for administrators.

Django's admin, on a site of its own that only members with the administrator role of a municipality
may open, and that shows only that municipality's rows. No model with personal data of clients is
registered here: an administrator manages the system, not cases (DESIGN §1).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record, changes_between
from tsunagu.core.models import District, Division, Membership, Organization, Role, User


def is_administrator(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and Membership.objects.filter(user=user, municipality_id=user.municipality_id, role=Role.ADMINISTRATOR).exists()
    )


class TsunaguAdminSite(admin.AdminSite):
    site_header = _("つなぐ 管理")
    site_title = _("つなぐ 管理")
    index_title = _("利用者・機関・地区の管理")
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)


site = TsunaguAdminSite(name="tsunagu-admin")

SECRET_FIELDS = frozenset({"password", "password1", "password2", "usable_password"})


class MunicipalityScopedAdmin(admin.ModelAdmin):
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
        # A password is never written to the log, only the fact that one was set.
        changed = [name for name in form.changed_data if name not in SECRET_FIELDS]
        before = {name: form.initial.get(name) for name in changed} if change else {}
        super().save_model(request, obj, form, change)
        changes = changes_between(before, {name: form.cleaned_data.get(name) for name in changed})
        if any(name in SECRET_FIELDS for name in form.changed_data):
            changes["password"] = ["", "（設定）"]
        audit_record(
            user=request.user,  # type: ignore[arg-type]
            action=Action.UPDATE if change else Action.CREATE,
            obj=obj,
            summary=f"管理画面で{obj._meta.verbose_name}を{'変更' if change else '登録'}: {obj}",
            changes=changes,
            request=request,
        )


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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    exclude = ("municipality",)

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


@admin.register(User, site=site)
class UserAdmin(MunicipalityScopedAdmin, DjangoUserAdmin):
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

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        memberships = formset.save(commit=False)
        for membership in memberships:
            membership.municipality_id = request.user.municipality_id  # type: ignore[union-attr]
            membership.save()
        for removed in formset.deleted_objects:
            removed.delete()
        if memberships or formset.deleted_objects:
            audit_record(
                user=request.user,  # type: ignore[arg-type]
                action=Action.UPDATE,
                obj=form.instance,
                summary=f"管理画面で{form.instance}の所属・役割を変更",
                changes={"memberships": [[m.organization.name, m.role] for m in form.instance.memberships.all()]},
                request=request,
            )
