"""The plan file: the 琴浦町 default loads exactly, and every kind of mistake is named and loads nothing."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from conftest import KOTOURA_PLAN
from tsunagu.core.models import Division, Municipality, Organization
from tsunagu.plans.models import Plan, Program
from tsunagu.plans.planfile import PlanFileError, municipality_code_is_valid, read_plan_file
from tsunagu.plans.services import plan_load

KOTOURA_TEXT = KOTOURA_PLAN.read_text(encoding="utf-8")


def exported() -> dict:
    out = StringIO()
    call_command("plan_export", "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def program(data: dict, name: str) -> dict:
    matches = [p for p in data["programs"] if p["name"] == name]
    assert len(matches) == 1, name
    return matches[0]


@pytest.mark.django_db
class TestKotouraPlanExport:
    def test_twelve_programmes_in_the_seed_order_and_sections(self):
        data = exported()
        assert data["municipality"] == {
            "code": "313718",
            "name": "琴浦町",
            "name_kana": "コトウラチョウ",
            "prefecture": "鳥取県",
        }
        assert len(data["programs"]) == 12
        sections = [p["section"] for p in data["programs"]]
        assert sections.count("consultation") == 4
        assert sections.count("community") == 5
        assert sections.count("new_functions") == 3
        assert [p["name"] for p in data["programs"]][:4] == [
            "地域包括支援センターの運営",
            "障害者相談支援事業",
            "利用者支援事業",
            "生活困窮者自立相談支援事業",
        ]
        assert data["divisions"] == ["すこやか健康課", "福祉あんしん課", "子育て応援課"]

    def test_disability_consultation_has_three_bodies_and_is_direct_and_commissioned(self):
        p = program(exported(), "障害者相談支援事業")
        assert p["implementing_bodies"] == [
            "障がい者地域生活支援センター",
            "中部障がい者地域生活支援センター",
            "相談支援センターサポートりんくす",
        ]
        assert p["operating_form"] == "direct_commissioned"
        assert p["operating_form_label"] == "直営・委託"
        assert p["responsible_division"] == "福祉あんしん課"
        assert p["law_article"] == "法第106条の4第2項第1号"
        assert p["domain_label"] == "障害"
        assert p["target_population"] == (
            "身体障がい児・者、知的障がい児・者、精神障がい、発達障がい及び難病患者とその家族"
        )
        assert p["duties"] == ["障がいに関する相談支援", "各種サービス等の情報提供", "関係機関との連絡調整"]

    def test_child_rearing_hub_is_commissioned_under_kosodate(self):
        p = program(exported(), "地域子育て支援拠点事業")
        assert p["operating_form_label"] == "委託"
        assert p["responsible_division"] == "子育て応援課"
        assert p["implementing_bodies"] == ["みどり保育園", "赤碕こども園"]
        assert p["category_label"] == "地域づくり事業"
        assert p["law_article"] == "法第106条の4第2項第3号"
        assert p["domain_label_in_plan"] == "子ども"
        assert len(p["duties"]) == 4

    def test_new_functions_carry_their_law_items_and_bodies(self):
        data = exported()
        participation = program(data, "参加支援事業")
        assert participation["law_article"] == "法第106条の4第2項第2号"
        assert participation["implementing_bodies"] == ["町内就労支援継続Ｂ型作業所"]
        assert participation["operating_form_label"] == "委託"
        assert participation["duties"] == [
            "対象者の把握",
            "資源の把握、資源開発",
            "相談者に対する参加支援(マッチング等の利用調整)、フォローアップ",
        ]
        assert [i["name"] for i in participation["indicators"]] == ["対象者数", "協力事業者数"]
        outreach = program(data, "アウトリーチ等を通じた継続的支援事業")
        assert outreach["law_article"] == "法第106条の4第2項第4号"
        assert outreach["operating_form_label"] == "直営"
        collaboration = program(data, "多機関協働事業及び支援プランの策定")
        assert collaboration["law_article"] == "法第106条の4第2項第5号"
        assert "琴浦町重層的支援体制整備事業支援会議" in collaboration["duties"]
        assert len(collaboration["duties"]) == 5

    def test_every_programme_has_every_column(self):
        for p in exported()["programs"]:
            assert p["service_area"] == "琴浦町全域"
            for column in (
                "category",
                "domain",
                "name",
                "target_population",
                "responsible_division",
                "operating_form",
            ):
                assert p[column], (p["name"], column)
            assert p["duties"], p["name"]
            assert p["indicators"], p["name"]
        subsidised = [p["name"] for p in exported()["programs"] if p["operating_form"] == "subsidised"]
        assert subsidised == ["地域における生活困窮者支援等のための共助の基盤づくり事業"]

    def test_reloading_the_same_file_updates_in_place(self):
        before = {p.code: p.pk for p in Program.objects.all()}
        out = StringIO()
        call_command("plan_load", str(KOTOURA_PLAN), stdout=out)
        assert "更新しました" in out.getvalue()
        assert "更新12件" in out.getvalue()
        assert {p.code: p.pk for p in Program.objects.all()} == before
        assert Plan.objects.count() == 1


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str, occurrence: int = 0) -> int:
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return lines[occurrence]


def other_town(text: str) -> str:
    """The 琴浦町 plan as another town's, so that a failed load can be told from the loaded plan."""
    return text.replace('code = "313718"', 'code = "313726"').replace('name = "琴浦町"', 'name = "北栄町"')


# Each mistake: how to make it from the good file, the key path and words the error must contain, and
# the text of the line the error must point at.
MISTAKES = {
    "unknown operating form": (
        lambda t: t.replace('operating_form = "直営・委託"', 'operating_form = "直轄"'),
        "programs[1].operating_form",
        "運営形態「直轄」は不明です",
        'operating_form = "直轄"',
    ),
    "division that does not exist": (
        lambda t: t.replace(
            'responsible_division = "子育て応援課"\noperating_form = "委託"',
            'responsible_division = "こども家庭課"\noperating_form = "委託"',
        ),
        "programs[8].responsible_division",
        "所管課「こども家庭課」は divisions にありません",
        'responsible_division = "こども家庭課"',
    ),
    "duplicate programme name": (
        lambda t: t.replace('name = "利用者支援事業"', 'name = "障害者相談支援事業"'),
        "programs[2].name",
        "事業名「障害者相談支援事業」が重複しています",
        None,
    ),
    "implementing body not listed": (
        lambda t: t.replace(
            'implementing_bodies = ["みどり保育園", "赤碕こども園"]',
            'implementing_bodies = ["みどり保育園", "浦安保育園"]',
        ),
        "programs[8].implementing_bodies",
        "実施機関「浦安保育園」は organizations にありません",
        'implementing_bodies = ["みどり保育園", "浦安保育園"]',
    ),
    "missing required column": (
        lambda t: t.replace('target_population = "65歳以上の高齢者"\n', ""),
        "programs[5].target_population",
        "必須の項目がありません",
        None,
    ),
    "law article that contradicts the category": (
        lambda t: t.replace(
            'category = "参加支援事業"\nlaw_article = "法第106条の4第2項第2号"',
            'category = "参加支援事業"\nlaw_article = "法第106条の4第2項第4号"',
        ),
        "programs[9].law_article",
        "と一致しません",
        'law_article = "法第106条の4第2項第4号"',
    ),
    "bad municipality code": (
        lambda t: t.replace('code = "313726"', 'code = "313727"'),
        "municipality.code",
        "全国地方公共団体コード「313727」が正しくありません",
        'code = "313727"',
    ),
    "misspelt key": (
        lambda t: t.replace(
            'service_area = "琴浦町全域"\nduties = ["地域住民の介護予防活動の支援実施"]',
            'servce_area = "琴浦町全域"\nduties = ["地域住民の介護予防活動の支援実施"]',
        ),
        "programs[5].servce_area",
        "不明な項目「servce_area」",
        'servce_area = "琴浦町全域"',
    ),
    "unknown domain": (
        lambda t: t.replace(
            'domain = "生活困窮"\nname = "生活困窮者自立相談支援事業"',
            'domain = "教育"\nname = "生活困窮者自立相談支援事業"',
        ),
        "programs[3].domain",
        "分野「教育」は不明です",
        'domain = "教育"',
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_a_malformed_plan_names_file_line_and_key_and_loads_nothing(tmp_path, mistake):
    make, key_path, words, bad_line = MISTAKES[mistake]
    text = make(other_town(KOTOURA_TEXT))
    assert text != other_town(KOTOURA_TEXT), "the mistake was not applied"
    path = write(tmp_path, text)
    counts = (
        Municipality.objects.count(),
        Division.objects.count(),
        Organization.objects.count(),
        Program.objects.count(),
    )

    with pytest.raises(CommandError) as caught:
        call_command("plan_load", str(path))

    message = str(caught.value)
    assert "何も読み込んでいません" in message
    assert f"{path}:" in message
    assert key_path in message
    assert words in message
    if bad_line:
        assert f"{path}:{line_of(text, bad_line)}: {key_path}:" in message
    assert counts == (
        Municipality.objects.count(),
        Division.objects.count(),
        Organization.objects.count(),
        Program.objects.count(),
    )
    assert not Municipality.objects.filter(code="313726", name="北栄町").exists()


@pytest.mark.django_db
def test_toml_syntax_error_names_its_line(tmp_path):
    text = other_town(KOTOURA_TEXT).replace('name = "みどり保育園"', 'name = "みどり保育園')
    path = write(tmp_path, text)
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(path)
    assert caught.value.problems[0].line == line_of(text, 'name = "みどり保育園')
    assert "TOML の書式に誤りがあります" in str(caught.value)


@pytest.mark.django_db
def test_all_mistakes_are_reported_together(tmp_path):
    text = KOTOURA_TEXT.replace('operating_form = "補助"', 'operating_form = "補填"').replace(
        'name = "利用者支援事業"', 'name = "障害者相談支援事業"'
    )
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(write(tmp_path, text))
    assert len(caught.value.problems) == 2


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_bytes(KOTOURA_TEXT.encode("shift_jis", errors="replace"))
    with pytest.raises(PlanFileError, match="UTF-8"):
        read_plan_file(path)


@pytest.mark.django_db
def test_a_failure_while_writing_rolls_back_everything(tmp_path, monkeypatch):
    """Validation passed but the database refuses mid-way: the earlier writes are undone too."""
    from tsunagu.plans import services

    def refuse(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.ProgramDuty.objects, "bulk_create", refuse)
    with pytest.raises(RuntimeError):
        plan_load(plan_file=read_plan_file(write(tmp_path, other_town(KOTOURA_TEXT))))
    assert not Municipality.objects.filter(code="313726").exists()


@pytest.mark.django_db
def test_updating_a_programme_and_removing_another(tmp_path):
    text = KOTOURA_TEXT.replace('operating_form = "補助"', 'operating_form = "委託"')
    start = text.index('[[programs]]\ncode = "care-prevention-activities"')
    end = text.index('[[programs]]\ncode = "life-support-system"')
    text = text[:start] + text[end:]
    result = plan_load(plan_file=read_plan_file(write(tmp_path, text)))
    assert (result.programs_created, result.programs_updated, result.programs_removed) == (0, 11, 1)
    names = list(Program.objects.values_list("name", flat=True))
    assert "地域介護予防活動支援事業" not in names
    assert Program.objects.get(code="mutual-aid-foundation").operating_form == "commissioned"


def test_plan_export_without_a_plan_says_so(db):
    Program.objects.all().delete()
    Plan.objects.all().delete()
    with pytest.raises(CommandError, match="計画がありません"):
        call_command("plan_export", "--format", "json")


@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_exactly_one_check_digit_makes_a_municipality_code_valid(first_five):
    valid = [d for d in "0123456789" if municipality_code_is_valid(first_five + d)]
    assert len(valid) == 1


@pytest.mark.parametrize("code", ["313718", "313726", "011002", "131016"])
def test_known_municipality_codes_are_valid(code):
    # 琴浦町, 北栄町, 札幌市, 千代田区
    assert municipality_code_is_valid(code)


def test_the_plan_file_reads_the_same_whatever_the_screen_language():
    """An English session (or a test that left English active) must not make the Japanese labels unknown."""
    from django.utils import translation

    with translation.override("ja"):
        in_japanese = read_plan_file(KOTOURA_PLAN)
    with translation.override("en"):
        in_english = read_plan_file(KOTOURA_PLAN)
    assert in_english == in_japanese
    assert not [p.domain_label for p in in_english.programs if p.domain_label.isascii()]  # stored in Japanese
