"""The format check (kiểm tra thể thức) on metadata: exact findings for a valid document and each defect."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from egov.documents.rules.findings import Finding, has_errors, sort_findings
from egov.documents.rules.formatcheck import DocumentFacts, check_format
from egov.documents.signing.report import PdfReport, SignatureFacts

D = dt.date
VN = ZoneInfo("Asia/Ho_Chi_Minh")
E, W, I = "error", "warning", "info"  # noqa: E741

ISSUER_CODE = "000.00.00.H41"
ISSUER_NAME = "Ủy ban nhân dân tỉnh Nghệ An"
SIGNER = "Nguyễn Văn An"


def person(name: str = SIGNER, *, minute: int = 0, **changes) -> SignatureFacts:
    values = {
        "field_name": "Signature1",
        "intact": True,
        "trusted": True,
        "trust_problem": "",
        "signer_common_name": name,
        "signer_organisation": ISSUER_NAME,
        "signer_organisation_code": "",
        "is_organisation": False,
        "signed_at": dt.datetime(2025, 3, 10, 9, minute, tzinfo=VN),
        "timestamped": False,
        "covers_whole_file": False,
        "modification_level": "form filling",
    }
    return SignatureFacts(**{**values, **changes})


def seal(name: str = ISSUER_NAME, code: str = ISSUER_CODE, *, minute: int = 5, **changes) -> SignatureFacts:
    values = {
        "field_name": "Signature2",
        "signer_common_name": name,
        "signer_organisation": name,
        "signer_organisation_code": code,
        "is_organisation": True,
        "signed_at": dt.datetime(2025, 3, 10, 9, minute, tzinfo=VN),
        "covers_whole_file": True,
        "modification_level": "none",
    }
    return person(**{**values, **changes})


def signed(*signatures: SignatureFacts) -> PdfReport:
    return PdfReport(signatures=tuple(signatures))


VALID = DocumentFacts(
    stage="issued",
    type_code="quyet_dinh",
    number_symbol="05/QĐ-UBND",
    issued_on=D(2025, 3, 10),
    received_on=None,
    issuer_code=ISSUER_CODE,
    issuer_name=ISSUER_NAME,
    issuer_abbreviation="UBND",
    issuer_is_collective=True,
    signer_name=SIGNER,
    signer_position="Chủ tịch",
    signer_prefix="TM.",
    legal_normative=False,
    secret=False,
    subject="Về việc công bố danh mục thủ tục hành chính",
    main_file=signed(person(), seal()),
    appendices=(),
    today=D(2025, 3, 12),
)


def facts(**changes) -> DocumentFacts:
    return dataclasses.replace(VALID, **changes)


def found(document: DocumentFacts) -> list[tuple[str, str]]:
    return [(f.code, f.severity) for f in check_format(document)]


def only(document: DocumentFacts) -> Finding:
    (finding,) = check_format(document)
    return finding


# --- valid documents -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        VALID,
        facts(stage="incoming", received_on=D(2025, 3, 11)),
        facts(stage="incoming", received_on=D(2025, 3, 10)),
        facts(stage="before_signing", number_symbol="", issued_on=None, main_file=PdfReport()),
        facts(stage="before_signing", main_file=PdfReport()),
        facts(type_code="cong_van", number_symbol="12/UBND-VP", subject="V/v triển khai chữ ký số"),
        facts(number_symbol="Số: 2508/QĐ-UBND"),
        facts(legal_normative=True, number_symbol="05/2025/QĐ-UBND"),
        facts(
            type_code="nghi_quyet", legal_normative=True, number_symbol="12/2025/NQ-HĐND", issuer_abbreviation="HĐND"
        ),
        facts(type_code="to_trinh", number_symbol="07/TTr-UBND"),
        facts(type_code="ban_sao_y", number_symbol="03/SY-UBND"),
        facts(type_code="giay_gioi_thieu", number_symbol="09/GGT-UBND", subject=""),
        facts(signer_prefix="KT.", signer_position="Phó Chủ tịch"),
        facts(signer_prefix="", signer_position="Giám đốc", issuer_is_collective=False),
        facts(
            type_code="thong_tu_lien_tich",
            legal_normative=True,
            number_symbol="02/2025/TTLT-BTC-BTP",
            issuer_abbreviation="BTP",
            issuer_is_collective=False,
            signer_prefix="KT.",
            signer_position="Thứ trưởng",
        ),
        # Cục Thuế is abbreviated CT, which is also Chỉ thị's abbreviation: a công văn of it is fine.
        facts(
            type_code="cong_van",
            number_symbol="1234/CT-TTHT",
            issuer_abbreviation="CT",
            issuer_is_collective=False,
            signer_prefix="KT.",
            signer_position="Phó Cục trưởng",
        ),
        facts(appendices=(signed(seal(field_name="Signature1")),)),
        facts(subject="x" * 500, signer_name=SIGNER, signer_position="Chủ tịch"),
    ],
)
def test_valid_documents_have_no_findings(document):
    assert check_format(document) == []


def test_unknown_stage_is_a_programming_error():
    with pytest.raises(ValueError):
        check_format(facts(stage="draft"))


# --- mandatory fields ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"subject": "  "}, [("required.subject", E)]),
        # The seal still matches by the organisation's identifier code.
        ({"issuer_name": ""}, [("required.issuer_name", E)]),
        ({"signer_name": ""}, [("required.signer_name", E)]),
        ({"signer_position": ""}, [("required.signer_position", E)]),
        ({"number_symbol": ""}, [("required.number_symbol", E)]),
        ({"issued_on": None}, [("required.issued_on", E)]),
        ({"main_file": None}, [("required.main_file", E)]),
        ({"type_code": ""}, [("required.type_code", E)]),
        ({"stage": "incoming", "received_on": None}, [("required.received_on", E)]),
        ({"stage": "before_signing", "main_file": None}, [("required.main_file", E)]),
        (
            {"stage": "incoming", "received_on": D(2025, 3, 11), "main_file": None},
            [("signature.not_checked", I)],
        ),
    ],
)
def test_missing_fields(changes, expected):
    assert found(facts(**changes)) == expected


def test_missing_field_messages():
    finding = only(facts(subject=""))
    assert (finding.message, finding.field) == ("Thiếu trích yếu nội dung văn bản.", "subject")
    finding = only(facts(number_symbol=""))
    assert (finding.message, finding.field) == ("Thiếu số, ký hiệu văn bản.", "number_symbol")


# --- type ----------------------------------------------------------------------------------------------


def test_unknown_type():
    finding = only(facts(type_code="sac_lenh"))
    assert (finding.code, finding.severity, finding.field) == ("type.unknown", E, "type_code")
    assert finding.message == "Loại văn bản «sac_lenh» không có trong bảng loại văn bản."


def test_type_that_cannot_be_legal_normative():
    finding = only(facts(type_code="chi_thi", number_symbol="05/2025/CT-UBND", legal_normative=True))
    assert (finding.code, finding.severity, finding.field) == ("type.not_legal_normative", E, "legal_normative")
    assert finding.message == "«Chỉ thị» không phải là hình thức văn bản quy phạm pháp luật."


def test_legal_normative_only_type_not_marked():
    finding = only(facts(type_code="thong_tu", number_symbol="05/TT-UBND"))
    assert (finding.code, finding.severity) == ("type.legal_normative_only", E)
    assert finding.message == (
        "«Thông tư» chỉ là hình thức văn bản quy phạm pháp luật; "
        "văn bản phải được đánh dấu là văn bản quy phạm pháp luật."
    )


def test_issue_date_before_the_type_came_into_force():
    old = facts(issued_on=D(2020, 3, 4), main_file=signed(person(), seal()))
    finding = only(old)
    assert (finding.code, finding.severity, finding.field) == ("date.before_type_valid_from", E, "issued_on")
    assert finding.message == (
        "Ngày 04/03/2020 trước ngày loại văn bản «Quyết định» có hiệu lực "
        "(05/03/2020, theo NĐ 30/2020/NĐ-CP, Phụ lục III, Mục I)."
    )
    # An incoming document may follow older rules: a warning, not an error.
    incoming = dataclasses.replace(old, stage="incoming", received_on=D(2020, 3, 6))
    assert found(incoming) == [("date.before_type_valid_from", W)]


def test_issue_date_after_the_type_was_withdrawn(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "document-types.csv").write_text(
        "code,name,abbreviation,group,may_be_legal_normative,joint,subject_required,valid_from,valid_to,basis\n"
        "quyet_dinh,Quyết định,QĐ,administrative,yes,no,yes,2020-03-05,2025-03-01,NĐ 30/2020/NĐ-CP\n",
        encoding="utf-8",
    )
    finding = only(facts())
    assert (finding.code, finding.severity) == ("date.after_type_valid_to", E)
    assert finding.message == (
        "Ngày 10/03/2025 sau ngày loại văn bản «Quyết định» hết hiệu lực (01/03/2025, theo NĐ 30/2020/NĐ-CP)."
    )


# --- number and symbol ---------------------------------------------------------------------------------


def test_number_symbol_that_does_not_parse():
    finding = only(facts(number_symbol="05 / QĐ-UBND"))
    assert (finding.code, finding.severity, finding.field) == ("number_symbol.invalid", E, "number_symbol")
    assert finding.message == ("Số, ký hiệu «05 / QĐ-UBND» có dấu cách; các thành phần được viết liền, không cách chữ.")


def test_number_symbol_is_checked_before_signing_when_present():
    assert found(facts(stage="before_signing", number_symbol="5/QĐ-UBND", main_file=PdfReport())) == [
        ("number_symbol.padding", E)
    ]


@pytest.mark.parametrize(
    ("number_symbol", "message"),
    [
        ("5/QĐ-UBND", "Số «5» phải ghi là «05»: số nhỏ hơn 10 có thêm số 0 phía trước, không thêm số 0 khác."),
        ("005/QĐ-UBND", "Số «005» phải ghi là «05»: số nhỏ hơn 10 có thêm số 0 phía trước, không thêm số 0 khác."),
        ("012/QĐ-UBND", "Số «012» phải ghi là «12»: số nhỏ hơn 10 có thêm số 0 phía trước, không thêm số 0 khác."),
    ],
)
def test_number_padding(number_symbol, message):
    finding = only(facts(number_symbol=number_symbol))
    assert (finding.code, finding.severity, finding.message) == ("number_symbol.padding", E, message)


def test_year_group():
    finding = only(facts(legal_normative=True))
    assert finding.code == "number_symbol.year_missing"
    assert finding.message == (
        "Số, ký hiệu văn bản quy phạm pháp luật ghi cả năm ban hành, ví dụ «05/2025/QĐ-UBND»; «05/QĐ-UBND» thiếu năm."
    )
    finding = only(facts(number_symbol="05/2025/QĐ-UBND"))
    assert (finding.code, finding.message) == (
        "number_symbol.unexpected_year",
        "Số, ký hiệu văn bản hành chính không ghi năm: «05/2025/QĐ-UBND».",
    )
    finding = only(facts(legal_normative=True, number_symbol="05/2024/QĐ-UBND"))
    assert (finding.code, finding.message) == (
        "number_symbol.year_mismatch",
        "Năm 2024 trong số, ký hiệu «05/2024/QĐ-UBND» khác năm ban hành 2025.",
    )


def test_type_abbreviation_of_another_type():
    finding = only(facts(number_symbol="05/CT-UBND"))
    assert (finding.code, finding.severity, finding.field) == ("symbol.type_mismatch", E, "number_symbol")
    assert finding.message == "Ký hiệu «CT» không khớp loại văn bản Quyết định (viết tắt QĐ)."


def test_type_abbreviation_missing():
    finding = only(facts(number_symbol="05/UBND-VP"))
    assert (finding.code, finding.severity) == ("symbol.type_missing", E)
    assert finding.message == "Ký hiệu «UBND-VP» thiếu chữ viết tắt tên loại «QĐ» của Quyết định."


def test_cong_van_with_a_type_abbreviation():
    finding = only(facts(type_code="cong_van", number_symbol="05/QĐ-UBND"))
    assert (finding.code, finding.severity) == ("symbol.type_on_cong_van", E)
    assert finding.message == (
        "Công văn không có chữ viết tắt tên loại, nhưng ký hiệu «QĐ-UBND» bắt đầu bằng «QĐ» (Quyết định)."
    )


def test_cong_van_without_unit():
    finding = only(facts(type_code="cong_van", number_symbol="12/UBND"))
    assert (finding.code, finding.severity) == ("symbol.unit_missing", E)
    assert finding.message == (
        "Ký hiệu công văn «UBND» thiếu chữ viết tắt tên đơn vị soạn thảo hoặc lĩnh vực (ví dụ «UBND-VP»)."
    )


@pytest.mark.parametrize(
    ("changes", "code", "severity", "message"),
    [
        (
            {"number_symbol": "05/QĐ-SNV"},
            "symbol.issuer_mismatch",
            E,
            "Chữ viết tắt «SNV» trong ký hiệu «QĐ-SNV» không khớp chữ viết tắt «UBND» "
            "của Ủy ban nhân dân tỉnh Nghệ An.",
        ),
        (
            {"type_code": "cong_van", "number_symbol": "12/SNV-VP"},
            "symbol.issuer_mismatch",
            E,
            "Chữ viết tắt «SNV» trong ký hiệu «SNV-VP» không khớp chữ viết tắt «UBND» "
            "của Ủy ban nhân dân tỉnh Nghệ An.",
        ),
        (
            {"number_symbol": "05/QĐ-UBND-VP"},
            "symbol.extra_groups",
            W,
            "Ký hiệu «QĐ-UBND-VP» có thêm nhóm «VP»: ký hiệu văn bản có tên loại gồm chữ viết tắt tên loại "
            "và chữ viết tắt tên cơ quan, tổ chức ban hành.",
        ),
        (
            {"issuer_abbreviation": ""},
            "symbol.issuer_not_checked",
            I,
            "Chưa có chữ viết tắt của «Ủy ban nhân dân tỉnh Nghệ An» nên chưa kiểm tra được ký hiệu «QĐ-UBND».",
        ),
        (
            {
                "type_code": "thong_tu_lien_tich",
                "legal_normative": True,
                "number_symbol": "02/2025/TTLT-BTC-BTP",
                "issuer_abbreviation": "BYT",
            },
            "symbol.issuer_mismatch",
            E,
            "Chữ viết tắt «BTC-BTP» trong ký hiệu «TTLT-BTC-BTP» không khớp chữ viết tắt «BYT» "
            "của Ủy ban nhân dân tỉnh Nghệ An.",
        ),
    ],
)
def test_issuer_abbreviation(changes, code, severity, message):
    finding = only(facts(**changes))
    assert (finding.code, finding.severity, finding.message, finding.field) == (
        code,
        severity,
        message,
        "number_symbol",
    )


# --- dates ---------------------------------------------------------------------------------------------


def test_issue_date_in_the_future():
    finding = only(facts(issued_on=D(2025, 3, 13), number_symbol="05/QĐ-UBND"))
    assert (finding.code, finding.severity, finding.field) == ("date.issued_in_future", E, "issued_on")
    assert finding.message == "Ngày ban hành 13/03/2025 sau ngày hôm nay (12/03/2025)."


def test_arrival_dates():
    incoming = facts(stage="incoming", received_on=D(2025, 3, 9))
    finding = only(incoming)
    assert (finding.code, finding.field) == ("date.received_before_issued", "received_on")
    assert finding.message == "Ngày đến 09/03/2025 trước ngày ban hành 10/03/2025."
    finding = only(facts(stage="incoming", received_on=D(2025, 3, 13)))
    assert (finding.code, finding.message) == (
        "date.received_in_future",
        "Ngày đến 13/03/2025 sau ngày hôm nay (12/03/2025).",
    )


def test_today_defaults_to_the_local_date():
    assert found(facts(today=None, issued_on=D(2999, 1, 1))) == [("date.issued_in_future", E)]


# --- signer authority ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"signer_prefix": "KT.", "signer_position": "Chủ tịch"}, [("authority.requires_deputy", E)]),
        ({"issuer_is_collective": False}, [("authority.requires_collective", E)]),
        ({"signer_prefix": "", "signer_position": "Phó Chủ tịch"}, [("authority.deputy_requires_kt", E)]),
        ({"signer_prefix": "Q.", "signer_position": "Phó Chủ tịch"}, [("authority.acting_deputy_position", W)]),
        ({"signer_prefix": "T.M."}, [("authority.unknown_prefix", E)]),
    ],
)
def test_signer_authority(changes, expected):
    assert found(facts(**changes)) == expected


# --- lengths (Appendix VI, Part II) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code", "field", "message"),
    [
        (
            {"subject": "x" * 501},
            "length.subject",
            "subject",
            "Trích yếu nội dung dài 501 ký tự, vượt giới hạn 500 ký tự "
            "(Subject, NĐ 30/2020/NĐ-CP, Phụ lục VI, Phần II).",
        ),
        (
            {"signer_name": "Nguyễn " * 8 + "An", "main_file": signed(person("Nguyễn " * 8 + "An"), seal())},
            "length.signer_name",
            "signer_name",
            "Họ và tên người ký văn bản dài 58 ký tự, vượt giới hạn 50 ký tự "
            "(FullName, NĐ 30/2020/NĐ-CP, Phụ lục VI, Phần II).",
        ),
        (
            {"signer_position": "Chủ tịch " + "x" * 92},
            "length.signer_position",
            "signer_position",
            "Chức vụ của người ký văn bản dài 101 ký tự, vượt giới hạn 100 ký tự "
            "(Position, NĐ 30/2020/NĐ-CP, Phụ lục VI, Phần II).",
        ),
        (
            {
                "number_symbol": "05/QĐ-UBNDTINHNGHEANVANPHONGXXXXXX",
                "issuer_abbreviation": "UBNDTINHNGHEANVANPHONGXXXXXX",
            },
            "length.symbol",
            "number_symbol",
            "Ký hiệu của văn bản dài 31 ký tự, vượt giới hạn 30 ký tự "
            "(CodeNotation, NĐ 30/2020/NĐ-CP, Phụ lục VI, Phần II).",
        ),
        (
            {"number_symbol": "123456789012/QĐ-UBND"},
            "length.number",
            "number_symbol",
            "Số của văn bản dài 12 ký tự, vượt giới hạn 11 ký tự (CodeNumber, NĐ 30/2020/NĐ-CP, Phụ lục VI, Phần II).",
        ),
    ],
)
def test_lengths(changes, code, field, message):
    finding = only(facts(**changes))
    assert (finding.code, finding.severity, finding.field, finding.message) == (code, E, field, message)


def test_long_issuer_name():
    name = "Ủy ban nhân dân " + "x" * 185
    document = facts(issuer_name=name, main_file=signed(person(), seal(name)))
    assert found(document) == [("length.issuer_name", E)]


# --- ordering and helpers ------------------------------------------------------------------------------


def test_errors_come_first_then_warnings_then_information():
    document = facts(
        number_symbol="05/QĐ-SNV-VP",
        issuer_abbreviation="",
        signer_prefix="Q.",
        signer_position="Phó Chủ tịch",
        subject="",
    )
    assert found(document) == [
        ("required.subject", E),
        ("authority.acting_deputy_position", W),
        ("symbol.issuer_not_checked", I),
    ]
    document = facts(number_symbol="5/QĐ-UBND-VP", signer_prefix="Q.", signer_position="Phó Chủ tịch")
    assert found(document) == [
        ("number_symbol.padding", E),
        ("symbol.extra_groups", W),
        ("authority.acting_deputy_position", W),
    ]


def test_has_errors_and_sorting():
    error = Finding("a", E, "x", None)
    warning = Finding("b", W, "y", None)
    info = Finding("c", I, "z", None)
    assert has_errors([warning, error]) is True
    assert has_errors([warning, info]) is False
    assert has_errors([]) is False
    assert sort_findings([info, warning, error]) == [error, warning, info]
    assert error.as_dict() == {"code": "a", "severity": "error", "message": "x", "field": None}
    with pytest.raises(ValueError):
        Finding("d", "fatal", "x", None)


def test_documents_older_than_the_tables_are_held_to_todays_limits():
    document = facts(
        stage="incoming",
        issued_on=D(2019, 12, 2),
        received_on=D(2019, 12, 3),
        subject="x" * 501,
    )
    assert found(document) == [("length.subject", E), ("date.before_type_valid_from", W)]
