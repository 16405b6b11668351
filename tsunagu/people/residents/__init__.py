"""住民記録の取込: loading an extract of the resident register (住民基本台帳) into Tsunagu.

``python manage.py import_residents FILE.csv --organization 福祉あんしん課 [--municipality CODE] [--dry-run]``

File format
-----------
A CSV file with a header row; columns may come in any order, and extra columns are ignored (and named
in the output, so that a misspelt optional column is noticed). Header names are compared after NFKC
and with spaces removed, so ``氏　名`` and ``ﾌﾘｶﾞﾅ`` are understood.

=========== ======== ==========================================================================
column      required meaning
=========== ======== ==========================================================================
宛名番号    yes      the person's number in the municipal systems (half-width letters and
                     digits, up to 20; leading zeros are kept: 0001234567 is not 1234567)
世帯番号    yes      the register household's number (same form)
氏名        yes      ``氏　名``: split at the first run of spaces (full- or half-width); no space
                     means the name is all 氏. Kanji are stored as written (髙, 﨑 stay)
カナ        yes      the reading, split like 氏名 (also headed フリガナ or カナ氏名); hiragana and
                     half-width kana are accepted and stored as full-width katakana
生年月日    yes      和暦 or 西暦, as ``tsunagu.core.japanese.wareki.parse_date`` reads them
性別        yes      男・男性・1 → male, 女・女性・2 → female, blank → unknown
続柄        yes      the register's word (世帯主, 妻, 長男, 子の妻, 妻の父, 孫, 甥 …), see
                     ``relationship_of``
住所        yes      the address; may be blank only on a 転出/死亡 row
異動事由    yes      the last movement (転入, 出生, 転居, 世帯変更 …, 転出, 死亡 …); blank = none
異動日      yes      its date (may be blank)
郵便番号    no       7 digits, with or without the hyphen
電話番号    no       10 or 11 digits from the area code
=========== ======== ==========================================================================

The file is UTF-8 (with or without BOM) or Shift_JIS. Shift_JIS is read as cp932, Microsoft's
variant that municipal systems actually write: it has the NEC and IBM extensions where 髙 and 﨑
live, which plain Shift_JIS lacks. Detection is strict UTF-8 first (a Japanese cp932 text is almost
never valid UTF-8), then cp932; bytes that are neither are refused with a clear message. CRLF, LF
and quoted fields are all fine. 外字 (characters a municipal system maps to the private use area)
and control characters are refused: they would be stored as characters no screen can show and no
search can find; the register system can export them as standard characters.

All or nothing
--------------
Every row is validated before anything is written, and a file with any bad row loads nothing: each
problem is listed as ``行N: 理由`` (N is the line in the file, the header being 行1) so that the
whole file can be corrected at once. A partial import would leave households half-built (a 世帯主
loaded, the spouse refused), and the next import could not tell which rows had been loaded. A
register extract is cheap to regenerate; a half-loaded one is hard to repair. The writing itself
is one transaction: if anything fails there, nothing remains either. ``--dry-run`` does all the
checking and counting but writes nothing.

Matching and re-import
----------------------
People are matched by (municipality, 宛名番号) among records not merged into another (名寄せ). A
re-import updates instead of duplicating: changed fields are written, unchanged rows are not
touched at all (no write, no audit entry). The import never infers anything from a person's
*absence* from the file, because an extract may be a list of changes (差分) only.

Which fields the register decides:

- 氏名, カナ, 生年月日 and the resident status always come from the register.
- 住所 and 郵便番号 come from the register when the cell is filled; a blank cell means "not in this
  extract", never "erase".
- 性別 and 電話番号 only fill a blank. The register holds legal sex, while Tsunagu records how the
  person describes themselves (``Gender`` allows "other" with their own words): a register value
  must not overwrite what a caseworker was told. A phone number the caseworker has is usually more
  current than the register's. Where the register's 性別 differs, the output says so.

転出・死亡 (the person leaves the register)
------------------------------------------
A row whose 異動事由 is 転出, 国外転出, 死亡, 失踪宣告 or 職権消除 means the person is no longer a
registered resident. The person's record is **kept** (their support history must not be lost, and
nobody is ever deleted by an import): ``is_registered_resident`` becomes False, and their register
household memberships are kept with ``lives_together=False``, so the household page still shows who
belonged to it and that they no longer live there. Such a row for someone Tsunagu does not know is
skipped (and counted): collecting data on people who have already left serves no support purpose.
The 異動事由 words are an explicit list; any other word is an error rather than a guess, because
``転出取消`` contains 転出 and means the opposite.

Households
----------
Register households are matched by (municipality, 世帯番号) and created when missing, with the
address of the 世帯主's row (of the first row when the 世帯主 is not in the file); later, a household's
address changes only with its 世帯主's row, since a file of changes may carry one member alone. A
person whose 世帯番号 changed is moved: their membership in the old household is removed only when
that household came from the register (it has a 世帯番号); households that caseworkers put together
themselves are never touched. The move is recorded in the person's audit entry. ``lives_together`` is the
caseworkers' knowledge (someone registered at home may live in a care home): the import sets it only
when a person leaves the register (False) or returns to it (True). Two 世帯主 in one household are
refused, in the file and against the database; a 世帯主 who leaves does not count, so a 死亡 and the
世帯主変更 that follows it load together. A household with a member whose address is protected
(DV等) gets no address from the import: the household page is shown to anyone who may see any member.

Access and audit
----------------
A new person is registered by the named organisation (which must belong to the municipality) and
created by the system user ``system-import`` (inactive, no usable password), and the organisation is
given an own-record grant (source ``resident-register``) — both through the people service's bulk
variant, ``persons_register_bulk``, which normalises and checks each person as ``person_register`` does
and gives the grants through ``grants_create_bulk``. People already in Tsunagu get no new grant:
the import updates their details, but must not widen who may see a record another agency holds.
The audit log gets one CREATE entry per new person (which also names the grant and the household),
one UPDATE entry per changed person with ``{field: [old, new]}``, one UPDATE entry per household
whose address changed, one entry each from the bulk registration and the bulk grant (their counts), and
one summary entry with the counts, the new households' ids, the file name and its SHA-256 (so that it
can later be told exactly which extract was loaded). Grants and households are not given entries of
their own: ``audit_record`` costs more per entry the more entries a transaction already holds (see
``tsunagu.audit.chain``), and a town-sized file would otherwise take far longer.

The parts
---------
The import is split by what each step does, in the order it runs: ``reading`` decodes the file and
checks what spans rows (the header, a 宛名番号 twice, two 世帯主), ``rows`` validates one row into a
``ResidentRow`` with the words of ``columns`` (性別, 異動事由, 続柄), ``matching`` finds who and which
households are known and builds the ``plan`` (everything that would be written), ``households`` works
out memberships, the order of new members, the one 世帯主 and the household address, ``writer`` writes
the plan with its audit entries, and ``report`` holds what the operator is told (``ResidentImportError``,
``ImportResult``). ``importer`` is the entry point: ``import_target`` and ``import_residents``.
"""

from tsunagu.people.residents.columns import relationship_of
from tsunagu.people.residents.importer import import_residents, import_target
from tsunagu.people.residents.reading import (
    ENCODING_CP932,
    ENCODING_UTF8,
    ENCODING_UTF8_BOM,
    RegisterFile,
    decode_register,
    parse_register,
    read_register,
)
from tsunagu.people.residents.report import ImportResult, ResidentImportError
from tsunagu.people.residents.rows import ResidentRow
from tsunagu.people.residents.writer import REGISTER_SOURCE, SYSTEM_USERNAME

# The public names, wherever they are defined: what the command and the tests import from here.
__all__ = [
    "ENCODING_CP932",
    "ENCODING_UTF8",
    "ENCODING_UTF8_BOM",
    "REGISTER_SOURCE",
    "SYSTEM_USERNAME",
    "ImportResult",
    "RegisterFile",
    "ResidentImportError",
    "ResidentRow",
    "decode_register",
    "import_residents",
    "import_target",
    "parse_register",
    "read_register",
    "relationship_of",
]
