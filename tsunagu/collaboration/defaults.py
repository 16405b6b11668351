"""The default 終結理由 list (``data/closure_reasons.toml``), written into a municipality's table on first use.

As consultations' 相談内容: once loaded the list is the municipality's (edited in the administration:
``collaboration/admin.py``); the file is loaded only while the municipality has no rows at all (a retired row
counts), checked whole first.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from django.db import transaction

from tsunagu.collaboration.models import ClosureReason
from tsunagu.core.models import Municipality

CLOSURE_REASONS_FILE = Path(__file__).resolve().parent / "data" / "closure_reasons.toml"
_SLUG = re.compile(r"[-a-z0-9]{1,30}")


class ClosureReasonsFileError(ValueError):
    pass


def read_closure_reasons(source: Path = CLOSURE_REASONS_FILE) -> list[tuple[str, str, bool]]:
    raw = tomllib.loads(source.read_text(encoding="utf-8"))
    problems, reasons, codes = [], [], set()
    for index, item in enumerate(raw.get("reasons", [])):
        code, name = item.get("code", ""), item.get("name", "")
        if not isinstance(code, str) or not _SLUG.fullmatch(code) or code in codes:
            problems.append(f"reasons[{index}]: code が正しくないか重複しています（{code!r}）")
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            problems.append(f"reasons[{index}]: name がありません（100字まで）")
        codes.add(code)
        reasons.append((code, name, bool(item.get("needs_lead_agency", False))))
    if problems or not reasons:
        raise ClosureReasonsFileError(
            f"{source.name} に誤りがあります: " + "; ".join(problems or ["reasons がありません"])
        )
    return reasons


def closure_reasons_ensure(municipality_id: int, *, source: Path = CLOSURE_REASONS_FILE) -> list[ClosureReason]:
    """The municipality's active 終結理由 in order, loading ``source`` first if it has none."""
    reasons = list(ClosureReason.objects.filter(municipality_id=municipality_id).order_by("order", "id"))
    if not reasons:
        data = read_closure_reasons(source)
        with transaction.atomic():
            # Two first requests must not both insert the defaults.
            Municipality.objects.select_for_update().filter(pk=municipality_id).first()
            reasons = list(ClosureReason.objects.filter(municipality_id=municipality_id).order_by("order", "id"))
            if not reasons:
                reasons = ClosureReason.objects.bulk_create(
                    ClosureReason(municipality_id=municipality_id, code=code, name=name, needs_lead_agency=lead,
                                  order=order)
                    for order, (code, name, lead) in enumerate(data)
                )  # fmt: skip
    return [reason for reason in reasons if reason.is_active]
