"""The format check on signatures: the signer's, the organisation's seal over it, and the appendices'."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from egov.documents.rules.formatcheck import check_format
from egov.documents.rules.signaturecheck import fold
from egov.documents.signing.report import PdfReport

from .test_rules_formatcheck import (
    ISSUER_CODE,
    ISSUER_NAME,
    SIGNER,
    VN,
    E,
    I,
    W,
    facts,
    found,
    only,
    person,
    seal,
    signed,
)


@pytest.mark.parametrize("stage", ["issued", "incoming"])
def test_every_signature_problem_is_reported_at_issue_and_arrival(stage):
    document = facts(stage=stage, received_on=dt.date(2025, 3, 11), main_file=PdfReport())
    finding = only(document)
    assert (finding.code, finding.severity, finding.field, finding.message) == (
        "signature.missing",
        E,
        "main_file",
        "Tệp văn bản chưa được ký số.",
    )


def test_unreadable_file():
    finding = only(facts(main_file=PdfReport(error="tệp không phải PDF")))
    assert (finding.code, finding.severity, finding.field) == ("file.unreadable", E, "main_file")
    assert finding.message == "Không đọc được tệp văn bản: tệp không phải PDF."
    # Before signing the file must at least be readable; its signatures are not looked at yet.
    before = facts(stage="before_signing", main_file=PdfReport(error="tệp bị mã hóa"))
    assert found(before) == [("file.unreadable", E)]
    assert found(facts(stage="before_signing", main_file=signed(seal(), person()))) == []


def test_broken_signature():
    finding = only(facts(main_file=signed(person(intact=False), seal())))
    assert (finding.code, finding.severity) == ("signature.broken", E)
    assert finding.message == (
        "Chữ ký số của «Nguyễn Văn An» trên tệp văn bản không còn nguyên vẹn: nội dung đã bị thay đổi sau khi ký."
    )


def test_untrusted_signatures():
    document = facts(
        main_file=signed(person(trusted=False, trust_problem="chứng thư số đã hết hạn"), seal(trusted=False))
    )
    findings = check_format(document)
    assert [(f.code, f.severity) for f in findings] == [("signature.untrusted", E), ("signature.untrusted", E)]
    assert [f.message for f in findings] == [
        "Chữ ký số của «Nguyễn Văn An» trên tệp văn bản không được tin cậy: chứng thư số đã hết hạn.",
        "Chữ ký số của «Ủy ban nhân dân tỉnh Nghệ An» trên tệp văn bản không được tin cậy: không rõ lý do.",
    ]


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("none", []),
        ("form filling", []),
        ("annotations", [("signature.annotations_after", W)]),
        ("other", [("signature.modified_after", E)]),
        ("", [("signature.modified_after", E)]),
    ],
)
def test_changes_after_the_last_signature(level, expected):
    assert found(facts(main_file=signed(person(), seal(modification_level=level)))) == expected


def test_modified_after_message():
    finding = only(facts(main_file=signed(person(), seal(modification_level="other"))))
    assert finding.message == "Sau chữ ký số của «Ủy ban nhân dân tỉnh Nghệ An», tệp văn bản đã bị sửa đổi (other)."


def test_only_the_seal():
    finding = only(facts(main_file=signed(seal())))
    assert (finding.code, finding.severity, finding.field) == ("signature.no_person", E, "main_file")
    assert finding.message == "Văn bản không có chữ ký số của người có thẩm quyền «Nguyễn Văn An»."


def test_signed_by_someone_else():
    finding = only(facts(main_file=signed(person("Trần Thị Bình"), seal())))
    assert (finding.code, finding.severity, finding.field) == ("signature.signer_mismatch", E, "signer_name")
    assert finding.message == "Không có chữ ký số của người ký «Nguyễn Văn An»; văn bản được ký bởi «Trần Thị Bình»."


@pytest.mark.parametrize("common_name", ["NGUYEN VAN AN", "Nguyen Van An", "NGUYỄN VĂN AN", "nguyễn văn an"])
def test_signer_name_equal_only_without_diacritics_or_case(common_name):
    finding = only(facts(main_file=signed(person(common_name), seal())))
    assert (finding.code, finding.severity, finding.field) == ("signature.signer_name_differs", W, "signer_name")
    assert finding.message == (
        f"Tên trong chứng thư số «{common_name}» chỉ khớp với người ký «Nguyễn Văn An» khi bỏ qua dấu "
        "và chữ hoa, chữ thường."
    )


def test_signer_name_in_another_unicode_form_is_equal():
    decomposed = unicodedata.normalize("NFD", SIGNER)
    assert decomposed != SIGNER
    assert found(facts(main_file=signed(person(decomposed), seal()))) == []
    assert found(facts(signer_name=decomposed)) == []


def test_a_different_tone_mark_is_another_name():
    # «Nguyễn Văn Ân» folds to the same letters but is a different name: only a warning tells them apart.
    assert found(facts(main_file=signed(person("Nguyễn Văn Ân"), seal()))) == [("signature.signer_name_differs", W)]
    assert fold("Đặng Thị Ấn") == "dang thi an"


def test_no_organisation_signature():
    finding = only(facts(main_file=signed(person())))
    assert (finding.code, finding.severity, finding.field) == ("signature.no_organisation", E, "main_file")
    assert (
        finding.message == "Tệp văn bản chưa có chữ ký số của cơ quan, tổ chức ban hành «Ủy ban nhân dân tỉnh Nghệ An»."
    )


def test_seal_of_another_organisation():
    other = seal("Sở Nội vụ tỉnh Nghệ An", "000.01.00.H41")
    finding = only(facts(main_file=signed(person(), other)))
    assert (finding.code, finding.severity) == ("signature.organisation_mismatch", E)
    assert finding.message == (
        "Chữ ký số của cơ quan, tổ chức trên tệp văn bản là của «Sở Nội vụ tỉnh Nghệ An» (000.01.00.H41), "
        "không phải của «Ủy ban nhân dân tỉnh Nghệ An» (000.00.00.H41)."
    )


@pytest.mark.parametrize(
    ("name", "code", "expected"),
    [
        (ISSUER_NAME, ISSUER_CODE, []),
        ("Tên khác trong chứng thư", ISSUER_CODE, []),
        ("Tên khác trong chứng thư", ISSUER_CODE.lower(), []),
        (ISSUER_NAME, "", []),
        (ISSUER_NAME.upper(), "", []),
        ("UY BAN NHAN DAN TINH NGHE AN", "", [("signature.organisation_name_differs", W)]),
        ("Ủy ban nhân dân tỉnh Hà Tĩnh", "", [("signature.organisation_mismatch", E)]),
        (ISSUER_NAME, "000.00.00.H42", []),
    ],
)
def test_seal_matches_by_code_or_name(name, code, expected):
    assert found(facts(main_file=signed(person(), seal(name, code)))) == expected


def test_seal_name_without_diacritics_message():
    finding = only(facts(main_file=signed(person(), seal("UY BAN NHAN DAN TINH NGHE AN", ""))))
    assert finding.message == (
        "Tên cơ quan trong chứng thư số «UY BAN NHAN DAN TINH NGHE AN» chỉ khớp với «Ủy ban nhân dân tỉnh Nghệ An» "
        "khi bỏ qua dấu; chứng thư không mang mã định danh 000.00.00.H41."
    )


def test_seal_must_come_after_the_signer():
    finding = only(facts(main_file=signed(seal(minute=0), person(minute=5))))
    assert (finding.code, finding.severity, finding.field) == ("signature.seal_before_signer", E, "main_file")
    assert finding.message == (
        "Chữ ký số của cơ quan, tổ chức «Ủy ban nhân dân tỉnh Nghệ An» được ký trước chữ ký số "
        "của người có thẩm quyền «Nguyễn Văn An»."
    )
    # Later in the file but with an earlier signing time is just as wrong.
    assert found(facts(main_file=signed(person(minute=10), seal(minute=5)))) == [("signature.seal_before_signer", E)]
    # Unknown times: the order in the file decides.
    assert found(facts(main_file=signed(person(signed_at=None), seal(signed_at=None)))) == []


def test_extra_signatures_are_fine_when_the_right_ones_are_there():
    reviewer = person("Lê Văn Cường", field_name="Review", signed_at=dt.datetime(2025, 3, 10, 8, 0, tzinfo=VN))
    assert found(facts(main_file=signed(reviewer, person(), seal()))) == []


# --- appendices in separate files ----------------------------------------------------------------------


def test_appendix_signed_by_the_issuer():
    assert found(facts(appendices=(signed(seal()), signed(seal(ISSUER_NAME, ""))))) == []


def test_unsigned_appendix():
    finding = only(facts(appendices=(signed(seal()), PdfReport())))
    assert (finding.code, finding.severity, finding.field) == ("appendix.unsigned", E, "appendices")
    assert finding.message == "Phụ lục 2 chưa được ký số của cơ quan, tổ chức ban hành «Ủy ban nhân dân tỉnh Nghệ An»."


def test_appendix_signed_only_by_a_person_or_another_organisation():
    finding = only(facts(appendices=(signed(person()),)))
    assert (finding.code, finding.severity, finding.field) == ("appendix.not_signed_by_issuer", E, "appendices")
    assert (
        finding.message == "Phụ lục 1 chưa có chữ ký số của cơ quan, tổ chức ban hành «Ủy ban nhân dân tỉnh Nghệ An»."
    )
    finding = only(facts(appendices=(signed(seal("Sở Tài chính tỉnh Nghệ An", "000.02.00.H41")),)))
    assert finding.code == "appendix.not_signed_by_issuer"
    assert finding.message == (
        "Chữ ký số của cơ quan, tổ chức trên phụ lục 1 là của «Sở Tài chính tỉnh Nghệ An» (000.02.00.H41), "
        "không phải của «Ủy ban nhân dân tỉnh Nghệ An» (000.00.00.H41)."
    )


def test_appendix_signature_problems():
    assert found(facts(appendices=(signed(seal(intact=False)),))) == [("appendix.signature_broken", E)]
    assert found(facts(appendices=(signed(seal(trusted=False, trust_problem="thu hồi")),))) == [
        ("appendix.signature_untrusted", E)
    ]
    assert found(facts(appendices=(signed(seal(modification_level="other")),))) == [
        ("appendix.signature_modified_after", E)
    ]
    assert found(facts(appendices=(signed(seal("UY BAN NHAN DAN TINH NGHE AN", "")),))) == [
        ("appendix.signature_organisation_name_differs", W)
    ]
    finding = only(facts(appendices=(PdfReport(error="tệp hỏng"),)))
    assert (finding.code, finding.field, finding.message) == (
        "appendix.unreadable",
        "appendices",
        "Không đọc được phụ lục 1: tệp hỏng.",
    )


def test_appendices_before_signing_need_only_be_readable():
    document = facts(stage="before_signing", main_file=PdfReport(), appendices=(PdfReport(), PdfReport(error="x")))
    assert found(document) == [("appendix.unreadable", E)]


def test_paper_incoming_document_is_not_checked_for_signatures():
    document = facts(stage="incoming", received_on=dt.date(2025, 3, 11), main_file=None)
    finding = only(document)
    assert (finding.code, finding.severity, finding.message) == (
        "signature.not_checked",
        I,
        "Văn bản không có tệp điện tử (văn bản giấy): không kiểm tra chữ ký số.",
    )


def test_many_defects_at_once_are_sorted_errors_first():
    document = facts(
        stage="incoming",
        received_on=dt.date(2025, 3, 11),
        main_file=signed(person("NGUYEN VAN AN", trusted=False, trust_problem="không rõ nguồn cấp"), seal("Khác", "")),
        appendices=(PdfReport(),),
        number_symbol="5/CT-UBND",
    )
    assert found(document) == [
        ("number_symbol.padding", E),
        ("symbol.type_mismatch", E),
        ("signature.untrusted", E),
        ("signature.organisation_mismatch", E),
        ("appendix.unsigned", E),
        ("signature.signer_name_differs", W),
    ]
