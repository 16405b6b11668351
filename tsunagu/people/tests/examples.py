"""How to make each target of the people pages in a state of the generated access matrix
(``tsunagu.records.tests.matrix``): the person and household of the arrangement, a consent, a merge, and
an emergency grant awaiting review."""

from __future__ import annotations

from django.utils import timezone

from tsunagu.access.models import ConsentMethod
from tsunagu.access.services import ConsentInput, consent_record, emergency_access_request
from tsunagu.core.models import Membership, Role
from tsunagu.core.services import user_create
from tsunagu.core.tests import scan_samples
from tsunagu.people.merge import person_merge
from tsunagu.people.tests.helpers import register


def consent(arrangement) -> int:
    # A consent naming an agency no persona works at: it opens nothing to the personas by itself.
    made = consent_record(
        user=arrangement.holder, person=arrangement.person,
        data=ConsentInput(purpose="子育て支援のため", method=ConsentMethod.ORAL, given_on=timezone.localdate(),
                          organizations=[arrangement.organization("子育て応援課")]),
    )  # fmt: skip
    return made.pk


def consent_document(arrangement) -> int:
    """A written consent with its scanned form, taken by the holder and naming no persona's agency."""
    made = consent_record(
        user=arrangement.holder, person=arrangement.person,
        data=ConsentInput(purpose="子育て支援のため", method=ConsentMethod.WRITTEN, given_on=timezone.localdate(),
                          organizations=[arrangement.organization("子育て応援課")],
                          document=scan_samples.upload("同意書.pdf", scan_samples.pdf())),
    )  # fmt: skip
    return made.pk


def merge(arrangement) -> int:
    """A duplicate record of the person, merged into it by a supervisor of the holding agency."""
    holder_org = Membership.objects.filter(user=arrangement.holder)[0].organization
    supervisor = user_create(
        municipality=arrangement.holder.municipality, username=f"sv-{arrangement.state}", password="x-matrix-pass",
        memberships=[(holder_org, Role.SUPERVISOR)],
    )  # fmt: skip
    duplicate = register(arrangement.holder, phone="0858-00-9999")

    made = person_merge(
        user=supervisor, kept=arrangement.person, merged=duplicate, reason="同一人物（行列テスト）",
    )  # fmt: skip
    return made.pk


def emergency_grant(arrangement) -> int:
    """An emergency grant of 福祉あんしん課 (the coordinator's) on another person, awaiting review."""
    other = register(arrangement.holder, given_name="次郎", given_name_kana="ジロウ")
    requester = arrangement.personas.coordinator if arrangement.state != "other_town" else arrangement.holder
    made = emergency_access_request(
        user=requester, person=other, reason="安否が確認できず緊急に連絡先を確認する", hours=2
    )
    return made.pk


EXAMPLES = {
    "person": lambda arrangement: arrangement.person.pk,
    "household": lambda arrangement: arrangement.household.pk,
    "consent": consent,
    "consent_document": consent_document,
    "merge": merge,
    "emergency_grant": emergency_grant,
}
