"""名寄せ: merging two records of the same person, and undoing it.

Every link to the merged record — in every app, present and future — is found through Django's model
metadata and moved to the kept record; the rows moved are listed on the ``PersonMerge`` so that the
merge can be undone exactly. The merged record itself is kept (``merged_into`` set), never deleted: its
history stays in the audit log under its own id.
"""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.db.models import ForeignKey, Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.access.models import AccessGrant, Basis
from tsunagu.access.policy import casework_memberships
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.core.models import Organization, Role, User
from tsunagu.people.models import HouseholdMember, Person, PersonMerge
from tsunagu.people.services import PeopleError

# Links that describe the merge itself, or the record's own merge pointer, never move.
_NOT_MOVED: set[tuple[type[Model], str]] = {(PersonMerge, "kept"), (PersonMerge, "merged"), (Person, "merged_into")}


def _links_to_person() -> list[tuple[type[Model], str]]:
    links = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, ForeignKey)
                and field.related_model is Person
                and (model, field.name) not in _NOT_MOVED
            ):
                links.append((model, field.name))
    return links


def _supervisor(user: User) -> None:
    if not any(m.role == Role.SUPERVISOR for m in casework_memberships(user)):
        raise PeopleError(_("名寄せ（記録の統合）は監督者のみが行えます。"))


def _merging_organization(user: User, person_ids: list[int]) -> Organization:
    """The organisation, among those the user supervises, that holds every one of these records as its own.

    A merge moves every agency's grants onto the kept record: only one agency, deciding about its own
    records, may do that — never a supervisor who reads one of them through a meeting, nor one who
    combines the records of two agencies because they happen to supervise both.
    """
    _supervisor(user)
    for membership in casework_memberships(user):
        if membership.role != Role.SUPERVISOR:
            continue
        own = AccessGrant.objects.active().filter(
            organization_id=membership.organization_id, basis=Basis.OWN_RECORD, person_id__in=person_ids
        )
        if set(own.values_list("person_id", flat=True)) == set(person_ids):
            return membership.organization
    raise PeopleError(
        _(
            "統合できるのは、自機関の記録どうしだけです（あなたが監督する一つの機関が登録した記録どうし。"
            "他機関の記録は、その機関の監督者に依頼してください）。"
        )
    )


def _protection_stays_with_its_agency(kept: Person, merged: Person, organization: Organization) -> None:
    """A protected (DV) record never takes in another agency's own-record grant: that agency would then see
    the protected address."""
    if not (kept.address_protected or merged.address_protected):
        return
    others = (
        AccessGrant.objects.active()
        .filter(person_id__in=[kept.pk, merged.pk], basis=Basis.OWN_RECORD)
        .exclude(organization=organization)
    )
    if others.exists():
        raise PeopleError(
            _(
                "住所が非開示（DV等）の記録は、他の機関も登録している記録と統合できません。"
                "統合すると保護された住所が他の機関に見えるようになります。"
            )
        )


@transaction.atomic
def person_merge(
    *, user: User, kept: Person, merged: Person,
    reason: str, request: HttpRequest | None = None,
) -> PersonMerge:  # fmt: skip
    """Merge ``merged`` into ``kept``. Both were fetched through the access core; the user supervises."""
    organization = _merging_organization(user, [kept.pk, merged.pk])
    _protection_stays_with_its_agency(kept, merged, organization)
    if kept.pk == merged.pk:
        raise PeopleError(_("同じ記録どうしは統合できません。"))
    if kept.merged_into_id or merged.merged_into_id:
        raise PeopleError(_("すでに統合された記録です。"))
    if not reason.strip():
        raise PeopleError(_("統合の理由を入力してください。"))
    moved, left = [], []
    kept_households = set(HouseholdMember.objects.filter(person=kept).values_list("household_id", flat=True))
    for model, field in _links_to_person():
        rows = model._default_manager.filter(**{field: merged})
        if model is HouseholdMember:
            # The kept record is already in that household: the merged one's row stays (hidden with it).
            clash = list(rows.filter(household_id__in=kept_households).values_list("pk", flat=True))
            if clash:
                left.append([model._meta.label_lower, field, clash])
                rows = rows.exclude(pk__in=clash)
        pks = list(rows.values_list("pk", flat=True))
        if pks:
            model._default_manager.filter(pk__in=pks).update(**{field: kept})
            moved.append([model._meta.label_lower, field, pks])
    merged.merged_into = kept
    merged.save(update_fields=["merged_into", "updated_at"])
    merge = PersonMerge.objects.create(
        municipality_id=kept.municipality_id, kept=kept, merged=merged, moved=moved, left_in_place=left,
        reason=reason.strip(), merged_by=user,
    )  # fmt: skip
    for person_id, summary in ((kept.pk, f"記録{merged.pk}を統合"), (merged.pk, f"記録{kept.pk}に統合")):
        audit_record(
            user=user, organization=organization, action=Action.MERGE, obj=merge, person_id=person_id,
            summary=summary, changes={"moved": [None, moved], "left_in_place": [None, left]}, basis=Basis.OWN_RECORD,
            basis_source=f"merge:{merge.pk}", request=request,
        )  # fmt: skip
    return merge


@transaction.atomic
def person_unmerge(*, user: User, merge: PersonMerge, request: HttpRequest | None = None) -> PersonMerge:
    """Undo a merge: every moved link goes back to the merged record, which becomes visible again.

    Only a supervisor of an agency holding the kept record as its own undoes it (as only one merges).
    """
    organization = _merging_organization(user, [merge.kept_id])
    merge = PersonMerge.objects.select_for_update().select_related("merged").get(pk=merge.pk)
    if merge.undone_at is not None:
        raise PeopleError(_("この統合はすでに取り消されています。"))
    for label, field, pks in merge.moved:
        apps.get_model(label)._default_manager.filter(pk__in=pks).update(**{field: merge.merged_id})
    merged = merge.merged
    merged.merged_into = None
    merged.save(update_fields=["merged_into", "updated_at"])
    merge.undone_by, merge.undone_at = user, timezone.now()
    merge.save(update_fields=["undone_by", "undone_at"])
    for person_id in (merge.kept_id, merge.merged_id):
        audit_record(
            user=user, organization=organization, action=Action.UNMERGE, obj=merge, person_id=person_id,
            summary=f"名寄せを取消（記録{merge.merged_id}を記録{merge.kept_id}から分離）",
            changes={"moved_back": [None, merge.moved]}, basis=Basis.OWN_RECORD, basis_source=f"merge:{merge.pk}",
            request=request,
        )  # fmt: skip
    return merge
