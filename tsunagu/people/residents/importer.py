"""The entry points: ``import_target`` finds the municipality and organisation, ``import_residents`` loads a file."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.core.db_stats import statistics_refresh_on_commit
from tsunagu.core.models import Municipality, Organization
from tsunagu.people.residents.matching import plan_import
from tsunagu.people.residents.reading import read_register
from tsunagu.people.residents.report import ImportResult, ResidentImportError
from tsunagu.people.residents.writer import SYSTEM_USERNAME, write_plan


def import_target(*, organization_name: str, municipality_code: str = "") -> tuple[Municipality, Organization]:
    """The municipality (by code; the only one when none is given) and its organisation (by name)."""
    if municipality_code:
        municipality = Municipality.objects.filter(code=municipality_code.strip()).first()
        if municipality is None:
            raise ResidentImportError(f"全国地方公共団体コード {municipality_code} の自治体は登録されていません。")
    else:
        municipalities = list(Municipality.objects.order_by("code")[:2])
        if len(municipalities) != 1:
            raise ResidentImportError(
                "自治体が一つに決まりません。--municipality で全国地方公共団体コードを指定してください。"
            )
        municipality = municipalities[0]
    organization = Organization.objects.filter(municipality=municipality, name=organization_name.strip()).first()
    if organization is None:
        raise ResidentImportError(f"機関「{organization_name}」は{municipality.name}の機関にありません。")
    return municipality, organization


def import_residents(
    *, data: bytes, municipality: Municipality, organization: Organization, dry_run: bool = False,
    source_name: str = "",
) -> ImportResult:  # fmt: skip
    """Validate the whole file, then load it in one transaction (or, with ``dry_run``, only count).

    Raises ``ResidentImportError`` listing every problem; nothing is written then.
    """
    if organization.municipality_id != municipality.pk:
        raise ResidentImportError(f"機関「{organization.name}」は{municipality.name}の機関ではありません。")
    register = read_register(data)
    if dry_run:
        plan = plan_import(register, municipality, organization, lock=False)
        # A dry run tells the caller which 宛名番号 Tsunagu already holds: that answer is audited too,
        # naming the people it matched, as a search names what it showed.
        audit_record(
            user=None, username=SYSTEM_USERNAME, organization=organization, action=Action.SEARCH,
            summary=f"住民記録取込の事前確認（既存{len(plan.matched)}人と一致）", terms={"file": source_name},
            records={"person": plan.matched},
        )  # fmt: skip
        return plan.result(dry_run=True)
    try:
        with transaction.atomic():
            plan = plan_import(register, municipality, organization, lock=True)
            # Counted before writing: what is new is told by the records not yet having a primary key.
            result = plan.result(dry_run=False)
            write_plan(plan, result, municipality, organization, source_name, hashlib.sha256(data).hexdigest())
            # A register loaded into an empty system changes every table's shape: the planner learns it at commit.
            statistics_refresh_on_commit()
    except ValidationError as exc:
        # A rule of the people or access services the file's own checks did not catch (a 宛名番号 taken
        # meanwhile): the whole import is refused, as for a bad row.
        raise ResidentImportError([*exc.messages, "何も取り込んでいません。"]) from exc
    except IntegrityError as exc:
        # Another import (or a registration) took a 宛名番号 between our reading and our writing.
        raise ResidentImportError(
            "取込中に同じ宛名番号の記録が別に登録されました。何も取り込んでいません。もう一度実行してください。"
        ) from exc
    return result
