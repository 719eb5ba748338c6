"""One-stop forms as PDFs: each form rendered once (module fixture), read back with pypdf, exact strings."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import segno
from django.db import transaction
from django.test import override_settings
from pypdf import PdfReader

from egov.core.errors import DomainError, ValidationFailed
from egov.documents.signing.trust import demo_trust_store
from egov.documents.signing.validate import validate_pdf
from egov.documents.tests.conftest import demo_pki_root  # noqa: F401 (the session's demo PKI, a fixture)
from egov.documents.tests.factories import CREDENTIALS, PIN, register_key
from egov.services.models import Dossier, DossierFile, DossierStep, OfficialForm
from egov.services.paperwork import form_in_force, qr_png, render_book, render_form, seal_form
from egov.services.tests.factories import make_agency, make_procedure
from egov.services.tests.helpers import reseed_rules

UTC = dt.UTC
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "000.00.15.H40-261123-0007"
LATER_CODE = "000.00.15.H40-270104-0001"
# NFC on purpose: every letter with its marks as one code point, as Vietnamese text is stored and printed.
APPLICANT = unicodedata.normalize("NFC", "Trần Thị Hồng Nhung")
A5 = (419.53, 595.28)
A4_LANDSCAPE = (841.89, 595.28)
A4 = (595.28, 841.89)


def at(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> dt.datetime:
    """A moment given in Vietnam time (UTC+7), stored in UTC as the database does."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=VIETNAM).astimezone(UTC)


@dataclass
class Rendered:
    pdfs: dict[str, bytes]
    sealed: bytes
    later_receipt: bytes
    org_name: str
    org_code: str


def _dossier(agency, version, *, code: str, received: dt.datetime, due: dt.datetime, **extra) -> Dossier:
    values = {
        "code": code,
        "agency": agency.org,
        "version": version,
        "state": "processing",
        "channel": "counter",
        "applicant_name": APPLICANT,
        "applicant_id_number": "036190001234",
        "applicant_phone": "0912345678",
        "applicant_address": "Xóm 3, xã Hải Hậu, tỉnh Nam Định",
        "lookup_secret": "K7M2Q9XR",
        "submitted_at": received,
        "received_at": received,
        "due_at": due,
        "first_due_at": due,
        **extra,
    }
    return Dossier.objects.create(**values)


def _steps(dossier: Dossier, agency) -> None:
    rows = [
        ("intake", "Tiếp nhận hồ sơ", agency.officer, at(23, 9, 15), at(23, 17), at(23, 10)),  # same day: on time
        ("appraisal", "Thẩm định hồ sơ", agency.specialist, at(23, 10), at(24, 17), at(23, 16)),  # a day early
        ("approval", "Lãnh đạo phê duyệt, ký", agency.leader, at(23, 16), at(24, 12), at(24, 15)),  # 3 hours late
        ("return", "Trả kết quả", agency.officer, at(24, 15), at(25, 16), None),  # still open
    ]
    for position, (kind, name, person, started, due, finished) in enumerate(rows):
        DossierStep.objects.create(
            dossier=dossier,
            position=position,
            kind=kind,
            name=name,
            assignee=person,
            started_at=started,
            due_at=due,
            finished_at=finished,
        )


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, demo_pki_root) -> Rendered:  # noqa: F811
    """Every form rendered once, inside a transaction rolled back at the end: no row outlives the fixture."""
    with (
        django_db_blocker.unblock(),
        override_settings(EGOV_PKI_DIR=demo_pki_root, EGOV_TRUST_STORE=""),
        transaction.atomic(),
    ):
        reseed_rules()  # a transactional test that ran before emptied the tables the migrations filled
        agency = make_agency()
        agency.officer.full_name = "Lê Thị Mai"
        agency.officer.save(update_fields=["full_name"])
        version = make_procedure()
        # A later circular renumbers the receipt and prints it on A4: dossiers received from 2027 get it.
        OfficialForm.objects.create(
            purpose="receipt",
            effective_from=dt.date(2027, 1, 1),
            instrument="Thông tư 99/2026/TT-VPCP",
            number="07",
            title="Giấy tiếp nhận hồ sơ, hẹn trả kết quả giải quyết",
            paper="A4",
        )
        dossier = _dossier(agency, version, code=CODE, received=at(23, 9, 15), due=at(25, 16), fee_total=50000)
        DossierFile.objects.create(
            dossier=dossier,
            kind="submitted",
            requirement="to-khai",
            file="services/2026/11/to-khai.pdf",
            original_name="to-khai.pdf",
            content_type="application/pdf",
            size=1000,
            sha256="0" * 64,
            uploaded_at=at(23, 9, 15),
        )
        _steps(dossier, agency)
        issued = at(24, 8)
        pdfs = {
            "receipt": render_form("receipt", dossier),
            "supplement": render_form(
                "supplement",
                dossier,
                context={
                    "officer": agency.officer,
                    "issued_at": issued,
                    "items": [
                        {"name": "Giấy chứng sinh", "reason": "Bản chụp mờ, không đọc được số hiệu."},
                        {"name": "Tờ khai đăng ký khai sinh", "reason": "Thiếu chữ ký của người đi khai."},
                    ],
                },
            ),
            "refusal": render_form(
                "refusal",
                dossier,
                context={
                    "officer": "Lê Thị Mai",
                    "issued_at": issued,
                    "reason": "Việc khai sinh thuộc thẩm quyền của Ủy ban nhân dân xã nơi cư trú của người mẹ.",
                },
            ),
            "apology": render_form(
                "apology",
                dossier,
                context={
                    "issued_at": issued,
                    "new_due_at": at(27, 16),
                    "reason": "Cần xác minh thông tin với cơ quan đăng ký hộ tịch nơi người mẹ cư trú.",
                    "signer": agency.leader,
                    "signer_title": "Chủ tịch",
                },
            ),
            "control": render_form("control", dossier),
        }
        others = [
            _dossier(
                agency,
                version,
                code=f"000.00.15.H40-261124-000{n}",
                received=at(24, 8 + n),
                due=at(26, 16),
                resolved_at=resolved,
                state="resolved",
            )
            for n, resolved in ((1, at(25, 10)), (2, at(26, 15)), (3, at(27, 9)))
        ]
        pdfs["book"] = render_book(
            agency.org, [dossier, *others], period_label="Tháng 11 năm 2026", on=dt.date(2026, 11, 30)
        )
        later = _dossier(
            agency, version, code=LATER_CODE, received=at(4, 10, month=1, year=2027), due=at(6, 16, month=1, year=2027)
        )
        later_receipt = render_form("receipt", later)
        register_key(CREDENTIALS.organisation(agency.org), demo_pki_root, organisation=agency.org)
        sealed = seal_form(pdfs["receipt"], agency.org, pin=PIN, anchor="Lê Thị Mai")
        result = Rendered(pdfs, sealed, later_receipt, agency.org.name, agency.org.code)
        transaction.set_rollback(True)
    return result


def text_of(pdf: bytes) -> str:
    """All pages' text with runs of white space made single spaces (lines wrap where the layout wants)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def page_size(pdf: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


HEADING = [
    "Mẫu số {number}",
    "ỦY BAN NHÂN DÂN XÃ HẢI HẬU",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
]


@pytest.mark.parametrize(
    ("purpose", "number", "title"),
    [
        ("receipt", "01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
        ("supplement", "02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
        ("refusal", "03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
        ("apology", "04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
        ("control", "05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
    ],
)
def test_each_dossier_form_has_heading_number_title_code_and_a5_paper(rendered, purpose, number, title):
    pdf = rendered.pdfs[purpose]
    text = text_of(pdf)
    for line in HEADING:
        assert line.format(number=number) in text
    assert title in text
    assert f"Mã hồ sơ: {CODE}" in text
    assert APPLICANT in text
    assert unicodedata.is_normalized("NFC", text)
    assert unicodedata.normalize("NFD", APPLICANT) not in text
    assert page_size(pdf) == A5
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_receipt_lists_applicant_papers_times_delivery_fee_officer_and_lookup_secret(rendered):
    text = text_of(rendered.pdfs["receipt"])
    assert "Nam Định, ngày 23 tháng 11 năm 2026" in text
    assert "Bộ phận Tiếp nhận và Trả kết quả Ủy ban nhân dân xã Hải Hậu tiếp nhận hồ sơ của:" in text
    assert f"Ông/Bà/Tổ chức: {APPLICANT}" in text
    assert "Số định danh cá nhân/Mã số doanh nghiệp: 036190001234" in text
    assert "Địa chỉ: Xóm 3, xã Hải Hậu, tỉnh Nam Định" in text
    assert "Số điện thoại: 0912345678" in text
    assert "Nội dung yêu cầu giải quyết: Thủ tục đăng ký khai sinh" in text
    # Only the paper the dossier holds a file for, with the procedure's count of originals and copies.
    assert "1 Tờ khai đăng ký khai sinh 1 0" in text
    assert "Giấy chứng sinh" not in text
    assert "2. Số lượng hồ sơ: 1 bộ." in text
    assert "3. Thời gian giải quyết hồ sơ theo quy định: 3 ngày làm việc." in text
    assert "4. Thời gian nhận hồ sơ: 09 giờ 15 phút, ngày 23 tháng 11 năm 2026." in text
    assert "5. Hẹn trả kết quả vào lúc 16 giờ 00 phút, ngày 25 tháng 11 năm 2026." in text
    assert "6. Hình thức nhận kết quả: Nhận tại bộ phận một cửa." in text
    assert "7. Phí, lệ phí: 50.000 đồng." in text
    assert "Tra cứu tình trạng hồ sơ trực tuyến bằng mã hồ sơ và mã tra cứu: K7M2Q9XR" in text
    assert text.endswith(
        f"NGƯỜI NỘP HỒ SƠ (Ký và ghi rõ họ tên) {APPLICANT} NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) Lê Thị Mai"
    )


def test_supplement_lists_each_paper_with_its_reason(rendered):
    text = text_of(rendered.pdfs["supplement"])
    assert "Nam Định, ngày 24 tháng 11 năm 2026" in text
    assert "1 Giấy chứng sinh Bản chụp mờ, không đọc được số hiệu." in text
    assert "2 Tờ khai đăng ký khai sinh Thiếu chữ ký của người đi khai." in text
    assert text.endswith("NGƯỜI HƯỚNG DẪN (Ký và ghi rõ họ tên) Lê Thị Mai")


def test_refusal_gives_the_reason(rendered):
    text = text_of(rendered.pdfs["refusal"])
    assert "Nam Định, ngày 24 tháng 11 năm 2026" in text
    assert (
        "thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau: Việc khai sinh thuộc thẩm quyền"
        " của Ủy ban nhân dân xã nơi cư trú của người mẹ."
    ) in text
    assert text.endswith("NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) Lê Thị Mai")


def test_apology_gives_the_first_and_the_new_appointment_and_the_reason(rendered):
    text = text_of(rendered.pdfs["apology"])
    # Issued by the agency's head: the superior body on the first line, the agency on the second.
    assert "ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH ỦY BAN NHÂN DÂN XÃ HẢI HẬU" in text
    assert (
        "Ngày 23 tháng 11 năm 2026, Ủy ban nhân dân xã Hải Hậu tiếp nhận giải quyết hồ sơ của Ông/Bà/Tổ chức:"
        f" {APPLICANT}." in text
    )
    assert "Thời hẹn trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 25 tháng 11 năm 2026." in text
    assert "Lý do: Cần xác minh thông tin với cơ quan đăng ký hộ tịch nơi người mẹ cư trú." in text
    assert (
        "Ủy ban nhân dân xã Hải Hậu xin lỗi Ông/Bà/Tổ chức và hẹn trả kết quả giải quyết hồ sơ vào lúc"
        " 16 giờ 00 phút, ngày 27 tháng 11 năm 2026."
    ) in text
    assert text.endswith("CHỦ TỊCH (Ký, ghi rõ họ tên và đóng dấu) Người dùng chutich")


def test_control_sheet_has_each_hand_over_with_its_mark(rendered):
    text = text_of(rendered.pdfs["control"])
    assert "Thời gian nhận hồ sơ: 09 giờ 15 phút, ngày 23 tháng 11 năm 2026." in text
    assert "Hẹn trả kết quả vào lúc 16 giờ 00 phút, ngày 25 tháng 11 năm 2026." in text
    assert "09:15 23/11/2026 17:00 23/11/2026 10:00 23/11/2026 Đúng hạn" in text
    assert "10:00 23/11/2026 17:00 24/11/2026 16:00 23/11/2026 Trước hạn" in text
    assert "16:00 23/11/2026 12:00 24/11/2026 15:00 24/11/2026 Quá hạn" in text
    assert text.endswith("15:00 24/11/2026 16:00 25/11/2026")  # the open step: no finish, no mark
    assert f"1 {APPLICANT} Lê Thị Mai" in text  # the applicant hands the dossier to the receiving officer


def test_book_is_a4_landscape_with_one_row_per_dossier(rendered):
    pdf = rendered.pdfs["book"]
    text = text_of(pdf)
    assert page_size(pdf) == A4_LANDSCAPE
    assert "Mẫu số 06" in text
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "Tháng 11 năm 2026" in text
    assert [text.count(f"000.00.15.H40-26112{day}-000{n}") for day, n in ((3, 7), (4, 1), (4, 2), (4, 3))] == [
        1,
        1,
        1,
        1,
    ]
    assert (text.count("Trước hạn"), text.count("Đúng hạn"), text.count("Quá hạn")) == (1, 1, 1)
    assert text.count("Đang xử lý") == 1
    assert text.count("Đã xử lý xong") == 3


def test_a_later_form_row_applies_to_dossiers_from_its_date_only(rendered):
    later = text_of(rendered.later_receipt)
    assert "Mẫu số 07" in later
    assert "GIẤY TIẾP NHẬN HỒ SƠ, HẸN TRẢ KẾT QUẢ GIẢI QUYẾT" in later
    assert f"Mã hồ sơ: {LATER_CODE}" in later
    assert page_size(rendered.later_receipt) == A4
    earlier = text_of(rendered.pdfs["receipt"])
    assert "Mẫu số 01" in earlier
    assert "Mẫu số 07" not in earlier


def test_the_receipt_embeds_exactly_the_qr_code_of_the_dossier_code(rendered):
    page = PdfReader(io.BytesIO(rendered.pdfs["receipt"])).pages[0]
    xobjects = page["/Resources"]["/XObject"]
    kinds = [xobjects[name].get_object()["/Subtype"] for name in xobjects]
    assert kinds.count("/Image") == 1
    (image,) = page.images
    picture = image.image.convert("L")
    expected = segno.make(CODE, error="m", micro=False, boost_error=False)
    assert expected.mode == "alphanumeric"
    modules = len(expected.matrix)
    assert picture.size == ((modules + 8) * 4, (modules + 8) * 4)
    # Read the symbol back module by module (centre pixel of each 4×4 cell, past the 4-module quiet zone).
    read = [
        [int(picture.getpixel((16 + 4 * x + 2, 16 + 4 * y + 2)) < 128) for x in range(modules)] for y in range(modules)
    ]
    assert read == [list(row) for row in expected.matrix]
    assert read != [list(row) for row in segno.make(LATER_CODE, error="m", micro=False).matrix]


def test_qr_png_is_the_dossier_code_alone():
    png = qr_png(CODE)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png == qr_png(CODE)
    assert png != qr_png(CODE + "X")


def test_sealed_form_validates_and_is_signed_by_the_organisation(rendered, demo_pki_root):  # noqa: F811
    report = validate_pdf(rendered.sealed, trust_roots=demo_trust_store(demo_pki_root))
    assert report.error == ""
    (signature,) = report.signatures
    assert (signature.intact, signature.trusted, signature.trust_problem) == (True, True, "")
    assert signature.is_organisation is True
    assert signature.signer_common_name == rendered.org_name
    assert signature.signer_organisation == rendered.org_name
    assert signature.signer_organisation_code == rendered.org_code
    assert signature.covers_whole_file is True
    assert signature.field_name == "egov-seal-1"
    # The signature is an incremental update: the unsigned form is the start of the sealed file.
    assert rendered.sealed.startswith(rendered.pdfs["receipt"])


@pytest.mark.django_db
def test_sealing_without_an_active_seal_key_is_a_domain_error():
    agency = make_agency()
    with pytest.raises(DomainError) as caught:
        seal_form(b"%PDF-1.7", agency.org, pin=PIN)
    assert caught.value.code == "seal_key_missing"
    assert caught.value.message == (
        "Ủy ban nhân dân xã Hải Hậu chưa có chứng thư số của cơ quan còn hiệu lực nên chưa đóng dấu số được biểu mẫu."
    )


@pytest.mark.django_db
def test_form_in_force_picks_the_latest_row_on_or_before_the_day():
    OfficialForm.objects.create(
        purpose="refusal",
        effective_from=dt.date(2027, 1, 1),
        instrument="Thông tư 99/2026/TT-VPCP",
        number="04",
        title="Phiếu từ chối tiếp nhận hồ sơ",
        paper="A5",
    )
    before = form_in_force("refusal", dt.date(2026, 12, 31))
    assert (before.number, before.title, before.instrument) == (
        "03",
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        "Thông tư 01/2018/TT-VPCP",
    )
    on_the_day = form_in_force("refusal", dt.date(2027, 1, 1))
    assert (on_the_day.number, on_the_day.title) == ("04", "Phiếu từ chối tiếp nhận hồ sơ")
    assert form_in_force("book", dt.date(2030, 1, 1)).paper == "A4"


@pytest.mark.django_db
def test_no_form_in_force_before_the_first_circular_is_a_domain_error():
    with pytest.raises(DomainError) as caught:
        form_in_force("receipt", dt.date(2019, 1, 7))
    assert caught.value.code == "form_not_in_force"
    assert caught.value.message == (
        "Chưa có biểu mẫu “Giấy tiếp nhận hồ sơ và hẹn trả kết quả” áp dụng vào ngày 07/01/2019."
    )
    with pytest.raises(DomainError) as unknown:
        form_in_force("certificate", dt.date(2026, 1, 1))
    assert unknown.value.code == "unknown_form"


@pytest.mark.django_db
def test_forms_refuse_what_they_cannot_print():
    agency = make_agency()
    version = make_procedure()
    dossier = _dossier(agency, version, code=CODE, received=at(23, 9, 15), due=None)
    with pytest.raises(DomainError) as not_received:
        render_form("receipt", dossier)
    assert not_received.value.code == "not_received"
    with pytest.raises(ValidationFailed) as no_items:
        render_form("supplement", dossier, context={"items": []})
    assert no_items.value.field == "items"
    with pytest.raises(ValidationFailed) as no_reason:
        render_form("refusal", dossier, context={})
    assert no_reason.value.field == "reason"
    with pytest.raises(ValidationFailed) as no_new_date:
        render_form("apology", dossier, context={"reason": "Chờ xác minh.", "new_due_at": at(20, 16)})
    assert no_new_date.value.field == "new_due_at"
    with pytest.raises(DomainError) as book:
        render_form("book", dossier)
    assert book.value.code == "book_per_period"
