"""Emergency access is always reviewed (issue 9, finding 6), from the side of everyone who meets it.

Reviewers of a grant (``tsunagu.access.reviews``): the supervisors of the organisation that used it; when it
has none besides the user of the grant, the supervisors of its 所管課; and always the supervisors of the
reviewer the plan names (琴浦町: 福祉あんしん課, where the ``supervisor`` persona works). Never the user of
the grant. Anyone else gets 404 on the review page and a refusal from the service.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.access import reviews
from tsunagu.access.models import AccessGrant, Basis, ReviewStatus
from tsunagu.access.selectors import emergency_grants_to_review
from tsunagu.access.services import AccessError, emergency_access_request, emergency_access_review
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.core.models import Membership, Organization, Role, User
from tsunagu.core.services import user_create
from tsunagu.people.tests.helpers import register
from tsunagu.plans.models import Plan

pytestmark = pytest.mark.django_db

REASON = "本人と連絡が取れず、室内で倒れている恐れがある"


def staff(personas, username: str, organization: str, role: Role = Role.CASEWORKER) -> User:
    return user_create(
        municipality=personas.town, username=username, password="correct-horse-battery", display_name=username,
        memberships=[(Organization.objects.get(municipality=personas.town, name=organization), role)],
    )  # fmt: skip


def emergency(user: User, person, hours: int = 24) -> AccessGrant:
    return emergency_access_request(user=user, person=person, reason=REASON, hours=hours)


def review_page(client, user: User, grant: AccessGrant) -> int:
    client.force_login(user)
    return client.get(reverse("access:emergency-review", args=[grant.pk])).status_code


def assert_reviewers(client, everyone: dict[str, User], grant: AccessGrant, expected: set[str]) -> None:
    """Exactly ``expected`` may review ``grant``, asked every way: the rule, the list's query, the page."""
    reviewers = {u.pk for u in reviews.emergency_reviewers(grant)}
    for name, user in everyone.items():
        allowed = name in expected
        fresh = User.objects.get(pk=user.pk)  # a new request: nothing cached on the user
        assert reviews.may_review(fresh, grant) is allowed, name
        assert (user.pk in reviewers) is allowed, name
        listed = emergency_grants_to_review(user=User.objects.get(pk=user.pk)).filter(pk=grant.pk).exists()
        assert listed is allowed, name
        assert review_page(client, user, grant) == (200 if allowed else 404), name


@pytest.fixture
def everyone(personas) -> dict[str, User]:
    """The personas, with supervisors where the rule needs them: at すこやか健康課 (the 所管課 of 地域包括支援
    センター) and at サポートりんくす (an agency with a supervisor of its own)."""
    people = personas.all()
    people["sukoyaka_supervisor"] = staff(personas, "sukoyaka_super", "すこやか健康課", Role.SUPERVISOR)
    people["links_supervisor"] = staff(personas, "links_super", "相談支援センターサポートりんくす", Role.SUPERVISOR)
    return people


def test_the_user_of_a_grant_never_reviews_it_and_an_agency_with_a_supervisor_reviews_its_own(
    client, personas, everyone
):
    person = register(personas.caseworker_a)
    # サポートりんくす has a supervisor: they review, with the plan's reviewer; its 所管課 (福祉あんしん課,
    # which is also the plan's reviewer) and everyone else do not.
    grant = emergency(personas.caseworker_b, person)
    assert_reviewers(client, everyone, grant, {"links_supervisor", "supervisor"})

    # The supervisor who used a grant does not review it: the other reviewers do.
    own = emergency(everyone["links_supervisor"], person)
    assert_reviewers(client, everyone, own, {"supervisor"})
    with pytest.raises(AccessError, match="確認する権限がありません"):
        emergency_access_review(user=everyone["links_supervisor"], grant=own, approve=True, note="")
    own.refresh_from_db()
    assert own.review_status == ReviewStatus.PENDING


def test_an_agency_without_a_supervisor_is_reviewed_by_its_division(client, personas, everyone):
    person = register(personas.caseworker_b)
    # 地域包括支援センター has no supervisor: すこやか健康課, the division it belongs to, reviews (and the plan's).
    grant = emergency(personas.caseworker_a, person)
    assert_reviewers(client, everyone, grant, {"sukoyaka_supervisor", "supervisor"})

    # Once it has a supervisor of its own, the division steps back; unless that supervisor used the grant.
    everyone["houkatsu_supervisor"] = staff(personas, "houkatsu_super", "琴浦町地域包括支援センター", Role.SUPERVISOR)
    assert_reviewers(client, everyone, grant, {"houkatsu_supervisor", "supervisor"})
    theirs = emergency(everyone["houkatsu_supervisor"], person)
    assert_reviewers(client, everyone, theirs, {"sukoyaka_supervisor", "supervisor"})
    with pytest.raises(AccessError):
        emergency_access_review(user=everyone["sukoyaka_supervisor"], grant=grant, approve=True, note="")

    reviewed = emergency_access_review(user=everyone["sukoyaka_supervisor"], grant=theirs, approve=True, note="")
    assert (reviewed.review_status, reviewed.reviewed_by) == (ReviewStatus.APPROVED, everyone["sukoyaka_supervisor"])
    entry = AuditEntry.objects.filter(action=Action.UPDATE, object_id=str(theirs.pk)).get()
    assert entry.organization == everyone["sukoyaka_supervisor"].memberships.get().organization  # reviewed for
    assert (entry.basis, entry.basis_source) == (Basis.EMERGENCY, f"emergency_review grant:{theirs.pk}")


def test_a_contractor_is_reviewed_by_the_divisions_of_the_programmes_it_runs(client, personas, everyone):
    # 社協 runs programmes of 福祉あんしん課 and of すこやか健康課: either division's supervisors review.
    shakyo = staff(personas, "shakyo", "琴浦町社会福祉協議会")
    grant = emergency(shakyo, register(personas.caseworker_a))
    assert_reviewers(client, everyone | {"shakyo": shakyo}, grant, {"sukoyaka_supervisor", "supervisor"})


def test_without_the_plans_reviewer_a_nursery_is_reviewed_by_nobody_and_the_auditor_sees_it(client, personas, everyone):
    nursery = staff(personas, "midori", "みどり保育園")
    grant = emergency(nursery, register(personas.caseworker_a))
    # みどり保育園 answers to 子育て応援課, which has no supervisor: the plan's reviewer is who remains.
    assert_reviewers(client, everyone | {"midori": nursery}, grant, {"supervisor"})

    Plan.objects.filter(municipality=personas.town).update(emergency_reviewer=None)
    assert_reviewers(client, everyone | {"midori": nursery}, grant, set())
    client.force_login(personas.auditor)
    page = client.get(reverse("access:emergency-unreviewed")).content.decode()
    assert "確認できる監督者がいません" in page
    unreachable = page.split('id="unreviewed-organizations"')[1].split("</section>")[0]
    assert "みどり保育園" in unreachable and "子育て応援課" in unreachable
    assert "福祉あんしん課" not in unreachable and "琴浦町地域包括支援センター" not in unreachable


def test_the_reviewer_reads_who_when_why_whom_and_what_was_read_and_that_read_is_audited(client, personas):
    person = register(personas.caseworker_a, given_name="若葉", given_name_kana="ワカバ")
    grant = emergency(personas.caseworker_b, person)
    client.force_login(personas.caseworker_b)
    assert client.get(reverse("people:person-detail", args=[person.pk])).status_code == 200

    client.force_login(personas.supervisor)
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    page = client.get(reverse("access:emergency-review", args=[grant.pk])).content.decode()
    assert person.full_name in page and REASON in page and "cw_b" in page and "相談支援センターサポートりんくす" in page
    reads = page.split('id="grant-reads"')[1].split("</table>")[0]
    assert "cw_b" in reads and "閲覧" in reads
    assert person.address not in page and person.phone not in page  # what the review needs, no more
    [entry] = AuditEntry.objects.filter(id__gt=before)
    anshin = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    assert (entry.action, entry.person_id, entry.organization) == (Action.READ, person.pk, anshin)
    assert (entry.basis, entry.basis_source) == (Basis.EMERGENCY, f"emergency_review grant:{grant.pk}")

    # The decision is recorded on the same page; a rejection without its reason keeps what was chosen.
    refused = client.post(reverse("access:emergency-review", args=[grant.pk]), {"approve": "0", "note": ""})
    assert refused.status_code == 400 and "不適切と判断した理由を書いてください" in refused.content.decode()
    done = client.post(reverse("access:emergency-review", args=[grant.pk]), {"approve": "1", "note": "必要と確認"})
    assert done.status_code == 302
    grant.refresh_from_db()
    assert (grant.review_status, grant.reviewed_by, grant.review_note) == (
        "approved",
        personas.supervisor,
        "必要と確認",
    )
    assert not emergency_grants_to_review(user=personas.supervisor).exists()


def test_the_lists_show_the_oldest_first_with_age_and_overdue_flag_and_the_auditor_sees_no_names(client, personas):
    person = register(personas.caseworker_a, given_name="青葉", given_name_kana="アオバ")
    old = emergency(personas.caseworker_b, person)
    recent = emergency(personas.coordinator, person)
    # Opened three days and an hour ago, and yesterday (the clock moved back for the grants, not for the pages).
    now = timezone.now()
    AccessGrant.objects.filter(pk=old.pk).update(granted_at=now - timedelta(days=3, hours=1))
    AccessGrant.objects.filter(pk=recent.pk).update(granted_at=now - timedelta(days=1))

    client.force_login(personas.supervisor)
    listing = client.get(reverse("access:emergency-review-list")).content.decode()
    assert listing.index(f'data-grant="{old.pk}"') < listing.index(f'data-grant="{recent.pk}"')
    assert "確認待ち 2件（うち確認期限超過 1件）" in listing
    row = listing.split(f'data-grant="{old.pk}"')[1].split("</tr>")[0]
    assert "3日" in row and "確認期限超過" in row and person.full_name in row
    assert "確認期限超過" not in listing.split(f'data-grant="{recent.pk}"')[1].split("</tr>")[0]
    assert "令和" in row  # the date in 和暦

    client.force_login(personas.auditor)
    before = AuditEntry.objects.count()
    audited = client.get(reverse("access:emergency-unreviewed")).content.decode()
    assert "確認待ち 2件（うち確認期限超過 1件）" in audited
    assert audited.index(f'data-grant="{old.pk}"') < audited.index(f'data-grant="{recent.pk}"')
    row = audited.split(f'data-grant="{old.pk}"')[1].split("</tr>")[0]
    assert "確認期限超過" in row and "相談支援センターサポートりんくす" in row and "cw_b" in row
    assert "福祉あんしん課" in row  # who may review it
    assert "青葉" not in audited and "アオバ" not in audited and REASON not in audited
    assert AuditEntry.objects.count() == before  # no personal data shown, nothing to audit

    for name in ("caseworker_a", "caseworker_b", "coordinator", "supervisor", "administrator", "stranger"):
        client.force_login(getattr(personas, name))
        assert client.get(reverse("access:emergency-unreviewed")).status_code == 404, name
    for name in ("caseworker_a", "caseworker_b", "coordinator", "administrator", "auditor", "stranger"):
        client.force_login(getattr(personas, name))
        assert client.get(reverse("access:emergency-review-list")).status_code == 404, name


def test_overdue_grants_with_a_moved_clock_are_the_same_however_often_asked(personas, monkeypatch, settings):
    person = register(personas.caseworker_a)
    start = timezone.now()
    grant = emergency(personas.caseworker_b, person, hours=1)
    town = personas.town

    def overdue_at(moment):
        return list(reviews.overdue_emergency_grants(municipality=town, now=moment))

    assert overdue_at(start + timedelta(days=3) - timedelta(minutes=1)) == []
    entries, grants = AuditEntry.objects.count(), list(AccessGrant.objects.values())
    assert overdue_at(start + timedelta(days=3, minutes=1)) == [grant]
    assert overdue_at(start + timedelta(days=3, minutes=1)) == [grant]  # asked again: the same, nothing changed
    assert (AuditEntry.objects.count(), list(AccessGrant.objects.values())) == (entries, grants)
    # The grant expired long before: it still waits for its review. The clock defaults to now.
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(days=4))
    assert list(reviews.overdue_emergency_grants(municipality=town.pk)) == [grant]
    settings.TSUNAGU_EMERGENCY_REVIEW_DAYS = 7
    assert list(reviews.overdue_emergency_grants(municipality=town.pk)) == []
    settings.TSUNAGU_EMERGENCY_REVIEW_DAYS = 3

    emergency_access_review(user=personas.supervisor, grant=grant, approve=True, note="")
    assert overdue_at(start + timedelta(days=30)) == []
    other_town = personas.stranger.municipality
    assert list(reviews.overdue_emergency_grants(municipality=other_town, now=start + timedelta(days=30))) == []


def test_the_lists_cost_the_same_queries_for_one_grant_as_for_many(client, personas):
    person = register(personas.caseworker_a)
    emergency(personas.caseworker_b, person)
    urls = {personas.supervisor: reverse("access:emergency-review-list"),
            personas.auditor: reverse("access:emergency-unreviewed")}  # fmt: skip

    def queries() -> dict[str, int]:
        counts = {}
        for user, url in urls.items():
            client.force_login(user)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts[url] = len(captured)
        return counts

    few = queries()
    for n, organization in enumerate(["みどり保育園", "琴浦町社会福祉協議会", "子育て応援課", "すこやか健康課"]):
        user = staff(personas, f"more{n}", organization)
        emergency(user, register(personas.caseworker_a, given_name=f"多{n}", given_name_kana="オオ"))
    many = queries()
    client.force_login(personas.supervisor)
    assert client.get(urls[personas.supervisor]).content.decode().count('data-grant="') == 5
    assert many == few


def test_in_the_demo_town_every_organisation_has_a_reachable_reviewer(personas, settings, capsys):
    """The demo town's staff (``core.demo``): one supervisor, at 福祉あんしん課; 11 organisations."""
    from tsunagu.core.demo import demo_accounts_create

    settings.DEMO_MODE = True
    demo_accounts_create(municipality=personas.town)
    User.objects.filter(username__in=["super"]).update(is_active=False)  # only the demo town's own staff count
    town = personas.town
    organizations = list(Organization.objects.filter(municipality=town))
    arrangement = reviews.review_arrangement(town.pk)
    without = [o.name for o in organizations if not arrangement.reviewers(o.pk, None)]
    own_supervisor = [o.name for o in organizations if arrangement.supervisors.get(o.pk)]
    without_plan = replace(arrangement, plan_reviewer_id=None)
    without_plans_reviewer = [o.name for o in organizations if not without_plan.reviewers(o.pk, None)]
    with capsys.disabled():
        print(
            f"\nemergency review (demo town): {len(organizations)} organisations, {len(without)} without a reachable "
            f"reviewer (before: {len(organizations) - len(own_supervisor)} without a supervisor of their own; "
            f"{len(without_plans_reviewer)} without the plan's reviewer)"
        )
    assert len(organizations) == 11
    assert without == [] and arrangement.unreviewed_organization_ids() == []
    assert own_supervisor == ["福祉あんしん課"]  # the finding: ten of eleven have none
    assert sorted(without_plans_reviewer) == sorted(
        ["すこやか健康課", "子育て応援課", "琴浦町地域包括支援センター", "みどり保育園", "赤碕こども園"]
    )
    # And through the real path: a nursery's emergency access reaches the demo supervisor.
    nursery = staff(personas, "akasaki", "赤碕こども園")
    grant = emergency(nursery, register(personas.caseworker_a))
    assert [u.username for u in reviews.emergency_reviewers(grant)] == ["supervisor"]


def test_a_list_that_showed_the_person_under_several_grants_is_among_the_reads_of_each(client, personas):
    first = register(personas.caseworker_a, given_name="一葉", given_name_kana="カズハ")
    second = register(personas.caseworker_a, given_name="二葉", given_name_kana="フタバ")
    grants = [emergency(personas.caseworker_b, first), emergency(personas.caseworker_b, second)]
    client.force_login(personas.caseworker_b)
    listing = client.get(reverse("people:person-search"), {"name": "ことうら"}).content.decode()
    assert first.full_name in listing and second.full_name in listing
    search = AuditEntry.objects.filter(user=personas.caseworker_b, basis=Basis.EMERGENCY).latest("id")
    assert search.records is not None
    assert sorted(search.records["sources"]) == sorted(f"emergency grant:{g.pk}" for g in grants)
    assert search.basis_source == "2件の根拠"  # named through records.sources, not basis_source
    client.force_login(personas.supervisor)
    for grant in grants:
        page = client.get(reverse("access:emergency-review", args=[grant.pk])).content.decode()
        reads = page.split('id="grant-reads"')[1].split("</table>")[0]
        assert "cw_b" in reads and "検索" in reads, grant.pk  # the search entry names both grants as sources


def test_an_unconfirmed_or_inactive_supervisor_reviews_nothing(client, personas):
    """A supervisor role waiting for confirmation gives nothing (core.Membership.confirmed_at); nor does an
    account set 利用停止."""
    nursery = staff(personas, "midori", "みどり保育園")
    grant = emergency(nursery, register(personas.caseworker_a))
    waiting = staff(personas, "midori_super", "みどり保育園", Role.SUPERVISOR)
    Membership.objects.filter(user=waiting).update(confirmed_at=None)
    everyone = {"midori_super": waiting, "supervisor": personas.supervisor, "midori": nursery}
    assert_reviewers(client, everyone, grant, {"supervisor"})
    Membership.objects.filter(user=waiting).update(confirmed_at=timezone.now())
    assert_reviewers(client, everyone, grant, {"midori_super", "supervisor"})
    User.objects.filter(pk=waiting.pk).update(is_active=False)
    assert [u.username for u in reviews.emergency_reviewers(grant)] == ["super"]
