"""The plan names who reviews emergency access ([emergency_review] reviewer): loaded, exported, validated."""

from pathlib import Path

import pytest

from conftest import KOTOURA_PLAN
from tsunagu.plans.export import plan_as_dict
from tsunagu.plans.models import Plan
from tsunagu.plans.planfile import PlanFileError, read_plan_file
from tsunagu.plans.selectors import emergency_review_plan
from tsunagu.plans.services import plan_load

KOTOURA_TEXT = KOTOURA_PLAN.read_text(encoding="utf-8")
REVIEW_TABLE = '[emergency_review]\nreviewer = "福祉あんしん課"\n'


def other_town(text: str) -> str:
    return text.replace('code = "313718"', 'code = "313726"').replace('name = "琴浦町"', 'name = "北栄町"')


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_the_kotoura_plan_names_its_reviewer_and_the_divisions_of_its_bodies(kotoura):
    plan = Plan.objects.get(municipality=kotoura)
    assert plan.emergency_reviewer is not None and plan.emergency_reviewer.name == "福祉あんしん課"
    assert plan_as_dict(plan)["emergency_review"] == {"reviewer": "福祉あんしん課"}
    review = emergency_review_plan(municipality_id=kotoura.pk)
    names = {o.pk: o.name for o in kotoura.organizations.all()}
    divisions = {d.pk: d.name for d in kotoura.divisions.all()}
    by_name = {names[pk]: sorted(divisions[d] for d in ids) for pk, ids in review.divisions_of.items()}
    assert review.reviewer_id == plan.emergency_reviewer_id
    assert by_name["琴浦町社会福祉協議会"] == ["すこやか健康課", "福祉あんしん課"]
    assert by_name["みどり保育園"] == ["子育て応援課"]
    assert by_name["相談支援センターサポートりんくす"] == ["福祉あんしん課"]


@pytest.mark.django_db
def test_reloading_without_the_table_unsets_the_reviewer(tmp_path):
    text = other_town(KOTOURA_TEXT)
    plan = plan_load(plan_file=read_plan_file(write(tmp_path, text))).plan
    assert plan.emergency_reviewer is not None
    plan = plan_load(plan_file=read_plan_file(write(tmp_path, text.replace(REVIEW_TABLE, "")))).plan
    plan.refresh_from_db()
    assert plan.emergency_reviewer is None
    assert emergency_review_plan(municipality_id=plan.municipality_id).reviewer_id is None


@pytest.mark.parametrize(
    ("table", "path", "words"),
    [
        (
            '[emergency_review]\nreviewer = "こども家庭課"\n',
            "emergency_review.reviewer",
            "「こども家庭課」は organizations にありません",
        ),
        (
            '[emergency_review]\nreviewer = "琴浦町社会福祉協議会"\n',
            "emergency_review.reviewer",
            "町の課ではありません",
        ),
        ('[emergency_review]\nreviewer = ""\n', "emergency_review.reviewer", "空にはできません"),
        ('[emergency_review]\nreveiwer = "福祉あんしん課"\n', "emergency_review.reveiwer", "不明な項目「reveiwer」"),
    ],
)
def test_a_wrong_reviewer_is_named_with_its_line(tmp_path, table, path, words):
    text = other_town(KOTOURA_TEXT)
    assert REVIEW_TABLE in text
    bad = text.replace(REVIEW_TABLE, table)
    file = write(tmp_path, bad)
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(file)
    message = str(caught.value)
    line = bad.splitlines().index(table.splitlines()[1]) + 1
    assert f"{file}:{line}: {path}:" in message and words in message
