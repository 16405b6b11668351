"""The law of meetings, in one module (DESIGN §4, issue 13; STYLE habit 1).

What a meeting may do follows from its type's configuration (``plans.MeetingType``), never from its name:

- **Who sees a meeting.** Its members (構成員, chosen per meeting), in its municipality; anyone else gets 404.
- **Statutory meetings** (法106条の6, 生活困窮者自立支援法第9条, 要保護児童対策地域協議会, other statutes): the
  agenda is shared without consent, because the members carry a statutory duty of secrecy. Before a member
  opens anything on the agenda their 守秘義務 acknowledgement for that meeting is recorded (who, when, which
  meeting); until then the agenda's records answer 404. On acknowledging, the member's organisation is
  given, through the access core, a grant on each agenda item's person with the meeting's basis
  (``art106_6`` or ``other_statute``) and the meeting as its source (``meeting:<id>``), so that every read
  relying on it is audited with that basis and meeting; an item added later gives the grant to the
  organisations of members who have acknowledged.
- **The access ends when the follow-up closes**: when the chair closes the meeting (refused while a task is
  open), or when the last open task of a meeting already held is done. Every grant whose source is the
  meeting is revoked then; the agenda answers 404 again. Grants are to organisations (the access core's
  unit), so a colleague of a member reads the person's *other* records through it while it lasts; the
  meeting's own pages stay with its members.
- **Consent-based meetings** (``consent_required``): an item goes on the agenda only when the person's
  valid consent covers every attending organisation (the members' organisations); otherwise the error lists
  the organisations lacking consent and nothing is saved. Adding a member re-checks every open item. A
  withdrawal of consent takes the person's items off the agendas of open consent-based meetings and tells
  the chair (``on_consent_withdrawn``). A consent-based meeting gives no grants: the consent already does.
- **Information requests** (資料・情報の提供の求め, 法106条の6第2項): the chair, or a member attending for the
  convening organisation, who may open the agenda, asks an organisation of the town for information about
  an item. A statutory meeting may ask any organisation (the law gives it the power); a consent-based one only
  an organisation the person's valid consent covers. The asked organisation's staff see the request (the
  person named, so that they can answer) on the meeting's basis, or on their own stronger one, and answer it;
  a withdrawn request, and every request once the follow-up closes, answers them 404. An unanswered request
  keeps the follow-up open, as an open task does.
- **Reads** of an agenda item are audited with the strongest basis the reader's organisation holds on the
  person (own record, consent, then the meeting's), naming this meeting's grant where the basis is the
  meeting's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from tsunagu.access.models import AccessGrant, Basis
from tsunagu.access.policy import Grounds, consent_covers, decide, grounds_of
from tsunagu.access.selectors import consents_of_person
from tsunagu.core.models import Organization, User
from tsunagu.plans.models import MeetingBasis, MeetingType

if TYPE_CHECKING:
    from tsunagu.meetings.models import AgendaItem, Meeting

# The access core's basis for each statutory meeting basis; a consent-based meeting gives no grant.
GRANT_BASIS = {
    MeetingBasis.ART106_6: Basis.ART106_6,
    MeetingBasis.POVERTY_ART9: Basis.OTHER_STATUTE,
    MeetingBasis.CHILD_COUNCIL: Basis.OTHER_STATUTE,
    MeetingBasis.OTHER: Basis.OTHER_STATUTE,
}


def grant_basis(meeting_type: MeetingType) -> Basis | None:
    return GRANT_BASIS.get(MeetingBasis(meeting_type.legal_basis))


def requires_acknowledgement(meeting_type: MeetingType) -> bool:
    """A statutory meeting binds its members to secrecy before they see anything."""
    return grant_basis(meeting_type) is not None


def is_member(user: User, meeting: Meeting) -> bool:
    if meeting.municipality_id != user.municipality_id:
        return False
    return any(m.user_id == user.pk for m in meeting.members.all())


def has_acknowledged(user: User, meeting: Meeting) -> bool:
    return any(a.user_id == user.pk for a in meeting.acknowledgements.all())


def may_open_agenda(user: User, meeting: Meeting) -> bool:
    """A member, acknowledged where the type requires it, while the follow-up is open."""
    if not is_member(user, meeting) or meeting.closed_at is not None:
        return False
    return has_acknowledged(user, meeting) or not requires_acknowledgement(meeting.meeting_type)


def meetings_of_member(user: User) -> QuerySet[Any]:
    """The condition "the user is a member" as a queryset filter (one indexed EXISTS)."""
    from tsunagu.meetings.models import Meeting, MeetingMember

    return Meeting.objects.filter(municipality_id=user.municipality_id).filter(
        Exists(MeetingMember.objects.filter(meeting_id=OuterRef("pk"), user_id=user.pk))
    )


def attending_organization_ids(meeting: Meeting, extra: Iterable[int] = ()) -> list[int]:
    return sorted({m.organization_id for m in meeting.members.all()} | set(extra))


def organizations_lacking_consent(person_id: int, organization_ids: Iterable[int]) -> list[Organization]:
    """The organisations that no valid consent of the person covers (``access.policy.consent_covers``), in
    the plan's order. A consent covers its taker and the organisations it names, until withdrawn."""
    wanted = sorted(set(organization_ids))
    consents = list(consents_of_person(person_id=person_id).filter(withdrawn_on__isnull=True))
    covered = {pk for pk in wanted if any(consent_covers(c, pk) for c in consents)}
    missing = [pk for pk in wanted if pk not in covered]
    return list(Organization.objects.filter(pk__in=missing).order_by("order", "pk"))


def lacking_consent_message(organizations: list[Organization]) -> str:
    return _("本人同意が次の機関を含んでいないため、この会議では検討できません: %(names)s") % {
        "names": "、".join(o.name for o in organizations)
    }


def grants_to_give(meeting: Meeting, items: Iterable[AgendaItem], organization_ids: Iterable[int]) -> list[tuple]:
    """The (organisation id, person id) pairs that still need the meeting's grant (none for a consent type)."""
    if grant_basis(meeting.meeting_type) is None or meeting.closed_at is not None:
        return []
    person_ids = sorted({item.person_id for item in items})
    org_ids = sorted(set(organization_ids))
    existing = set(
        meeting_grants(meeting)
        .filter(person_id__in=person_ids, organization_id__in=org_ids)
        .values_list("organization_id", "person_id")
    )
    return [(o, p) for o in org_ids for p in person_ids if (o, p) not in existing]


def meeting_grants(meeting: Meeting) -> QuerySet[AccessGrant]:
    """The active grants the meeting gave (its source names it)."""
    return AccessGrant.objects.active().filter(municipality_id=meeting.municipality_id, source=meeting.source)


def acknowledged_organization_ids(meeting: Meeting) -> list[int]:
    return sorted({a.organization_id for a in meeting.acknowledgements.all()})


def open_follow_up(meeting: Meeting) -> str | None:
    """What keeps the follow-up open: an open task, or a request for information not answered yet."""
    from tsunagu.meetings.models import InformationRequest, RequestStatus

    if meeting.tasks.filter(done_at__isnull=True).exists():
        return _("未完了のタスクがあるため、フォローアップを終了できません。")
    if InformationRequest.objects.filter(agenda_item__meeting=meeting, status=RequestStatus.REQUESTED).exists():
        return _("回答のない資料・情報の提供の求めがあるため、フォローアップを終了できません。")
    return None


def follow_up_closes_by_tasks(meeting: Meeting, *, now: Any) -> bool:
    """The last open task is done (and no request awaits its answer), and the meeting has been held: the
    follow-up closes with it."""
    return meeting.held_at <= now and open_follow_up(meeting) is None


def may_ask(user: User, meeting: Meeting) -> bool:
    """Who asks for information: the chair, or a member attending for the convener, who may open the agenda."""
    if not may_open_agenda(user, meeting):
        return False
    return meeting.chair_id == user.pk or any(
        m.user_id == user.pk and m.organization_id == meeting.convener_id for m in meeting.members.all()
    )


def request_refusal(meeting: Meeting, item: AgendaItem, organization: Organization) -> str | None:
    """Why this organisation cannot be asked about this item (None: it can)."""
    if organization.municipality_id != meeting.municipality_id:
        return _("求める先はこの自治体の機関から選んでください。")
    if meeting.meeting_type.consent_required and organizations_lacking_consent(item.person_id, [organization.pk]):
        return _("%(org)sは本人同意の範囲に含まれていないため、この会議から資料・情報を求めることはできません。") % {
            "org": organization.name
        }
    return None


def request_source(meeting: Meeting, request_id: int) -> str:
    return f"{meeting.source} information_request:{request_id}"


def asked_grounds(user: User, organization: Organization, item: AgendaItem, request_id: int) -> Grounds | None:
    """The grounds on which the asked organisation's staff read a request about the item's person: their
    organisation's own strongest basis on the person, else the meeting's statutory basis naming the request
    (None for a consent-based meeting without one: they are not let in)."""
    grants = [g for g in decide(user, item.person_id).grants if g.organization_id == organization.pk]
    if grants:
        return grounds_of(grants[0])
    basis = grant_basis(item.meeting.meeting_type)
    if basis is None:
        return None
    return Grounds(organization=organization, basis=basis, source=request_source(item.meeting, request_id))


def read_grounds(user: User, item: AgendaItem) -> Grounds | None:
    """The grounds of a member's read of an item: the strongest basis their organisations hold on the person,
    naming this meeting's grant when that basis is the meeting's (None: nothing lets them in)."""
    decision = decide(user, item.person_id)
    return meeting_grounds(decision, item.meeting) if decision.allowed else None


def meeting_grounds(decision: Any, meeting: Meeting) -> Grounds:
    """Of an allowed access decision, the grounds to name: the strongest basis, as the grant this meeting gave
    where that basis is the meeting's."""
    strongest = decision.strongest
    mine = next((g for g in decision.grants if g.basis == strongest.basis and g.source == meeting.source), strongest)
    return grounds_of(mine)


def connect() -> None:
    """Receive the access core's signal (the receiver calls one service; the rule is here)."""
    from tsunagu.access.signals import consent_withdrawn

    consent_withdrawn.connect(on_consent_withdrawn, dispatch_uid="meetings.consent_withdrawn")


def on_consent_withdrawn(sender: Any, *, consent: Any, user: User, request: Any = None, **kwargs: Any) -> None:
    from tsunagu.meetings.services import agenda_items_withdraw_consent

    agenda_items_withdraw_consent(person_id=consent.person_id, user=user, request=request)
