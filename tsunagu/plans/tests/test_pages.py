"""The plan's pages: catalogue, plan text, organisations and divisions — seen by each persona."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.core.models import Division, Organization
from tsunagu.plans.models import OperatingForm, Program, ProgramDuty, ProgramImplementingBody

pytestmark = pytest.mark.django_db

PROGRAMME_NAMES = [
    "地域包括支援センターの運営",
    "障害者相談支援事業",
    "利用者支援事業",
    "生活困窮者自立相談支援事業",
    "地域における生活困窮者支援等のための共助の基盤づくり事業",
    "地域介護予防活動支援事業",
    "生活支援体制整備事業",
    "地域活動支援センター事業",
    "地域子育て支援拠点事業",
    "参加支援事業",
    "アウトリーチ等を通じた継続的支援事業",
    "多機関協働事業及び支援プランの策定",
]


@pytest.mark.parametrize(
    "persona", ["caseworker_a", "caseworker_b", "coordinator", "supervisor", "administrator", "auditor"]
)
def test_every_member_of_the_town_sees_the_whole_catalogue(client, personas, persona):
    client.force_login(getattr(personas, persona))
    content = client.get(reverse("plans:program-catalogue")).content.decode()
    for name in PROGRAMME_NAMES:
        assert name in content
    assert content.count('data-program="') == 12


def test_catalogue_reproduces_the_seed_tables_with_every_column(client, personas):
    client.force_login(personas.coordinator)
    content = client.get(reverse("plans:program-catalogue")).content.decode()
    assert "〇包括的相談支援事業（法第106条の4第2項第1号）" in content
    assert "〇地域づくり事業（法第106条の4第2項第3号）" in content
    assert "〇新たな機能" in content
    for column in (
        "【支援対象者】",
        "【対象圏域】",
        "【業務内容】",
        "【実施機関】",
        "【所管課】",
        "運営形態",
    ):
        assert column in content
    assert content.index("〇包括的相談支援事業") < content.index("〇地域づくり事業") < content.index("〇新たな機能")
    assert "相談支援センターサポートりんくす" in content
    assert "直営・委託" in content


def test_a_stranger_from_another_town_sees_none_of_this_towns_plan(client, personas):
    client.force_login(personas.stranger)
    content = client.get(reverse("plans:program-catalogue")).content.decode()
    assert 'data-program="' not in content
    assert "該当する事業はありません" in content
    organization = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    assert client.get(reverse("plans:organization-detail", args=[organization.pk])).status_code == 404
    assert client.get(reverse("plans:division-detail", args=[organization.division_id])).status_code == 404


def test_domain_filter_answers_htmx_with_the_tables_only(client, personas):
    client.force_login(personas.caseworker_a)
    response = client.get(reverse("plans:program-catalogue"), {"domain": "elderly"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "<html" not in content
    assert content.count('data-program="') == 3
    assert "地域包括支援センターの運営" in content and "障害者相談支援事業" not in content
    full = client.get(reverse("plans:program-catalogue"), {"domain": "nonsense"}).content.decode()
    assert full.count('data-program="') == 12


def test_catalogue_query_count_does_not_grow_with_the_programmes(client, personas):
    client.force_login(personas.coordinator)
    url = reverse("plans:program-catalogue")
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    template = Program.objects.get(code="disability-consultation")
    for n in range(30):
        extra = Program.objects.create(
            municipality=template.municipality,
            plan=template.plan,
            code=f"extra-{n}",
            order=100 + n,
            category="community",
            domain="general",
            domain_label="全般",
            name=f"追加事業{n}",
            target_population="地域住民",
            service_area="琴浦町全域",
            responsible_division=template.responsible_division,
            operating_form=OperatingForm.COMMISSIONED,
        )
        ProgramDuty.objects.create(municipality=extra.municipality, program=extra, order=0, text="業務")
        ProgramImplementingBody.objects.create(
            municipality=extra.municipality,
            program=extra,
            order=0,
            organization=Organization.objects.get(name="琴浦町社会福祉協議会"),
        )
    with CaptureQueriesContext(connection) as after:
        content = client.get(url).content.decode()
    assert content.count('data-program="') == 42
    assert len(after) == len(before)


def test_organisation_page_lists_the_programmes_it_implements(client, personas):
    client.force_login(personas.caseworker_b)
    shakyo = Organization.objects.get(name="琴浦町社会福祉協議会")
    content = client.get(reverse("plans:organization-detail", args=[shakyo.pk])).content.decode()
    assert "地域における生活困窮者支援等のための共助の基盤づくり事業" in content
    assert "生活支援体制整備事業" in content
    assert "障害者相談支援事業" not in content


def test_division_organisation_page_lists_the_programmes_it_is_responsible_for(client, personas):
    client.force_login(personas.coordinator)
    anshin = Organization.objects.get(name="福祉あんしん課")
    content = client.get(reverse("plans:organization-detail", args=[anshin.pk])).content.decode()
    assert "所管する事業" in content
    for name in ("障害者相談支援事業", "参加支援事業", "多機関協働事業及び支援プランの策定"):
        assert name in content
    assert "地域包括支援センターの運営" not in content


def test_division_page(client, personas):
    client.force_login(personas.supervisor)
    sukoyaka = Division.objects.get(name="すこやか健康課")
    content = client.get(reverse("plans:division-detail", args=[sukoyaka.pk])).content.decode()
    assert "地域包括支援センターの運営" in content
    assert "地域介護予防活動支援事業" in content
    assert "生活支援体制整備事業" in content
    assert "琴浦町地域包括支援センター" in content
    assert "利用者支援事業" not in content


def test_organisation_list_and_plan_text(client, personas):
    client.force_login(personas.caseworker_a)
    content = client.get(reverse("plans:organization-list")).content.decode()
    for name in ("すこやか健康課", "みどり保育園", "赤碕こども園", "町内就労支援継続Ｂ型作業所"):
        assert name in content
    plan = client.get(reverse("plans:plan-detail")).content.decode()
    assert "社会福祉法第106条の5" in plan
    assert "世帯全体の課題を整理し" in plan
    assert "観光" in plan


def test_unknown_organisation_is_404(client, personas):
    client.force_login(personas.coordinator)
    assert client.get(reverse("plans:organization-detail", args=[999999])).status_code == 404
