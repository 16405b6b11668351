"""From outreach to 多機関協働 (issue 14 item 4): with the person's consent, open a 多機関協働 case from the
target without retyping — person, household and the worry come from the target — through the collaboration
services, whose rules decide (only a coordinator or supervisor opens a case; the household must be
registered). Outreach sits above collaboration in the layers, so it calls them; collaboration knows nothing
of outreach. The target keeps the case, moves to 支援につながった and stays open: the worker keeps
accompanying (伴走). When the opening organisation is not the target's holder, the holder joins the case as a
participating organisation (on the same consent).

The other path is the referral (``services.target_connect`` to the 多機関協働事業's organisation): its
coordinator accepts the referral and opens the case from it (``collaboration.services.case_open`` with the
referral); ``case_of_target`` finds that case too.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.access.policy import casework_memberships, consent_covers
from tsunagu.audit.models import Action
from tsunagu.collaboration import services as collaboration
from tsunagu.collaboration.models import CollaborationCase
from tsunagu.collaboration.selectors import cases_visible
from tsunagu.core.models import User
from tsunagu.core.transitions import locked
from tsunagu.core.versioning import bump_version
from tsunagu.outreach import services
from tsunagu.outreach.models import OutreachTarget, Stage


def _errors(user: User, target: OutreachTarget) -> list[str]:
    errors: list[str] = []
    if not target.is_open:
        errors.append(_("終了した対象からはケースを開けません。"))
    if target.person_id is None:
        errors.append(_("対象の方が特定されていないため、ケースを開けません。"))
    if target.household_id is None:
        errors.append(_("世帯と結び付けてから、多機関協働ケースを開いてください。"))
    consent = target.consent
    if consent is None or consent.withdrawn_on is not None:
        errors.append(_("本人同意を記録してから、ケースを開いてください。同意が得られるまでは支援会議で検討します。"))
    else:
        opening = next((m.organization for m in casework_memberships(user) if m.role in collaboration.OPENING_ROLES),
                       None)  # fmt: skip
        if opening is not None and not consent_covers(consent, opening.pk):
            errors.append(
                _("本人同意が%(organization)sを含んでいないため、ケースを開けません。") % {"organization": opening.name}
            )
    if services.every_contact_refused(target):
        errors.append(_("すべての接触を拒否している方の情報は、支援会議の外では共有できません。"))
    if target.collaboration_case_id is not None:
        errors.append(_("この対象からはすでに多機関協働ケースを開いています。"))
    return errors


@transaction.atomic
def target_case_open(*, user: User, target: OutreachTarget, request: HttpRequest | None = None) -> CollaborationCase:
    """Open the 多機関協働 case of the target's person and household (in 受付), linked to the target; refused
    with the reasons, and nothing saved, when a rule of outreach or of collaboration says no."""
    services._holder_staff(user, target)
    current = locked(target)
    errors = _errors(user, current)
    if errors:
        raise services.OutreachError(errors)
    assert current.person is not None
    case = collaboration.case_open(
        user=user, request=request,
        data=collaboration.CaseOpenInput(
            person=current.person, household=current.household, summary=current.worry,
            next_date=current.next_action_on if current.next_action_on and
            current.next_action_on >= timezone.localdate() else None,
        ),
    )  # fmt: skip
    if case.organization_id != current.organization_id:
        collaboration.case_participant_add(
            user=user, case=case, request=request,
            data=collaboration.ParticipantInput(
                organization=current.organization, contact_name=str(current.worker),
                role_note=_("アウトリーチ（伴走）"),
            ),
        )  # fmt: skip
    OutreachTarget.objects.filter(pk=current.pk).update(collaboration_case=case, last_action_at=timezone.now())
    target.collaboration_case = case
    bump_version(target)
    services._audit(user, target, Action.UPDATE, "アウトリーチの対象から多機関協働ケースを開始",
                    {"collaboration_case": [None, case.pk]}, request)  # fmt: skip
    if Stage(current.stage) != Stage.CONNECTED:
        note = _("多機関協働ケース（%(organization)s）") % {"organization": case.organization.name}
        services._move(user, target, services.StageInput(Stage.CONNECTED, note=note), timezone.now(), request)
    return case


def case_of_target(user: User, target: OutreachTarget) -> CollaborationCase | None:
    """The 多機関協働 case the target led to, if the reader may see it: opened from the target, or from its
    referral by the receiving coordinator."""
    about = Q(pk=target.collaboration_case_id) if target.collaboration_case_id else Q(pk__in=[])
    if target.referral_id:
        about |= Q(referral_id=target.referral_id)
    return cases_visible(user).filter(about).select_related("organization").order_by("occurred_at", "id").first()
