"""The district map drawn by the system (inline SVG, no tiles) and the 民生委員 district, both from the town's
configuration (``DistrictSetting``, ``CommissionerDistrict``): the right counts per district and stage, cells
where configured, the text alternative, the filter by 民生委員 district, and nothing for a reader outside."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.core.models import District, Organization
from tsunagu.outreach import districts
from tsunagu.outreach.models import CommissionerDistrict, DistrictSetting, Result
from tsunagu.outreach.tests.factories import contact, information, open_target, runs_outreach, worker_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(personas):
    organization = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    runs_outreach(organization)
    return worker_at(organization, "anshin_outreach")


@pytest.fixture
def town(personas):
    """Four 地区 in two 民生委員 districts, drawn as a 2×2 map (the last one left to be placed by the system)."""
    made = [District.objects.get_or_create(municipality=personas.town, name=name, defaults={"order": n})[0]
            for n, name in enumerate(["東伯第1地区", "東伯第2地区", "赤碕第1地区", "赤碕第2地区"], start=1)]  # fmt: skip
    tohaku = CommissionerDistrict.objects.create(municipality=personas.town, name="東伯地区民児協", order=1)
    akasaki = CommissionerDistrict.objects.create(municipality=personas.town, name="赤碕地区民児協", order=2)
    DistrictSetting.objects.create(district=made[0], commissioner_district=tohaku, map_column=2, map_row=1)
    DistrictSetting.objects.create(district=made[1], commissioner_district=tohaku, map_column=1, map_row=1)
    DistrictSetting.objects.create(district=made[2], commissioner_district=akasaki, map_column=1, map_row=2)
    return made, tohaku, akasaki


def _target(worker, district, *results):
    target = open_target(worker, [information(worker, district=district)])
    for result in results:
        contact(worker, target, result)
    return target


def test_the_map_counts_open_targets_by_district_and_stage(worker, town):
    (t1, _t2, a1, _a2), tohaku, akasaki = town
    _target(worker, t1)
    _target(worker, t1, Result.ABSENT)
    _target(worker, a1, Result.MET)
    _target(worker, None)
    drawn = districts.district_map_for_user(user=worker)
    cells = {c.district.name: c for c in drawn.cells}
    assert (cells["東伯第1地区"].total, cells["東伯第1地区"].counts) == (2, [("未接触", 1), ("接触試行", 1)])
    assert cells["赤碕第1地区"].counts == [("接触できた", 1)] and cells["赤碕第2地区"].total == 0
    # Configured cells where the town put them; the unconfigured district in the first free cell.
    assert (cells["東伯第2地区"].x, cells["東伯第2地区"].y) == (10, 10)
    assert (cells["東伯第1地区"].x, cells["東伯第1地区"].y) == (190, 10)
    assert (cells["赤碕第1地区"].x, cells["赤碕第1地区"].y) == (10, 116)
    assert (cells["赤碕第2地区"].x, cells["赤碕第2地区"].y) == (190, 116)
    assert cells["東伯第1地区"].commissioner_district == tohaku and cells["赤碕第2地区"].commissioner_district is None
    assert drawn.unplaced_total == 1 and drawn.commissioner_totals == [(tohaku, 2), (akasaki, 1)]
    assert cells["東伯第1地区"].label == "東伯第1地区: 対象 2（未接触 1、接触試行 1）"


def test_without_configuration_the_districts_are_placed_four_to_a_row(worker, personas):
    for n in range(6):
        District.objects.create(municipality=personas.town, name=f"地区{n}", order=n)
    drawn = districts.district_map_for_user(user=worker)
    assert [(c.x, c.y) for c in drawn.cells][4:] == [(10, 116), (190, 116)]
    assert drawn.width == 2 * 10 + 4 * 170 + 3 * 10 and not drawn.has_commissioner_districts


def test_the_list_page_draws_the_map_and_filters_by_commissioner_district(client, worker, town, personas):
    (_t1, t2, a1, _a2), _tohaku, akasaki = town
    in_tohaku = _target(worker, t2)
    in_akasaki = _target(worker, a1)
    client.force_login(worker)
    page = client.get(reverse("outreach:target-list")).content.decode()
    svg = page.split('<svg id="district-map"')[1].split("</svg>")[0]
    assert 'role="img"' in svg and 'aria-labelledby="district-map-title district-map-desc"' in svg
    assert "東伯第2地区: 対象 1（未接触 1）" in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert f'data-district="{t2.pk}" data-total="1"' in svg
    row = page.split(f'data-target="{in_tohaku.pk}"')[1].split("</tr>")[0]
    assert "民生委員: 東伯地区民児協" in row
    assert 'id="commissioner-table"' in page and "赤碕地区民児協" in page
    filtered = client.get(reverse("outreach:target-list"), {"commissioner": akasaki.pk}).content.decode()
    assert f'data-target="{in_akasaki.pk}"' in filtered and f'data-target="{in_tohaku.pk}"' not in filtered
    # Someone outside outreach: an empty map (no counts of targets they may not read).
    client.force_login(personas.caseworker_b)
    other = client.get(reverse("outreach:target-list")).content.decode()
    assert 'data-total="1"' not in other and "まだありません。" in other


def test_the_map_keeps_its_query_count_as_targets_and_districts_fill(client, worker, town):
    (t1, t2, a1, a2), _tohaku, _akasaki = town
    client.force_login(worker)
    _target(worker, t1)
    client.get(reverse("outreach:target-list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("outreach:target-list"))
    for district in (t1, t2, a1, a2, None) * 3:
        _target(worker, district, Result.ABSENT)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("outreach:target-list")).content.decode()
    assert page.count('class="district-cell"') == 4 and page.count("data-target=") == 16
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_configuration_is_loaded_from_the_towns_file(personas, tmp_path):
    from django.core.management import CommandError, call_command

    from tsunagu.audit.models import AuditEntry

    for n, name in enumerate(["東伯第1地区", "東伯第2地区", "赤碕第1地区"], start=1):
        District.objects.create(municipality=personas.town, name=name, order=n)
    good = tmp_path / "districts.toml"
    good.write_text(
        'municipality = "313718"\n'
        '[[commissioner_districts]]\nname = "東伯地区民児協"\ndistricts = ["東伯第1地区", "東伯第2地区"]\n'
        '[[commissioner_districts]]\nname = "赤碕地区民児協"\ndistricts = ["赤碕第1地区"]\n'
        '[map]\nrows = [["東伯第1地区", "東伯第2地区"], ["", "赤碕第1地区"]]\n',
        encoding="utf-8",
    )
    call_command("outreach_districts", str(good))
    settings = {s.district.name: s for s in DistrictSetting.objects.select_related("district", "commissioner_district")}
    commissioner = settings["赤碕第1地区"].commissioner_district
    assert commissioner is not None and commissioner.name == "赤碕地区民児協"
    assert (settings["赤碕第1地区"].map_column, settings["赤碕第1地区"].map_row) == (2, 2)
    assert AuditEntry.objects.filter(summary__startswith="民生委員の地区・地区の地図を読み込み").count() == 1

    bad = tmp_path / "bad.toml"
    bad.write_text(
        'municipality = "313718"\n'
        '[[commissioner_districts]]\nname = "東伯地区民児協"\ndistricts = ["東伯第1地区", "浦安地区"]\n'
        '[[commissioner_districts]]\nname = "別の民児協"\ndistricts = ["東伯第1地区"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as refused:
        call_command("outreach_districts", str(bad))
    message = str(refused.value)
    assert "地区「浦安地区」は登録されていません" in message and "「東伯地区民児協」と「別の民児協」の両方" in message
    assert CommissionerDistrict.objects.count() == 2 and DistrictSetting.objects.count() == 3  # unchanged


def test_the_api_counts_by_district_with_the_commissioner_district_and_shows_others_nothing(client, worker, town,
                                                                                           personas):  # fmt: skip
    from tsunagu.api.tests.test_people_api import auth, token_for

    (t1, _t2, a1, _a2), _tohaku, _akasaki = town
    _target(worker, t1)
    _target(worker, t1, Result.ABSENT)
    target = _target(worker, a1, Result.MET)
    _target(worker, None)
    url = reverse("api:outreach-district-counts")
    rows = client.get(url, **auth(token_for(worker))).json()
    by_name = {(row["district"] or {}).get("name"): row for row in rows}
    assert by_name["東伯第1地区"]["counts"] == [
        {"stage": "uncontacted", "count": 1},
        {"stage": "attempting", "count": 1},
    ]
    assert (by_name["東伯第1地区"]["total"], by_name["東伯第1地区"]["commissioner_district"]) == (2, "東伯地区民児協")
    assert (by_name["赤碕第1地区"]["total"], by_name[None]["total"]) == (1, 1)
    assert [row["district"]["name"] for row in rows if row["district"]][:2] == ["東伯第1地区", "赤碕第1地区"]
    detail = client.get(reverse("api:outreach-target-detail", args=[target.pk]), **auth(token_for(worker))).json()
    assert (detail["meeting_source"], detail["collaboration_case_id"]) == ("", None)
    # Another agency's caseworker counts only what it may read (nothing here); another town's, the same.
    assert client.get(url, **auth(token_for(personas.caseworker_b))).json() == []
    assert client.get(url, **auth(token_for(personas.stranger))).json() == []
