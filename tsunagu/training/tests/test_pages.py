"""研修 pages from every persona's side: the coordinator organisation's staff hold and change sessions; every
user of the town reads them; another town gets 404; bad input is refused in Japanese and saves nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEntry
from tsunagu.core.models import Membership
from tsunagu.training.models import TrainingMaterial, TrainingParticipation, TrainingSession
from tsunagu.training.tests.factories import org, session_of

pytestmark = pytest.mark.django_db

HOUKATSU, LINKS, SHAKYO = "琴浦町地域包括支援センター", "相談支援センターサポートりんくす", "琴浦町社会福祉協議会"


def _staff(user, name):
    """The form's value for a person of staff attending for an organisation."""
    return f"{user.pk}-{Membership.objects.get(user=user, organization__name=name).organization_id}"


def test_the_coordinator_holds_a_session_with_staff_and_other_attendees(client, personas):
    town = personas.town
    client.force_login(personas.coordinator)
    form = client.get(reverse("training:session-create"))
    assert form.status_code == 200 and "参加した職員" in form.content.decode()
    response = client.post(reverse("training:session-create"), {
        "held_on": "R7.6.10", "theme": "8050問題と世帯支援", "place": "役場",
        "staff": [_staff(personas.caseworker_a, HOUKATSU), _staff(personas.caseworker_b, LINKS)],
        f"others_{org(town, SHAKYO).pk}": "4", f"others_{org(town, HOUKATSU).pk}": "2",
    })  # fmt: skip
    session = TrainingSession.objects.get()
    assert response.status_code == 302 and response.url == reverse("training:session-detail", args=[session.pk])
    assert session.held_on == date(2025, 6, 10) and session.organizer.name == "福祉あんしん課"
    attendance = {p.organization.name: (p.other_attendees, [a.user for a in p.attendees.all()])
                  for p in session.participations.all()}  # fmt: skip
    assert attendance == {HOUKATSU: (2, [personas.caseworker_a]), LINKS: (0, [personas.caseworker_b]), SHAKYO: (4, [])}
    entry = AuditEntry.objects.get(action=Action.CREATE, model="training.trainingsession")
    assert entry.user == personas.coordinator and entry.changes["theme"] == [None, "8050問題と世帯支援"]
    page = client.get(reverse("training:session-detail", args=[session.pk])).content.decode()
    assert "令和7年6月10日" in page and "令和7年度" in page and "8人" in page and "cw_a" in page


@pytest.mark.parametrize("persona", ["caseworker_a", "caseworker_b", "administrator", "auditor"])
def test_every_user_of_the_town_reads_sessions_but_only_the_coordinator_organisation_writes(client, personas, persona):
    session = session_of(personas.coordinator, held_on=date(2025, 5, 1))
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("training:session-list"), {"fy": "2025"}).status_code == 200
    detail = client.get(reverse("training:session-detail", args=[session.pk]))
    assert detail.status_code == 200 and "多機関協働の基礎" in detail.content.decode()
    assert "session-edit" not in detail.content.decode()
    assert client.get(reverse("training:session-create")).status_code == 404
    assert client.get(reverse("training:session-edit", args=[session.pk])).status_code == 404
    posted = client.post(reverse("training:material-add", args=[session.pk]), {"title": "資料", "url": "https://a.jp"})
    assert posted.status_code == 404 and not TrainingMaterial.objects.exists()


def test_the_supervisor_of_the_coordinator_organisation_changes_a_session(client, personas):
    town = personas.town
    session = session_of(personas.coordinator, held_on=date(2025, 5, 1),
                         attendance=[(org(town, SHAKYO), 3, [])])  # fmt: skip
    client.force_login(personas.supervisor)
    edit = client.get(reverse("training:session-edit", args=[session.pk]))
    assert edit.status_code == 200 and 'value="3"' in edit.content.decode()
    response = client.post(reverse("training:session-edit", args=[session.pk]), {
        "version": "1", "held_on": "R7.5.2", "theme": "ひきこもり支援", "staff": [],
        f"others_{org(town, LINKS).pk}": "5",
    })  # fmt: skip
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.theme, session.held_on, session.version) == ("ひきこもり支援", date(2025, 5, 2), 2)
    assert [(p.organization.name, p.other_attendees) for p in session.participations.all()] == [(LINKS, 5)]
    entry = AuditEntry.objects.get(action=Action.UPDATE, model="training.trainingsession")
    assert entry.changes["theme"] == ["多機関協働の基礎", "ひきこもり支援"] and "attendance" in entry.changes
    # The first form, opened at version 1, no longer saves over the change unseen.
    stale = client.post(reverse("training:session-edit", args=[session.pk]), {
        "version": "1", "held_on": "R7.5.2", "theme": "上書き",
    })  # fmt: skip
    assert stale.status_code == 400 and "他の職員" in stale.content.decode()
    assert TrainingSession.objects.get().theme == "ひきこもり支援"


def test_another_town_gets_404_and_does_not_see_the_towns_sessions(client, personas):
    session = session_of(personas.coordinator, held_on=date(2025, 5, 1), theme="琴浦町の研修")
    material = TrainingMaterial.objects.create(
        municipality=personas.town, session=session, title="スライド", url="https://example.jp/a.pdf",
        added_by=personas.coordinator,
    )  # fmt: skip
    client.force_login(personas.stranger)
    for name, pk in (("training:session-detail", session.pk), ("training:session-edit", session.pk)):
        assert client.get(reverse(name, args=[pk])).status_code == 404
    assert client.post(reverse("training:material-add", args=[session.pk]), {"title": "x"}).status_code == 404
    assert client.post(reverse("training:material-remove", args=[material.pk])).status_code == 404
    listing = client.get(reverse("training:session-list"), {"fy": "2025"})
    assert listing.status_code == 200 and "琴浦町の研修" not in listing.content.decode()
    assert client.get(reverse("training:session-create")).status_code == 404
    assert TrainingMaterial.objects.count() == 1


def test_bad_input_is_refused_in_japanese_and_saves_nothing(client, personas):
    town = personas.town
    client.force_login(personas.coordinator)
    url = reverse("training:session-create")
    negative = client.post(url, {"held_on": "R7.6.1", "theme": "研修", f"others_{org(town, SHAKYO).pk}": "-1"})
    assert negative.status_code == 400 and "0 以上" in negative.content.decode()
    no_theme = client.post(url, {"held_on": "令和7年13月1日", "theme": ""})
    assert no_theme.status_code == 400 and "この項目は必須です" in no_theme.content.decode()
    # A person of staff of another town is no choice here.
    foreign = Membership.objects.get(user=personas.stranger)
    wrong = client.post(
        url, {"held_on": "R7.6.1", "theme": "研修", "staff": [f"{foreign.user_id}-{foreign.organization_id}"]}
    )
    assert wrong.status_code == 400 and "候補にありません" in wrong.content.decode()
    assert not TrainingSession.objects.exists() and not TrainingParticipation.objects.exists()
    assert not AuditEntry.objects.filter(model__startswith="training.").exists()


def test_materials_are_links_or_descriptions(client, personas):
    session = session_of(personas.coordinator, held_on=date(2025, 5, 1))
    client.force_login(personas.coordinator)
    url = reverse("training:material-add", args=[session.pk])
    empty = client.post(url, {"title": "配布資料"})
    assert empty.status_code == 400 and "リンクか説明のどちらかを入力してください" in empty.content.decode()
    script = client.post(url, {"title": "x", "url": "javascript:alert(1)"})
    assert script.status_code == 400 and not TrainingMaterial.objects.exists()
    assert client.post(url, {"title": "スライド", "url": "https://example.jp/slides.pdf"}).status_code == 302
    material = TrainingMaterial.objects.get()
    page = client.get(reverse("training:session-detail", args=[session.pk])).content.decode()
    assert 'href="https://example.jp/slides.pdf"' in page and 'rel="noopener noreferrer"' in page
    assert client.post(reverse("training:material-remove", args=[material.pk])).status_code == 302
    assert not TrainingMaterial.objects.exists()
    assert AuditEntry.objects.filter(model="training.trainingmaterial", action=Action.DELETE).exists()


def test_counts_per_fiscal_year_and_a_period_outside_it(client, personas):
    town = personas.town
    a, b = personas.caseworker_a, personas.caseworker_b
    session_of(personas.coordinator, held_on=date(2025, 4, 1), attendance=[(org(town, HOUKATSU), 1, [a])])
    session_of(personas.coordinator, held_on=date(2026, 3, 31),
               attendance=[(org(town, HOUKATSU), 0, [a]), (org(town, LINKS), 2, [b])])  # fmt: skip
    session_of(personas.coordinator, held_on=date(2025, 3, 31), theme="前年度",
               attendance=[(org(town, SHAKYO), 9, [])])  # fmt: skip
    client.force_login(personas.caseworker_b)
    page = client.get(reverse("training:session-list"), {"fy": "2025"})
    html = page.content.decode()
    assert page.status_code == 200 and "前年度" not in html
    assert page.context["counts"].sessions == 2 and page.context["counts"].attendees == 6
    assert page.context["counts"].organizations == 2
    rows = {c.organization.name: (c.sessions, c.attendees) for c in page.context["counts"].by_organization}
    assert rows == {HOUKATSU: (2, 3), LINKS: (1, 3)}
    months = [(m.month, m.sessions, m.attendees) for m in page.context["counts"].by_month]
    assert len(months) == 12 and months[0] == (date(2025, 4, 1), 1, 2) and months[-1] == (date(2026, 3, 1), 1, 4)
    assert sum(m[1] for m in months) == 2 and '<table class="data-table" id="by-month">' in html
    outside = client.get(reverse("training:session-list"), {"fy": "2025", "start": "R7.3.1"})
    assert outside.status_code == 400
    assert "令和7年3月1日は令和7年度（令和7年4月1日〜令和8年3月31日）の外です" in outside.content.decode()
    assert outside.context["counts"].sessions == 2  # the whole 年度 still shown


def test_the_list_costs_the_same_queries_with_few_or_many_sessions(client, personas, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    town = personas.town
    client.force_login(personas.caseworker_a)
    url = reverse("training:session-list")
    session_of(personas.coordinator, held_on=date(2025, 5, 1), attendance=[(org(town, SHAKYO), 1, [])])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"fy": "2025"}).status_code == 200
    for month in range(6, 13):
        session_of(personas.coordinator, held_on=date(2025, month, 1),
                   attendance=[(org(town, SHAKYO), 2, []), (org(town, HOUKATSU), 1, [personas.caseworker_a]),
                               (org(town, LINKS), 0, [personas.caseworker_b])])  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, {"fy": "2025"})
    assert len(page.context["sessions"]) == 8
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_change_keeps_an_attendee_who_has_since_left_the_organisation(client, personas):
    town = personas.town
    session = session_of(personas.coordinator, held_on=date(2025, 5, 1),
                         attendance=[(org(town, HOUKATSU), 0, [personas.caseworker_a])])  # fmt: skip
    key = _staff(personas.caseworker_a, HOUKATSU)
    Membership.objects.filter(user=personas.caseworker_a).delete()
    client.force_login(personas.coordinator)
    edit = client.get(reverse("training:session-edit", args=[session.pk])).content.decode()
    assert f'value="{key}"' in edit and "checked" in edit.split(f'value="{key}"')[1].split(">")[0]
    response = client.post(reverse("training:session-edit", args=[session.pk]), {
        "version": "1", "held_on": "R7.5.1", "theme": "改題", "staff": [key],
    })  # fmt: skip
    assert response.status_code == 302
    assert [a.user for p in session.participations.all() for a in p.attendees.all()] == [personas.caseworker_a]
    # A new session cannot name them any more.
    new = client.post(reverse("training:session-create"), {"held_on": "R7.6.1", "theme": "次", "staff": [key]})
    assert new.status_code == 400 and TrainingSession.objects.count() == 1
