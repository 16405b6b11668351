"""[[meeting_types]] in the plan file: the seed's two meetings, and the mistakes a town can make, named in
Japanese with their line."""

from __future__ import annotations

import pytest

from conftest import KOTOURA_PLAN
from tsunagu.plans.models import MeetingBasis, MeetingType
from tsunagu.plans.planfile import PlanFileError, read_plan_file

pytestmark = pytest.mark.django_db


def test_the_default_plan_configures_the_seeds_meetings(personas):
    types = {t.code: t for t in MeetingType.objects.filter(municipality=personas.town).select_related("convener")}
    shien, jusou = types["shien-kaigi"], types["jusouteki-shien-kaigi"]
    assert shien.name == "琴浦町重層的支援体制整備事業支援会議"
    assert (shien.legal_basis, shien.consent_required, shien.statutory) == (MeetingBasis.ART106_6, False, True)
    assert (jusou.legal_basis, jusou.consent_required, jusou.statutory) == (MeetingBasis.CONSENT, True, False)
    assert shien.convener.name == jusou.convener.name == "福祉あんしん課"
    assert "support_decision" in jusou.decisions and "support_decision" not in shien.decisions


def _with_meeting(tmp_path, block: str):
    text = KOTOURA_PLAN.read_text(encoding="utf-8").split("\n[[meeting_types]]")[0] + "\n"
    path = tmp_path / "plan.toml"
    path.write_text(text + block, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ('legal_basis = "本人同意"\nconsent_required = false', "consent_required = true にしてください"),
        ('legal_basis = "口約束"\nconsent_required = false', "会議の法的根拠「口約束」は不明です"),
        ('legal_basis = "法106条の6"\nconsent_required = "いいえ"', "true または false で指定してください"),
        ('legal_basis = "法106条の6"\nconsent_required = false\nmember_organizations = ["架空の機関"]',
         "構成員の機関「架空の機関」は organizations にありません"),
    ],
)  # fmt: skip
def test_a_wrong_meeting_type_is_named_in_japanese(tmp_path, block, message):
    path = _with_meeting(tmp_path, f'[[meeting_types]]\ncode = "m"\nname = "会議"\nconvener = "福祉あんしん課"\n'
                                   f'decisions = ["対応方針", "宴会"]\n{block}\n')  # fmt: skip
    with pytest.raises(PlanFileError) as error:
        read_plan_file(path)
    text = str(error.value)
    assert message in text
    assert "決定事項「宴会」は不明です" in text and "meeting_types[0]" in text


def test_a_file_without_meeting_types_still_loads():
    # Meeting types are optional: a town may configure them later.
    assert read_plan_file(KOTOURA_PLAN).meeting_types
