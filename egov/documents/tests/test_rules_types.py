"""The dated table of document types: Decree 30/2020 Appendix III as data, and the loader's own checks."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from egov.documents.rules import tables
from egov.documents.rules.tables import RuleTableError
from egov.documents.rules.types import (
    all_type_rules,
    document_types,
    load_document_types,
    type_abbreviations,
    type_by_abbreviation,
    type_by_code,
    type_by_code_any_date,
)

D = dt.date

# vn-egov-rules.md §2, copied from Decree 30/2020 Appendix III, Section I.
APPENDIX_III = {
    "Nghị quyết": "NQ",
    "Quyết định": "QĐ",
    "Chỉ thị": "CT",
    "Quy chế": "QC",
    "Quy định": "QyĐ",
    "Thông cáo": "TC",
    "Thông báo": "TB",
    "Hướng dẫn": "HD",
    "Chương trình": "CTr",
    "Kế hoạch": "KH",
    "Phương án": "PA",
    "Đề án": "ĐA",
    "Dự án": "DA",
    "Báo cáo": "BC",
    "Biên bản": "BB",
    "Tờ trình": "TTr",
    "Hợp đồng": "HĐ",
    "Công điện": "CĐ",
    "Bản ghi nhớ": "BGN",
    "Bản thỏa thuận": "BTT",
    "Giấy ủy quyền": "GUQ",
    "Giấy mời": "GM",
    "Giấy giới thiệu": "GGT",
    "Giấy nghỉ phép": "GNP",
    "Phiếu gửi": "PG",
    "Phiếu chuyển": "PC",
    "Phiếu báo": "PB",
    "Bản sao y": "SY",
    "Bản trích sao": "TrS",
    "Bản sao lục": "SL",
}
LEGAL_NORMATIVE_ONLY = {
    "Nghị định": "NĐ",
    "Thông tư": "TT",
    "Thông tư liên tịch": "TTLT",
    "Nghị quyết liên tịch": "NQLT",
}
HEADER = "code,name,abbreviation,group,may_be_legal_normative,joint,subject_required,valid_from,valid_to,basis\n"


def test_table_holds_appendix_iii_exactly():
    on = D(2025, 6, 1)
    administrative = {r.name: r.abbreviation for r in document_types(on) if r.group in ("administrative", "copy")}
    assert administrative == {**APPENDIX_III, "Công văn": ""}
    normative = {r.name: r.abbreviation for r in document_types(on) if r.group == "legal_normative"}
    assert normative == LEGAL_NORMATIVE_ONLY
    assert len(document_types(on)) == 35


def test_rows_carry_their_groups_flags_and_basis():
    on = D(2025, 6, 1)
    assert {r.code for r in document_types(on) if r.group == "copy"} == {"ban_sao_y", "ban_trich_sao", "ban_sao_luc"}
    assert {r.code for r in document_types(on) if r.may_be_legal_normative} == {
        "nghi_quyet",
        "quyet_dinh",
        "nghi_dinh",
        "thong_tu",
        "thong_tu_lien_tich",
        "nghi_quyet_lien_tich",
    }
    assert {r.code for r in document_types(on) if r.joint} == {"thong_tu_lien_tich", "nghi_quyet_lien_tich"}
    assert {r.code for r in document_types(on) if not r.subject_required} == {"giay_gioi_thieu", "giay_nghi_phep"}
    cong_van = type_by_code("cong_van", on)
    assert (cong_van.name, cong_van.abbreviation, cong_van.has_abbreviation) == ("Công văn", "", False)
    assert cong_van.basis == "NĐ 30/2020/NĐ-CP, Phụ lục I, Mục II.3.b"
    decision = type_by_code("quyet_dinh", on)
    assert (decision.valid_from, decision.valid_to, decision.basis) == (
        D(2020, 3, 5),
        None,
        "NĐ 30/2020/NĐ-CP, Phụ lục III, Mục I",
    )
    assert type_by_code("thong_tu", on).legal_normative_only is True
    assert type_by_code("ban_trich_sao", on).is_copy is True


def test_codes_are_unique_ascii_and_names_nfc():
    rows = all_type_rules()
    assert len({r.code for r in rows}) == len(rows)
    assert all(r.code.isascii() for r in rows)
    assert all(unicodedata.normalize("NFC", r.name) == r.name for r in rows)


def test_lookup_by_abbreviation_is_case_sensitive():
    assert type_by_abbreviation("CTr").code == "chuong_trinh"
    assert type_by_abbreviation("CT").code == "chi_thi"
    assert type_by_abbreviation("CTR") is None
    assert type_by_abbreviation("qđ") is None
    assert type_by_abbreviation("") is None
    assert type_by_abbreviation("TrS").code == "ban_trich_sao"
    assert type_by_code("khong_co") is None


def test_dates_select_the_rows_in_force():
    # Decree 30 came into force on 5 March 2020; the legal normative rows on 1 July 2016.
    assert type_by_code("quyet_dinh", D(2020, 3, 4)) is None
    assert type_by_code("quyet_dinh", D(2020, 3, 5)).abbreviation == "QĐ"
    assert {r.code for r in document_types(D(2019, 1, 1))} == {
        "nghi_dinh",
        "thong_tu",
        "thong_tu_lien_tich",
        "nghi_quyet_lien_tich",
    }
    assert "QĐ" not in type_abbreviations(D(2019, 1, 1))
    # Documents older than the table still resolve to the row in force today.
    assert type_by_code_any_date("quyet_dinh", D(2019, 1, 1)).abbreviation == "QĐ"


def test_operator_copy_in_data_dir_replaces_the_packaged_table(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "document-types.csv").write_text(
        HEADER
        + "quyet_dinh,Quyết định,QĐ,administrative,yes,no,yes,2020-03-05,2030-12-31,NĐ 30/2020/NĐ-CP\n"
        + "quyet_dinh,Quyết định,QĐi,administrative,yes,no,yes,2031-01-01,,Nghị định giả định 2031\n"
        + "cong_van,Công văn,,administrative,no,no,yes,2020-03-05,,NĐ 30/2020/NĐ-CP\n",
        encoding="utf-8",
    )
    assert [r.code for r in document_types(D(2025, 1, 1))] == ["quyet_dinh", "cong_van"]
    assert type_by_code("quyet_dinh", D(2030, 12, 31)).abbreviation == "QĐ"
    assert type_by_code("quyet_dinh", D(2031, 1, 1)).abbreviation == "QĐi"
    assert type_by_abbreviation("QĐ", D(2031, 1, 1)) is None
    assert type_by_code("chi_thi", D(2025, 1, 1)) is None


def test_packaged_table_is_used_when_there_is_no_operator_copy(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    assert tables.table_path("document-types.csv") == tables.PACKAGED_DIR / "document-types.csv"


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        (
            "quyet_dinh,Quyết định,QĐ,administrative,yes,no,yes,2020-03-05,,x\n"
            "quyet_dinh,Quyết định,QĐ,administrative,yes,no,yes,2024-01-01,,y\n",
            "two rows for 'quyet_dinh' are in force on 2024-01-01",
        ),
        (
            "quyet_dinh,Quyết định,QĐ,administrative,yes,no,yes,2020-03-05,2019-01-01,x\n",
            "'quyet_dinh' ends (2019-01-01) before it starts (2020-03-05)",
        ),
        (
            "quyet_dinh,Quyết định,QĐ,administrative,yes,no,yes,2020-03-05,,x\n"
            "quy_dinh,Quy định,QĐ,administrative,no,no,yes,2020-03-05,,x\n",
            "two rows for 'abbreviation QĐ' are in force on 2020-03-05",
        ),
        ("quyet_dinh,Quyết định,qđ,administrative,yes,no,yes,2020-03-05,,x\n", "abbreviation 'qđ'"),
        ("quyet_dinh,Quyết định,Q-Đ,administrative,yes,no,yes,2020-03-05,,x\n", "abbreviation 'Q-Đ'"),
        ("Quyet-dinh,Quyết định,QĐ,administrative,yes,no,yes,2020-03-05,,x\n", "code 'Quyet-dinh'"),
        ("quyet_dinh,,QĐ,administrative,yes,no,yes,2020-03-05,,x\n", "name is empty"),
        ("quyet_dinh,Quyết định,QĐ,other,yes,no,yes,2020-03-05,,x\n", "group='other'"),
        ("quyet_dinh,Quyết định,QĐ,administrative,maybe,no,yes,2020-03-05,,x\n", "'maybe' is not yes/no"),
        ("quyet_dinh,Quyết định,QĐ,administrative,yes,no,yes,05/03/2020,,x\n", "'05/03/2020' is not a YYYY-MM-DD"),
        ("quyet_dinh,Quyết định,QĐ,administrative,yes,no,yes,,,x\n", "column 'valid_from' is empty"),
        (
            "thong_tu,Thông tư,TT,legal_normative,no,no,yes,2016-07-01,,x\n",
            "'thong_tu' is in group legal_normative but may_be_legal_normative=no",
        ),
    ],
)
def test_broken_tables_are_refused(tmp_path, rows, error):
    path = tmp_path / "document-types.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(RuleTableError) as caught:
        load_document_types(path)
    assert error in str(caught.value)


def test_missing_column_is_refused(tmp_path):
    path = tmp_path / "document-types.csv"
    path.write_text("code,name,abbreviation\nquyet_dinh,Quyết định,QĐ\n", encoding="utf-8")
    with pytest.raises(RuleTableError) as caught:
        load_document_types(path)
    assert "missing columns" in str(caught.value)
    assert "valid_from" in str(caught.value)


def test_rule_files_are_nfc_utf8():
    for path in tables.PACKAGED_DIR.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        assert unicodedata.normalize("NFC", text) == text, path.name
