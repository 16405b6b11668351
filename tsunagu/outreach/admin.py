"""Administration of outreach's district configuration: the town's 民生委員 districts and, for each 地区, its
民生委員 district and its cell on the schematic district map. The town's own data (no personal data);
every change is audited by the administration site's hooks (``tsunagu.accounts.admin``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from tsunagu.accounts.admin import MunicipalityScopedAdmin, site
from tsunagu.outreach.models import CommissionerDistrict, DistrictSetting


@admin.register(CommissionerDistrict, site=site)
class CommissionerDistrictAdmin(MunicipalityScopedAdmin):
    list_display = ("order", "name")
    list_display_links = ("name",)
    fields = ("name", "order")


@admin.register(DistrictSetting, site=site)
class DistrictSettingAdmin(MunicipalityScopedAdmin):
    list_display = ("district", "commissioner_district", "map_column", "map_row")
    fields = ("district", "commissioner_district", "map_column", "map_row")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # The setting has no municipality of its own: its district's.
        municipality_id = request.user.municipality_id  # type: ignore[union-attr]
        return DistrictSetting.objects.filter(district__municipality_id=municipality_id)

    def formfield_for_foreignkey(self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any) -> ModelChoiceField:
        if db_field.related_model is CommissionerDistrict:
            kwargs["queryset"] = CommissionerDistrict.objects.filter(
                municipality_id=request.user.municipality_id  # type: ignore[union-attr]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
