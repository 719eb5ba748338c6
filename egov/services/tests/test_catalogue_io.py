"""Catalogue files: JSON and CSV export, parsing with precise errors, round trips, the demo data and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from egov.services.catalogue import cli
from egov.services.catalogue.errors import CatalogueFileError
from egov.services.catalogue.io import (
    MAX_BYTES,
    export_csv,
    export_json,
    parse_csv,
    parse_json,
    records_to_csv,
    records_to_json,
    split_cell,
)
from egov.services.catalogue.records import RECORD_FIELDS, clean_record
from egov.services.catalogue.services import procedure_import
from egov.services.models import Procedure, ProcedureVersion, ServiceField
from egov.services.tests.factories import SYSTEM, make_procedure

DEMO = Path(__file__).resolve().parent.parent / "data" / "procedures.json"
HEADER = ",".join(RECORD_FIELDS)


def problems(exc: CatalogueFileError) -> list[tuple[int | None, str | None, int | None]]:
    return [(p.index, p.field, p.row) for p in exc.problems]


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def row(**cells) -> str:
    """A CSV row: the named cells, others empty (values must not need quoting)."""
    base = {
        "code": "1.001193",
        "field_code": "ho-tich",
        "field_name": "Hộ tịch",
        "level": "commune",
        "version": "1",
        "state": "draft",
        "name": "Thủ tục đăng ký khai sinh",
        "receiving_agency": "UBND cấp xã",
        "legal_basis": "Luật Hộ tịch",
        "effective_from": "2025-07-01",
        "processing_time": "3",
        "time_unit": "working_days",
        "result_type": "Giấy khai sinh",
        "online_class": "full",
    }
    base.update(cells)
    return ",".join(base.get(name, "") for name in RECORD_FIELDS)


# --- export ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_json_gives_one_object_per_version_with_nested_lists():
    make_procedure(fees=[("charge", "Lệ phí", 8000)], processing_time=Decimal("0.5"))
    document = json.loads(export_json(ProcedureVersion.objects.all()))
    assert document["format"] == "egov-catalogue/1"
    [item] = document["procedure_versions"]
    assert list(item) == list(RECORD_FIELDS)
    assert (item["code"], item["field_name"], item["version"], item["state"]) == ("1.001193", "Hộ tịch", 1, "published")
    assert (item["processing_time"], item["effective_from"], item["effective_to"]) == (0.5, "2025-07-01", None)
    assert item["fees"] == [{"kind": "charge", "amount": 8000, "description": "Lệ phí", "legal_basis": ""}]
    assert item["route"][1] == {
        "kind": "appraisal",
        "name": "Thẩm định hồ sơ",
        "budget": 1.5,
        "role": "specialist",
        "agency_code": "",
    }
    assert item["required_documents"][0]["accepted_types"] == ["application/pdf", "image/jpeg", "image/png"]
    assert item["form_schema"]["required"] == ["child_name", "birth_date"]


@pytest.mark.django_db
def test_export_csv_has_bom_header_and_encoded_lists():
    make_procedure(fees=[("charge", "Lệ phí; bản sao", 8000)])
    data = export_csv(ProcedureVersion.objects.all())
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == HEADER
    records = parse_csv(data)
    assert records[0]["fees"] == [
        {"kind": "charge", "amount": 8000, "description": "Lệ phí; bản sao", "legal_basis": ""}
    ]
    assert "charge|8000|Lệ phí\\; bản sao|" in lines[1]
    assert (
        "to-khai|Tờ khai đăng ký khai sinh|1|0|1|Mẫu tờ khai đăng ký khai sinh||"
        "application/pdf,image/jpeg,image/png|5242880;" in lines[1]
    )
    assert "intake|Tiếp nhận hồ sơ|0.5|one_stop_officer|;appraisal|" in lines[1]


@pytest.mark.django_db
def test_demo_data_imports_and_round_trips_through_json_and_csv():
    records = parse_json(DEMO.read_bytes())
    report = procedure_import(actor=SYSTEM, records=records)
    assert report.ok, [str(e) for e in report.errors]
    assert (report.records, report.procedures_created, report.versions_created) == (11, 10, 11)
    first_json = export_json(ProcedureVersion.objects.all())
    first_csv = export_csv(ProcedureVersion.objects.all())
    assert parse_csv(first_csv) == parse_json(first_json)

    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    ServiceField.objects.all().delete()
    assert procedure_import(actor=SYSTEM, records=parse_csv(first_csv)).ok
    assert export_json(ProcedureVersion.objects.all()) == first_json
    assert export_csv(ProcedureVersion.objects.all()) == first_csv
    again = procedure_import(actor=SYSTEM, records=parse_json(first_json))
    assert (again.versions_unchanged, again.versions_created) == (11, 0)


def test_demo_data_is_nfc_with_codes_of_the_national_shape():
    text = DEMO.read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", text) == text
    records = parse_json(DEMO.read_bytes())
    assert 8 <= len({r["code"] for r in records}) <= 10
    assert all(re.fullmatch(r"[12]\.\d{6}", r["code"]) for r in records)
    assert {r["level"] for r in records} == {"commune", "province"}
    assert {r["time_unit"] for r in records} == {"working_days", "working_hours"}
    for r in records:
        assert 2 <= len(r["form_schema"]["properties"]) <= 6
        assert {s["kind"] for s in r["route"]} >= {"intake", "appraisal", "approval", "return"}
        assert (r["online_class"] == "partial") == bool(r["partial_reason"])


# --- parsing errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected", "fragment"),
    [
        (b"", [(None, None, None)], "rỗng"),
        (b'{"procedure_versions": [', [(None, None, None)], "dòng 1, cột 25"),
        (b'{"a": 1}', [(None, None, None)], "procedure_versions"),
        (b"[]", [(None, None, None)], "không có phiên bản"),
        (b"[1]", [(1, None, None)], "đối tượng"),
        (b"\xff\xfe[]", [(None, None, None)], "UTF-8"),
    ],
)
def test_parse_json_rejects_malformed_files(data, expected, fragment):
    with pytest.raises(CatalogueFileError) as caught:
        parse_json(data)
    assert problems(caught.value) == expected
    assert fragment in str(caught.value.problems[0])


def test_parse_json_names_record_and_field():
    good = {
        "code": "1.001193",
        "field_code": "ho-tich",
        "field_name": "Hộ tịch",
        "level": "commune",
        "version": 1,
        "name": "Khai sinh",
        "receiving_agency": "UBND",
        "legal_basis": "Luật",
        "effective_from": "2025-07-01",
        "processing_time": 3,
        "time_unit": "working_days",
        "result_type": "Giấy",
        "online_class": "full",
    }
    data = json.dumps([good, {**good, "version": 2, "level": "ward", "processing_time": -2}]).encode()
    with pytest.raises(CatalogueFileError) as caught:
        parse_json(data)
    assert problems(caught.value) == [(2, "level", None), (2, "processing_time", None)]
    assert str(caught.value.problems[0]).startswith("Bản ghi 2, trường level: giá trị “ward” không hợp lệ")


def test_parse_json_refuses_oversize_files():
    with pytest.raises(CatalogueFileError) as caught:
        parse_json(b"[" + b" " * MAX_BYTES + b"]")
    assert "5 MB" in caught.value.problems[0].message


def test_parse_csv_reads_a_minimal_row():
    [record] = parse_csv(csv_bytes(row(processing_time='"0,5"', effective_from="01/07/2025")))
    assert (record["processing_time"], record["effective_from"]) == (Decimal("0.5"), dt.date(2025, 7, 1))
    assert (record["required_documents"], record["form_schema"], record["agency_codes"]) == ([], {}, [])


def test_parse_csv_reads_excel_semicolon_files():
    data = "\ufeff" + HEADER.replace(",", ";") + "\r\n" + row().replace(",", ";") + "\r\n"
    assert parse_csv(data.encode())[0]["name"] == "Thủ tục đăng ký khai sinh"


@pytest.mark.parametrize(
    ("rows", "expected", "fragment"),
    [
        ([row(), row(version="2", processing_time="ba")], [(2, "processing_time", 3)], "“ba”"),
        ([row(level="ward")], [(1, "level", 2)], "chỉ nhận: central, province, district, commune"),
        ([row(version="x")], [(1, "version", 2)], "số nguyên"),
        ([row(processing_time="-1")], [(1, "processing_time", 2)], "không được âm"),
        ([row(required_documents="a|Tờ khai|x")], [(1, "required_documents", 2)], "required_documents[1].originals"),
        ([row(fees="fee|1|a|b|c")], [(1, "fees", 2)], "tối đa 4"),
        ([row(form_schema="{oops")], [(1, "form_schema", 2)], "JSON không hợp lệ"),
        ([row() + ",extra"], [(1, None, 2)], "25 cột"),
        ([row(name='"Khai "sinh')], [(None, None, 2)], "CSV không hợp lệ"),
    ],
)
def test_parse_csv_names_line_and_column(rows, expected, fragment):
    with pytest.raises(CatalogueFileError) as caught:
        parse_csv(csv_bytes(*rows))
    assert problems(caught.value) == expected
    assert fragment in str(caught.value.problems[0])


def test_parse_csv_line_numbers_count_multiline_cells():
    data = csv_bytes(row(legal_basis='"Luật Hộ tịch;\nNghị định 123"'), row(version="2", level="xa"))
    with pytest.raises(CatalogueFileError) as caught:
        parse_csv(data)
    assert problems(caught.value) == [(2, "level", 4)]
    assert str(caught.value.problems[0]).startswith("Dòng 4, cột level: ")


def test_parse_csv_refuses_a_wrong_header():
    with pytest.raises(CatalogueFileError) as caught:
        parse_csv(csv_bytes(row(), header=HEADER.replace("level", "cap")))
    assert "Cột lạ: cap" in caught.value.problems[0].message
    assert "Thiếu cột" not in caught.value.problems[0].message


def test_split_cell_honours_escapes():
    assert split_cell(r"a\|b|c\;d\\;;e|") == [["a|b", "c;d\\"], ["e", ""]]


# --- round trips (property) ------------------------------------------------------------------------

LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyÁÀẢÃẠĐếềểễệ0123456789 |;\\,\"'=-/()"
text = st.text(alphabet=LETTERS, min_size=1, max_size=30)
lines = st.lists(text, min_size=1, max_size=3).map("\n".join)
decimal = st.integers(min_value=0, max_value=999).map(lambda n: Decimal(n) / 10)


@st.composite
def raw_records(draw):
    partial = draw(st.booleans())
    return {
        "code": draw(st.from_regex(r"[12]\.\d{6}", fullmatch=True)),
        "field_code": draw(st.from_regex(r"[a-z]{1,8}(-[a-z]{1,8})?", fullmatch=True)),
        "field_name": draw(text),
        "level": draw(st.sampled_from(["central", "province", "district", "commune"])),
        "version": draw(st.integers(min_value=1, max_value=99)),
        "state": "draft",
        "name": draw(text),
        "receiving_agency": draw(text),
        "agency_codes": draw(st.lists(st.from_regex(r"000\.00\.\d{2}\.H\d{2}", fullmatch=True), max_size=2)),
        "legal_basis": draw(lines),
        "decision": draw(st.one_of(st.just(""), text)),
        "effective_from": draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 1, 1))),
        "processing_time": draw(decimal),
        "time_unit": draw(st.sampled_from(["working_days", "working_hours"])),
        "result_type": draw(text),
        "online_class": "partial" if partial else "full",
        "partial_reason": draw(lines) if partial else "",
        "required_documents": [
            {
                "key": f"giay-{i}",
                "name": draw(text),
                "originals": draw(st.integers(0, 3)),
                "copies": draw(st.integers(0, 3)),
                "mandatory": draw(st.booleans()),
                "template_name": draw(st.one_of(st.just(""), text)),
                "accepted_types": draw(st.lists(st.sampled_from(["application/pdf", "image/png"]), max_size=2)),
            }
            for i in range(draw(st.integers(0, 3)))
        ],
        "fees": [
            {
                "kind": draw(st.sampled_from(["fee", "charge"])),
                "amount": draw(st.integers(0, 10**9)),
                "description": draw(text),
            }
            for _ in range(draw(st.integers(0, 2)))
        ],
        "route": [
            {
                "kind": "intake",
                "name": draw(text),
                "budget": draw(decimal),
                "role": draw(st.sampled_from(["", "leader"])),
            }
            for _ in range(draw(st.integers(0, 3)))
        ],
        "form_schema": draw(
            st.one_of(st.just({}), st.builds(lambda t: {"type": "object", "properties": {"a": {"title": t}}}, text))
        ),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(raw_records(), min_size=1, max_size=3))
def test_any_valid_records_survive_csv_and_json(raws):
    records = [clean_record(raw, lambda name, message: None) for raw in raws]
    assume(all(r is not None for r in records))
    assert parse_csv(records_to_csv(records)) == records
    assert parse_json(records_to_json(records)) == records


# --- command line ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cli_imports_and_exports(tmp_path, capsys):
    assert cli.main(["import-catalogue", str(DEMO), "--dry-run"]) == 0
    assert ProcedureVersion.objects.count() == 0
    assert cli.main(["import-catalogue", str(DEMO)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "11 records: 11 versions created, 0 updated, 0 unchanged; 10 procedures and 8 fields created (were saved)."
    )
    out = tmp_path / "catalogue.csv"
    assert cli.main(["export-catalogue", "--format", "csv", str(out), "--code", "1.001193"]) == 0
    [record] = parse_csv(out.read_bytes())
    assert record["name"] == "Thủ tục đăng ký khai sinh"


@pytest.mark.django_db
def test_cli_reports_file_errors_and_saves_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(row(level="ward")))
    assert cli.main(["import-catalogue", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0].startswith("Dòng 2, cột level: ")
    assert err.splitlines()[-1] == "Nothing was imported."
    assert ProcedureVersion.objects.count() == 0
