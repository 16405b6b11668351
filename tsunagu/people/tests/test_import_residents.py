"""住民記録の取込, from the side of the people who meet it.

The operator who runs the import sees every bad line at once and nothing half-loaded; the coordinator
of 福祉あんしん課 then finds the residents by a hiragana search; another agency does not see them; a
re-import changes exactly what changed in the register and keeps everyone's history.
"""

import csv
import io
from datetime import date
from pathlib import Path

import jaconv
import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from tsunagu.access.models import AccessGrant, Basis
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.core.models import User
from tsunagu.people.models import Gender, Household, HouseholdMember, Person, Relationship
from tsunagu.people.residents import (
    ENCODING_CP932,
    ENCODING_UTF8,
    ENCODING_UTF8_BOM,
    REGISTER_SOURCE,
    SYSTEM_USERNAME,
    ResidentImportError,
    ResidentRow,
    decode_register,
    read_register,
    relationship_of,
)
from tsunagu.people.search import PersonQuery
from tsunagu.people.selectors import person_list_for_user, person_search_for_user
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.records.models import ChangeHistory

HEADER = ["宛名番号", "世帯番号", "氏名", "カナ", "生年月日", "性別", "続柄", "住所", "異動事由", "異動日", "郵便番号",
          "電話番号"]  # fmt: skip
TOKUMAN = "鳥取県東伯郡琴浦町大字徳万591番地2"
AKASAKI = "鳥取県東伯郡琴浦町大字赤碕1140番地1"
YABASE = "鳥取県東伯郡琴浦町大字八橋170番地"

# Three register households, written the many ways a register extract writes names and dates.
ROWS = [
    ["0001000001", "0000100", "髙橋　一郎", "タカハシ　イチロウ", "昭和45年3月1日", "男", "世帯主", TOKUMAN, "転入",
     "令和2年4月1日", "689-2392", "0858-52-1111"],
    ["0001000002", "0000100", "髙橋　花子", "たかはし はなこ", "S47.5.3", "女性", "妻", TOKUMAN, "転入", "R2.4.1", "",
     ""],
    ["0001000003", "0000100", "髙橋 翔太", "ﾀｶﾊｼ ｼｮｳﾀ", "2005-08-15", "1", "長男", TOKUMAN, "出生", "2005/8/20", "",
     ""],
    ["0001000004", "0000200", "山﨑　トメ", "ヤマサキ　トメ", "1938/1/2", "2", "世帯主", AKASAKI, "", "", "6892301",
     ""],
    ["0001000005", "0000200", "佐藤　健", "サトウ　ケン", "19800420", "", "甥", AKASAKI, "世帯変更", "令和5年10月1日",
     "", ""],
    ["0001000006", "0000300", "佐藤　花子", "サトウ　ハナコ", "平成元年1月8日", "女", "世帯主", YABASE, "転居",
     "令和6年1月15日", "", "090-1234-5678"],
]  # fmt: skip

# What Tsunagu holds after loading ROWS, whatever the file's encoding.
EXPECTED_PEOPLE = [
    ("0001000001", "髙橋", "一郎", "タカハシ", "イチロウ", date(1970, 3, 1), Gender.MALE, "6892392", TOKUMAN,
     "0858-52-1111", True),
    ("0001000002", "髙橋", "花子", "タカハシ", "ハナコ", date(1972, 5, 3), Gender.FEMALE, "", TOKUMAN, "", True),
    ("0001000003", "髙橋", "翔太", "タカハシ", "ショウタ", date(2005, 8, 15), Gender.MALE, "", TOKUMAN, "", True),
    ("0001000004", "山﨑", "トメ", "ヤマサキ", "トメ", date(1938, 1, 2), Gender.FEMALE, "6892301", AKASAKI, "", True),
    ("0001000005", "佐藤", "健", "サトウ", "ケン", date(1980, 4, 20), Gender.UNSTATED, "", AKASAKI, "", True),
    ("0001000006", "佐藤", "花子", "サトウ", "ハナコ", date(1989, 1, 8), Gender.FEMALE, "", YABASE, "090-1234-5678",
     True),
]  # fmt: skip


def csv_text(rows: list[list[str]], header: list[str] = HEADER, newline: str = "\r\n") -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write(tmp_path: Path, rows: list[list[str]], encoding: str = "utf-8", name: str = "jumin.csv", **kwargs) -> Path:
    path = tmp_path / name
    path.write_bytes(csv_text(rows, **kwargs).encode(encoding))
    return path


def run(path: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "import_residents",
        str(path),
        "--organization",
        "福祉あんしん課",
        "--municipality",
        "313718",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def changed(rows: list[list[str]], number: str, **cells: str) -> list[list[str]]:
    """A copy of ``rows`` with some cells of one person's row replaced (by header name)."""
    result = [list(row) for row in rows]
    for row in result:
        if row[0] == number:
            for name, value in cells.items():
                row[HEADER.index(name)] = value
    return result


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Person, Household, HouseholdMember, AccessGrant, AuditEntry, User)
    }


def values_of(entry: AuditEntry) -> dict:
    """The values of a change: the audit entry names the fields, its change history holds the values."""
    return ChangeHistory.objects.get(audit_entry_id=entry.pk).changes


def people() -> list[tuple]:
    return sorted(
        Person.objects.filter(municipality__code="313718").values_list(
            "resident_number", "family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date",
            "gender", "postal_code", "address", "phone", "is_registered_resident",
        )
    )  # fmt: skip


def person(number: str) -> Person:
    return Person.objects.get(resident_number=number)


def membership(number: str) -> HouseholdMember:
    return HouseholdMember.objects.select_related("household").get(person__resident_number=number)


# ---- encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "newline", "label"),
    [
        pytest.param("utf-8", "\r\n", ENCODING_UTF8, id="UTF-8・CRLF"),
        pytest.param("utf-8-sig", "\r\n", ENCODING_UTF8_BOM, id="UTF-8（BOM付き）・CRLF"),
        pytest.param("cp932", "\r\n", ENCODING_CP932, id="cp932・CRLF"),
        pytest.param("cp932", "\n", ENCODING_CP932, id="cp932・LF"),
    ],
)
def test_every_encoding_loads_the_same_people(kotoura, tmp_path, encoding, newline, label):
    output = run(write(tmp_path, ROWS, encoding=encoding, newline=newline))

    assert f"文字コード {label}" in output
    assert "新規: 6件" in output
    assert people() == EXPECTED_PEOPLE  # 髙 and 﨑 survive cp932 too


def test_the_parsed_rows_do_not_depend_on_the_encoding():
    text = csv_text(ROWS)
    parsed = {encoding: read_register(text.encode(encoding)) for encoding in ("utf-8", "utf-8-sig", "cp932")}

    assert parsed["utf-8"].rows == parsed["utf-8-sig"].rows == parsed["cp932"].rows
    assert [p.encoding for p in parsed.values()] == [ENCODING_UTF8, ENCODING_UTF8_BOM, ENCODING_CP932]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(csv_text(ROWS).encode("utf-16"), "UTF-16 で保存されています", id="UTF-16"),
        pytest.param(
            # 髙 in UTF-8, then a byte that is neither: the message says where, under each reading.
            "髙\n".encode() + b"\x81\x20",
            "文字コードを判別できません（UTF-8 としては2行目、Shift_JIS（cp932）としては1行目に読めない文字",
            id="どちらでもない",
        ),
        pytest.param(b"a\x00,b\n", "NUL 文字", id="NUL"),
        pytest.param(b"", "ファイルが空です", id="空"),
    ],
)
def test_a_file_that_is_not_readable_text_is_refused_clearly(kotoura, tmp_path, data, message):
    path = tmp_path / "jumin.csv"
    path.write_bytes(data)

    with pytest.raises(CommandError, match=message):
        run(path)


# ---- all or nothing ------------------------------------------------------------------------------


def test_a_file_with_bad_rows_lists_every_one_and_loads_nothing(kotoura, tmp_path):
    good = ["0002000001", "0000900", "琴浦　花子", "コトウラ　ハナコ", "昭和19年5月3日", "女", "世帯主", TOKUMAN,
            "", "", "", ""]  # fmt: skip
    lines = [
        csv_text([good]).rstrip("\r\n"),  # 行1 header, 行2 a good 世帯主
        "0002000002,0000900,琴浦　太郎,コトウラ　タロウ,平成32年5月1日,男,夫,琴浦町,,,,",  # 行3
        "0002000003,0000900,琴浦　一郎,コトウラ　イチロウ,昭和55年2月30日,男,長男,琴浦町,,,,",  # 行4
        "0002000004,0000901,佐藤　花子,佐藤　花子,1990-01-01,女,世帯主,琴浦町,,,,",  # 行5
        "",  # 行6: a blank line is skipped, and still counted
        ",0000901,佐藤　一郎,サトウ　イチロウ,1960-01-01,男,夫,琴浦町,,,,",  # 行7
        "0002000001,0000902,田中　一郎,タナカ　イチロウ,1960-01-01,男,世帯主,琴浦町,,,,",  # 行8
        "0002000005,0000902,田中　花子,タナカ　ハナコ,1961-01-01,不明,妻,琴浦町,,,,",  # 行9
        "0002000006,0000900,琴浦　次郎,コトウラ　ジロウ,1970-01-01,男,世帯主,琴浦町,転入,令和2年1月1日,,",  # 行10
        '0002000007,0000903,山田　花子,ヤマダ　ハナコ,1970-01-01,女,世帯主,"琴浦町\n大字徳万",,,,',  # 行11–12
        "0002000008,0000903,山田　太郎,ヤマダ　タロウ,1970-01-01,男,ペット,琴浦町,,,,",  # 行13
        "0002000009,0000904,山田　次郎,ヤマダ　ジロウ,1970-01-01,男,世帯主,琴浦町,転出,令和99年1月1日,,",  # 行14
        "0002000010,0000904,山田　三郎,ヤマダ　サブロウ,1970-01-01,男,子,琴浦町,引越し,,,",  # 行15
        "0002000011,0000900,琴浦　三郎,コトウラ,1970-01-01,男,子,琴浦町,,,,",  # 行16
    ]
    path = tmp_path / "jumin.csv"
    path.write_bytes("\r\n".join(lines).encode("cp932"))
    before = counts()

    with pytest.raises(CommandError) as raised:
        run(path)

    reported = str(raised.value).splitlines()
    assert reported[0] == "住民記録を取り込めません（12件の誤り。何も取り込んでいません）:"
    assert reported[1:] == [
        "行3: 生年月日「平成32年5月1日」: 平成は31年4月30日までです（2020年5月1日は令和2年5月1日です）",
        "行4: 生年月日「昭和55年2月30日」: 2月30日は存在しません",
        "行5: カナ「佐藤　花子」はカタカナで入力してください",
        "行7: 宛名番号が空です",
        "行8: 宛名番号 0002000001 がこのファイル内で重複しています（行2）",
        "行9: 性別「不明」は 男・女・男性・女性・1・2 のいずれか、または空欄にしてください",
        "行10: 続柄「世帯主」が同じ世帯番号 0000900 に二人います（行2）",
        "行11: 住所に改行や制御文字が含まれています",
        "行13: 続柄「ペット」を読み取れません（例: 世帯主・妻・子・長男・父・孫・同居人）",
        "行14: 異動日「令和99年1月1日」は未来の日付です",
        "行15: 異動事由「引越し」は取り扱えません（住民として取込: 転入・出生・転居・世帯変更 など、"
        "住民登録なしに変更: 転出・国外転出・死亡・失踪宣告・職権消除）",
        "行16: カナ「コトウラ」に名の読みがありません（氏名「琴浦　三郎」は氏と名に分かれています）",
    ]
    assert counts() == before


def test_a_missing_column_is_reported_on_the_header_line(kotoura, tmp_path):
    header = [name for name in HEADER if name != "生年月日"]
    rows = [[cell for index, cell in enumerate(row) if HEADER[index] != "生年月日"] for row in ROWS]

    with pytest.raises(CommandError, match="行1: 必要な列がありません: 生年月日"):
        run(write(tmp_path, rows, header=header))
    assert Person.objects.count() == 0


def test_an_unknown_organisation_is_refused(kotoura, tmp_path):
    out = io.StringIO()
    with pytest.raises(CommandError, match="機関「存在しない課」は琴浦町の機関にありません"):
        call_command("import_residents", str(write(tmp_path, ROWS)), "--organization", "存在しない課", stdout=out)


def test_dry_run_counts_and_writes_nothing(kotoura, tmp_path):
    before = counts()

    output = run(write(tmp_path, ROWS), "--dry-run")

    assert "新規: 6件" in output
    assert "世帯: 新規3件・変更0件" in output
    assert "何も書き込んでいません" in output
    # Nothing is written but the audit entry of what the dry run told: which people it matched (none yet).
    assert counts() == before | {"AuditEntry": before["AuditEntry"] + 1}
    told = AuditEntry.objects.latest("id")
    assert (told.action, told.records, told.changes) == (Action.SEARCH, {"person": []}, {})
    assert not User.objects.filter(username=SYSTEM_USERNAME).exists()


# ---- what is loaded ------------------------------------------------------------------------------


def test_households_are_built_with_their_head_and_relationships(kotoura, tmp_path):
    output = run(write(tmp_path, ROWS))

    assert "世帯: 新規3件・変更0件" in output
    takahashi = Household.objects.get(resident_household_number="0000100")
    assert (takahashi.address, takahashi.postal_code) == (TOKUMAN, "6892392")
    members = takahashi.members.order_by("order")
    assert list(members.values_list("person__given_name", "relationship", "relationship_note")) == [
        ("一郎", Relationship.HEAD, ""),
        ("花子", Relationship.SPOUSE, "妻"),
        ("翔太", Relationship.CHILD, "長男"),
    ]
    yamasaki = Household.objects.get(resident_household_number="0000200")
    assert list(yamasaki.members.values_list("person__family_name", "relationship", "relationship_note")) == [
        ("山﨑", Relationship.HEAD, ""),
        ("佐藤", Relationship.OTHER_RELATIVE, "甥"),
    ]
    assert all(m.lives_together for m in HouseholdMember.objects.all())


def test_new_people_belong_to_the_organisation_through_the_system_user(kotoura, tmp_path):
    run(write(tmp_path, ROWS))

    system = User.objects.get(username=SYSTEM_USERNAME)
    assert (system.is_active, system.has_usable_password(), system.display_name) == (False, False, "住民記録取込")
    imported = person("0001000001")
    assert (imported.registered_by.name, imported.created_by, imported.is_registered_resident) == (
        "福祉あんしん課",
        system,
        True,
    )
    assert (imported.kana_key, imported.family_kana_key, imported.phone_key) == (
        "タカハシイチロウ",
        "タカハシ",
        "0858521111",
    )
    grants = AccessGrant.objects.filter(person=imported)
    assert [(g.organization.name, g.basis, g.source, g.granted_by) for g in grants] == [
        ("福祉あんしん課", Basis.OWN_RECORD, REGISTER_SOURCE, system)
    ]
    entry = AuditEntry.objects.get(action=Action.CREATE, person_id=imported.pk)
    assert entry.user == system
    assert "address" in entry.changes["fields"] and TOKUMAN not in str(entry.changes)
    assert values_of(entry)["address"] == [None, TOKUMAN]
    assert values_of(entry)["household"] == [None, "0000100"]
    assert entry.summary.startswith("住民記録取込で本人を登録") and "髙橋" not in entry.summary
    summary = AuditEntry.objects.filter(action=Action.CREATE, person_id=None).latest("id")
    assert summary.summary == "住民記録取込: 新規6件・更新0件・変更なし0件"
    assert summary.changes["file"] == "jumin.csv"


def test_the_coordinator_finds_imported_people_and_another_agency_does_not_see_them(personas, tmp_path):
    run(write(tmp_path, ROWS))

    found = person_search_for_user(user=personas.coordinator, query=PersonQuery(name="さとう"))
    assert sorted(p.full_name for p in found) == ["佐藤　健", "佐藤　花子"]
    found = person_search_for_user(user=personas.coordinator, query=PersonQuery(name="たかはし はなこ"))
    assert [p.resident_number for p in found] == ["0001000002"]
    imported = Person.objects.filter(resident_number__startswith="00010000")
    assert not person_list_for_user(user=personas.caseworker_b).filter(pk__in=imported).exists()
    assert not person_search_for_user(user=personas.caseworker_b, query=PersonQuery(name="さとう")).exists()
    assert not person_list_for_user(user=personas.caseworker_a).filter(pk__in=imported).exists()


# ---- re-import -----------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(kotoura, tmp_path):
    path = write(tmp_path, ROWS)
    run(path)
    before = counts()
    stamps = dict(Person.objects.values_list("pk", "updated_at"))

    output = run(path)

    assert "新規: 0件" in output
    assert "更新: 0件" in output
    assert "変更なし: 6件" in output
    assert "世帯: 新規0件・変更0件" in output
    assert counts() == {**before, "AuditEntry": before["AuditEntry"] + 1}  # the summary entry only
    assert dict(Person.objects.values_list("pk", "updated_at")) == stamps
    assert AuditEntry.objects.latest("id").summary == "住民記録取込: 新規0件・更新0件・変更なし6件"


def test_reimport_updates_a_new_address_and_a_departure_only(kotoura, tmp_path):
    run(write(tmp_path, ROWS))
    before = counts()
    new_address = "鳥取県東伯郡琴浦町大字八橋200番地"
    rows = changed(ROWS, "0001000006", 住所=new_address, 異動事由="転居", 異動日="令和7年4月1日")
    rows = changed(rows, "0001000005", 異動事由="転出", 異動日="令和7年5月1日")

    output = run(write(tmp_path, rows, name="jumin2.csv"))

    assert "更新: 2件" in output
    assert "変更なし: 4件" in output
    assert "転出・死亡により住民登録なしに変更: 1件" in output
    assert "世帯: 新規0件・変更2件" in output
    # Nobody is deleted and no grant or household is added: three UPDATE entries (two people, one
    # household's address) and the summary.
    assert counts() == {**before, "AuditEntry": before["AuditEntry"] + 4}
    assert person("0001000006").address == new_address
    departed = person("0001000005")
    assert departed.is_registered_resident is False
    assert (membership("0001000005").household.resident_household_number, membership("0001000005").lives_together) == (
        "0000200",
        False,
    )
    moved = AuditEntry.objects.get(action=Action.UPDATE, person_id=person("0001000006").pk)
    assert moved.changes == {"fields": ["address"]}
    assert values_of(moved) == {"address": [YABASE, new_address]}
    assert moved.summary.startswith("住民記録取込で本人の記録を変更（転居 2025-04-01）")
    left = AuditEntry.objects.get(action=Action.UPDATE, person_id=departed.pk)
    assert values_of(left) == {"is_registered_resident": [True, False], "lives_together": [True, False]}
    assert Household.objects.get(resident_household_number="0000300").address == new_address


def test_a_person_who_moves_to_another_register_household_is_moved(kotoura, tmp_path):
    run(write(tmp_path, ROWS))
    rows = changed(ROWS, "0001000005", 世帯番号="0000300", 続柄="同居人", 異動事由="世帯変更", 異動日="令和7年6月1日")

    output = run(write(tmp_path, rows, name="jumin2.csv"))

    assert "更新: 1件" in output
    moved = membership("0001000005")
    assert (moved.household.resident_household_number, moved.relationship, moved.relationship_note) == (
        "0000300",
        Relationship.UNRELATED,
        "同居人",
    )
    entry = AuditEntry.objects.get(action=Action.UPDATE, person_id=person("0001000005").pk)
    assert entry.changes == {"fields": ["household", "relationship", "relationship_note"]}
    assert values_of(entry) == {
        "household": ["0000200", "0000300"],
        "relationship": [Relationship.OTHER_RELATIVE, Relationship.UNRELATED],
        "relationship_note": ["甥", "同居人"],
    }
    assert not HouseholdMember.objects.filter(
        household__resident_household_number="0000200", person=moved.person
    ).exists()


def test_a_household_the_caseworkers_built_keeps_its_members(kotoura, personas, tmp_path):
    run(write(tmp_path, ROWS))
    sato = person("0001000005")
    supported = household_of(personas.coordinator, (sato, Relationship.HEAD))  # no 世帯番号: not the register's
    rows = changed(ROWS, "0001000005", 世帯番号="0000300", 続柄="同居人")

    run(write(tmp_path, rows, name="jumin2.csv"))

    assert HouseholdMember.objects.filter(household=supported, person=sato).exists()
    assert set(sato.household_memberships.values_list("household__resident_household_number", flat=True)) == {
        "",
        "0000300",
    }


def test_a_head_who_died_and_the_new_head_are_loaded_together(kotoura, tmp_path):
    run(write(tmp_path, ROWS))
    rows = changed(ROWS, "0001000001", 異動事由="死亡", 異動日="令和7年1月5日")
    rows = changed(rows, "0001000002", 続柄="世帯主", 異動事由="世帯主変更", 異動日="令和7年1月5日")

    run(write(tmp_path, rows, name="jumin2.csv"))

    head, widow = membership("0001000001"), membership("0001000002")
    assert (head.relationship, head.lives_together, person("0001000001").is_registered_resident) == (
        Relationship.HEAD,
        False,
        False,
    )
    assert (widow.relationship, widow.relationship_note, widow.lives_together) == (Relationship.HEAD, "", True)


def test_a_second_head_against_the_database_is_refused(kotoura, tmp_path):
    run(write(tmp_path, ROWS))
    before = counts()
    newcomer = ["0001000009", "0000100", "髙橋　次郎", "タカハシ　ジロウ", "1975-01-01", "男", "世帯主", TOKUMAN,
                "転入", "令和7年1月1日", "", ""]  # fmt: skip

    with pytest.raises(CommandError, match=r"行2: 世帯番号 0000100 にはすでに世帯主（宛名番号 0001000001）がいます"):
        run(write(tmp_path, [newcomer], name="jumin2.csv"))
    assert counts() == before


def test_a_departure_of_someone_unknown_is_not_loaded(kotoura, tmp_path):
    gone = ["0001000099", "0000999", "鳥取　一郎", "トットリ　イチロウ", "1950-01-01", "男", "世帯主", "", "死亡",
            "令和6年1月1日", "", ""]  # fmt: skip

    output = run(write(tmp_path, [*ROWS, gone]))

    assert "新規: 6件" in output
    assert "取り込まなかった行（記録のない方の転出・死亡）: 1件" in output
    assert not Person.objects.filter(resident_number="0001000099").exists()
    assert not Household.objects.filter(resident_household_number="0000999").exists()


def test_a_record_another_agency_holds_is_updated_without_widening_access(kotoura, personas, tmp_path):
    held = register(personas.caseworker_a, resident_number="0001000006", gender=Gender.OTHER, gender_note="本人の言葉")

    output = run(write(tmp_path, ROWS))

    assert "新規: 5件" in output
    assert "更新: 1件" in output
    held.refresh_from_db()
    assert (held.family_name, held.given_name, held.address, held.is_registered_resident) == (
        "佐藤",
        "花子",
        YABASE,
        True,
    )
    # The register's 性別 does not replace what the person told the caseworker, and the phone stays.
    assert (held.gender, held.gender_note, held.phone) == (Gender.OTHER, "本人の言葉", "0858-52-1111")
    assert "性別は記録済みの値のままにしました（住民記録では「女性」）" in output and "その他" not in output
    assert list(held.access_grants.values_list("organization__name", flat=True)) == ["琴浦町地域包括支援センター"]
    assert not person_list_for_user(user=personas.coordinator).filter(pk=held.pk).exists()


def test_a_household_with_a_protected_address_gets_no_address(kotoura, personas, tmp_path):
    # 山﨑 トメ is known to 地域包括 with a protected (DV) address; the household page is shown to anyone
    # who may see any member, so the register household must not carry the address.
    register(personas.caseworker_a, resident_number="0001000004", address_protected=True, care_notes="DV等支援措置")

    output = run(write(tmp_path, ROWS))

    household = Household.objects.get(resident_household_number="0000200")
    assert (household.address, household.postal_code) == ("", "")
    assert "世帯番号 0000200: 住所非開示の方がいるため、世帯の住所は登録していません。" in output
    assert person("0001000004").address_protected is True
    assert Household.objects.get(resident_household_number="0000100").address == TOKUMAN


# ---- 続柄 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "relationship", "note"),
    [
        ("世帯主", Relationship.HEAD, ""),
        ("妻", Relationship.SPOUSE, "妻"),
        ("夫（未届）", Relationship.SPOUSE, "夫(未届)"),
        ("子", Relationship.CHILD, ""),
        ("長男", Relationship.CHILD, "長男"),
        ("次女", Relationship.CHILD, "次女"),
        ("二男", Relationship.CHILD, "二男"),
        ("三女", Relationship.CHILD, "三女"),
        ("子の妻", Relationship.CHILD_SPOUSE, "子の妻"),
        ("長男の妻", Relationship.CHILD_SPOUSE, "長男の妻"),
        ("母", Relationship.PARENT, "母"),
        ("妻の父", Relationship.SPOUSE_PARENT, "妻の父"),
        ("夫の母", Relationship.SPOUSE_PARENT, "夫の母"),
        ("孫", Relationship.GRANDCHILD, ""),
        ("子の子", Relationship.GRANDCHILD, "子の子"),
        ("祖母", Relationship.GRANDPARENT, "祖母"),
        ("弟", Relationship.SIBLING, "弟"),
        ("同居人", Relationship.UNRELATED, "同居人"),
        ("縁故者", Relationship.UNRELATED, "縁故者"),
        ("同居人の子", Relationship.UNRELATED, "同居人の子"),
        ("甥", Relationship.OTHER_RELATIVE, "甥"),
        ("姪", Relationship.OTHER_RELATIVE, "姪"),
        ("おじ", Relationship.OTHER_RELATIVE, "おじ"),
        ("おば", Relationship.OTHER_RELATIVE, "おば"),
        ("叔母", Relationship.OTHER_RELATIVE, "叔母"),
        ("兄の妻", Relationship.OTHER_RELATIVE, "兄の妻"),
        (" 妻 ", Relationship.SPOUSE, "妻"),
    ],
)
def test_register_relationship_words(word, relationship, note):
    assert relationship_of(word) == (relationship, note)


@pytest.mark.parametrize("word", ["", "ペット", "知人", "世帯主?"])
def test_words_that_are_not_a_relationship(word):
    assert relationship_of(word) is None


# ---- properties ----------------------------------------------------------------------------------

TODAY = date(2024, 12, 31)
KATAKANA = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
    "ガギグゲゴザジズゼゾダデドバビブベボパピプペポ"
)
KANJI = "佐藤髙橋山﨑田中一郎花子太琴浦"
ADDRESS_CHARS = "鳥取県東伯郡琴浦町大字徳万赤碕0123456789-番地,\"'　"
# (word in the file, Relationship, note) — the head's word is handled apart: one per household.
MEMBER_WORDS = [("妻", "spouse", "妻"), ("子", "child", ""), ("長男", "child", "長男"), ("甥", "other_relative", "甥"),
                ("孫", "grandchild", ""), ("同居人", "unrelated", "同居人"),
                ("妻の母", "spouse_parent", "妻の母")]  # fmt: skip
GENDERS = [("男", "male"), ("男性", "male"), ("1", "male"), ("女", "female"), ("女性", "female"), ("2", "female"),
           ("", "unstated")]  # fmt: skip


def rendered_date(style: str, value: date) -> str:
    return {
        "iso": value.isoformat(),
        "slash": f"{value.year}/{value.month}/{value.day}",
        "compact": value.strftime("%Y%m%d"),
        "wareki": to_wareki(value),
        "short": to_wareki(value, style="short"),
    }[style]


date_styles = st.sampled_from(["iso", "slash", "compact", "wareki", "short"])


@st.composite
def register_files(draw) -> tuple[list[list[str]], list[ResidentRow]]:
    """Rows as a register writes them, and the values they must be read back as."""
    count = draw(st.integers(min_value=1, max_value=8))
    numbers = draw(
        st.lists(st.text("0123456789", min_size=1, max_size=20), min_size=count, max_size=count, unique=True)
    )
    heads: set[str] = set()
    cells, expected = [], []
    for index, number in enumerate(numbers):
        household = draw(st.sampled_from(["0000001", "0000002", "A0003"]))
        movement = draw(st.sampled_from(["", "転入", "出生", "転居", "世帯変更", "転出", "死亡"]))
        departed = movement in ("転出", "死亡")
        if draw(st.booleans()) and (departed or household not in heads):
            word, relationship, note = "世帯主", "head", ""
            if not departed:
                heads.add(household)
        else:
            word, relationship, note = draw(st.sampled_from(MEMBER_WORDS))
        family, given = draw(st.text(KANJI, min_size=1, max_size=5)), draw(st.text(KANJI, max_size=5))
        family_kana = draw(st.text(KATAKANA, min_size=1, max_size=8))
        given_kana = draw(st.text(KATAKANA, min_size=1, max_size=8)) if given else ""
        birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
        moved = draw(st.none() | st.dates(min_value=birth, max_value=TODAY))
        gender_word, gender = draw(st.sampled_from(GENDERS))
        address = draw(st.text(ADDRESS_CHARS, min_size=0 if departed else 1, max_size=30).map(str.strip))
        if not departed and not address:
            address = "琴浦町"
        postal = draw(st.sampled_from(["", "6892392", "6892301"]))
        phone = draw(st.sampled_from(["", "0858-52-1111", "09012345678"]))
        separator = draw(st.sampled_from([" ", "　"]))
        kana_text = f"{family_kana}{separator}{given_kana}" if given else family_kana
        cells.append([
            number, household, f"{family}{separator}{given}" if given else family,
            jaconv.kata2hira(kana_text) if draw(st.booleans()) else kana_text,
            rendered_date(draw(date_styles), birth), gender_word, word, address, movement,
            rendered_date(draw(date_styles), moved) if moved else "",
            f"{postal[:3]}-{postal[3:]}" if postal and draw(st.booleans()) else postal, phone,
        ])  # fmt: skip
        expected.append(
            ResidentRow(
                line=index + 2, resident_number=number, household_number=household, family_name=family,
                given_name=given, family_name_kana=family_kana, given_name_kana=given_kana, birth_date=birth,
                gender=gender, relationship=relationship, relationship_note=note, address=address, movement=movement,
                movement_date=moved, postal_code=postal, phone=phone,
            )
        )  # fmt: skip
    return cells, expected


@settings(max_examples=200, deadline=None)
@given(register_files(), st.sampled_from(["utf-8", "utf-8-sig", "cp932"]), st.sampled_from(["\r\n", "\n"]))
def test_rows_written_as_csv_read_back_as_the_same_values(file, encoding, newline):
    cells, expected = file

    register_file = read_register(csv_text(cells, newline=newline).encode(encoding), today=TODAY)

    assert list(register_file.rows) == expected


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=200).map(lambda text: text.encode("utf-8")))
def test_decoding_raises_nothing_but_the_import_error(data):
    try:
        text, encoding = decode_register(data)
    except ResidentImportError as exc:
        assert exc.problems
    else:
        assert encoding in (ENCODING_UTF8, ENCODING_UTF8_BOM, ENCODING_CP932)
        assert "\x00" not in text


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=400)
    | st.lists(st.text(max_size=12), min_size=0, max_size=14).map(
        lambda cells: (",".join(HEADER) + "\r\n" + ",".join(cells)).encode("utf-8")
    )
)
def test_reading_any_bytes_raises_nothing_but_the_import_error(data):
    try:
        read_register(data, today=TODAY)
    except ResidentImportError as exc:
        assert all(problem for problem in exc.problems)
