"""PAdES signatures made with pyHanko and validated back: the signer's, the seal, the appendix, and what breaks them."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from zoneinfo import ZoneInfo

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

from egov.core.errors import ValidationFailed
from egov.documents.signing import images
from egov.documents.signing.keys import Pkcs12Key, SigningFailed
from egov.documents.signing.sign import sign_appendix, sign_as_organisation_seal, sign_as_signer
from egov.documents.signing.trust import TrustStore, trust_store_from_folder
from egov.documents.signing.validate import validate_pdf
from egov.documents.tests.signing_fixtures import *  # noqa: F403
from egov.documents.tests.signing_fixtures import ORG_CODE, ORG_NAME, SIGNER_NAME, byte_ranges, encrypt_pdf

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(scope="module")
def signed_twice(sample_pdf, credentials):
    """The decision signed by the chairman, then sealed by the provincial committee."""
    first = sign_as_signer(
        sample_pdf,
        key=Pkcs12Key.from_credential(credentials.signer),
        signature_image=images.signature_image(SIGNER_NAME),
        anchor=SIGNER_NAME,
        reason="Ký ban hành",
        location="Nam Định",
        tsa_url="",
    )
    second = sign_as_organisation_seal(
        first,
        key=Pkcs12Key.from_credential(credentials.organisation),
        seal_image=images.seal_image(ORG_NAME, "Nam Định"),
        tsa_url="",
    )
    return first, second


def _widget_rects(pdf: bytes) -> dict[str, tuple[float, ...]]:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    rects = {}
    for name, _value, ref in enumerate_sig_fields(reader):
        rects[name] = tuple(float(v) for v in ref.get_object()["/Rect"])
    return rects


def test_signer_then_seal_both_intact_trusted_and_named(signed_twice, demo_store):
    _first, second = signed_twice
    report = validate_pdf(second, trust_roots=demo_store)
    assert report.error == ""
    signer, seal = report.signatures
    assert (signer.field_name, signer.intact, signer.trusted, signer.trust_problem) == ("egov-signer-1", True, True, "")
    assert (signer.signer_common_name, signer.signer_organisation, signer.signer_organisation_code) == (
        SIGNER_NAME,
        ORG_NAME,
        ORG_CODE,
    )
    assert signer.is_organisation is False
    # The seal came after: the signer's signature no longer covers the whole file, and what was added is
    # another signature only.
    assert (signer.covers_whole_file, signer.modification_level) == (False, "signatures")
    assert (seal.field_name, seal.intact, seal.trusted, seal.trust_problem) == ("egov-seal-2", True, True, "")
    assert (seal.signer_common_name, seal.signer_organisation, seal.signer_organisation_code) == (
        ORG_NAME,
        ORG_NAME,
        ORG_CODE,
    )
    assert seal.is_organisation is True
    assert (seal.covers_whole_file, seal.modification_level) == (True, "none")
    assert signer.timestamped is False and seal.timestamped is False
    now = dt.datetime.now(dt.UTC)
    assert now - dt.timedelta(minutes=5) < signer.signed_at <= seal.signed_at <= now
    assert report.signed and report.all_valid


def test_the_seal_leaves_the_signers_bytes_untouched(signed_twice):
    first, second = signed_twice
    assert second.startswith(first)
    assert len(byte_ranges(second)) == 2


def test_seal_covers_the_left_third_of_the_signer_image(signed_twice):
    rects = _widget_rects(signed_twice[1])
    sx0, sy0, sx1, sy1 = rects["egov-signer-1"]
    cx0, cy0, cx1, cy1 = rects["egov-seal-2"]
    assert cx1 == pytest.approx(sx0 + (sx1 - sx0) / 3, abs=0.05)
    assert cx1 - cx0 == pytest.approx(images.SEAL_DIAMETER_PT, abs=0.05)  # a round seal at its real size
    assert (cy0 + cy1) / 2 == pytest.approx((sy0 + sy1) / 2, abs=0.05)


def test_signer_image_sits_between_title_and_name_on_the_last_page(signed_twice):
    first, _second = signed_twice
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", "2", "-l", "2", "-", "-"], input=first, capture_output=True, check=True
    ).stdout.decode()
    words = {
        text: (float(y0), float(y1))
        for y0, y1, text in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', out)
    }
    page_height = 841.89
    title_bottom = page_height - words["TỊCH"][1]  # PDF coordinates grow upwards
    name_top = page_height - words["An"][0]
    _x0, y0, _x1, y1 = _widget_rects(first)["egov-signer-1"]
    assert name_top < y0 < y1 < title_bottom
    reader = PdfFileReader(io.BytesIO(first), strict=False)
    (_name, _value, ref), *_ = enumerate_sig_fields(reader)
    assert ref.get_object()["/P"].get_object() is reader.root["/Pages"]["/Kids"][1].get_object()


def test_tampering_a_signed_byte_breaks_both_signatures(signed_twice, demo_store):
    _first, second = signed_twice
    # The producer string of the document information, a plain-text byte the first signature covers.
    offset = second.index(b"/Producer (WeasyPrint") + len(b"/Producer (")
    first_range = byte_ranges(second)[0]
    assert offset < first_range[1]  # inside the bytes the signer's signature covers
    tampered = bytearray(second)
    tampered[offset] ^= 0x20
    report = validate_pdf(bytes(tampered), trust_roots=demo_store)
    assert [s.intact for s in report.signatures] == [False, False]
    assert [s.trusted for s in report.signatures] == [False, False]
    assert report.signatures[0].trust_problem == (
        "Chữ ký không còn nguyên vẹn: tài liệu đã bị sửa sau khi ký, hoặc chữ ký không đúng."
    )
    assert report.all_valid is False


def test_a_content_change_after_signing_is_reported_as_other(signed_twice, demo_store):
    from pyhanko.stamp import TextStampStyle

    writer = IncrementalPdfFileWriter(io.BytesIO(signed_twice[1]), strict=False)
    TextStampStyle(stamp_text="Đã sửa").create_stamp(writer, None, {}).apply(0, 100, 100)
    out = io.BytesIO()
    writer.write(out)
    report = validate_pdf(out.getvalue(), trust_roots=demo_store)
    assert [(s.intact, s.covers_whole_file, s.modification_level) for s in report.signatures] == [
        (True, False, "other"),
        (True, False, "other"),
    ]


@pytest.mark.parametrize(
    ("holder", "problem_start"),
    [
        ("expired", "Chứng thư số đã hết hạn ngày "),
        ("not_yet_valid", "Chứng thư số chưa có hiệu lực (có hiệu lực từ "),
        ("stranger", "Chứng thư số không do tổ chức chứng thực nào trong danh sách tin cậy cấp."),
        ("revoked", "Chứng thư số đã bị thu hồi."),
    ],
)
def test_untrusted_certificates_are_named(sample_pdf, credentials, demo_store, holder, problem_start):
    credential = getattr(credentials, holder)
    signed = sign_as_signer(sample_pdf, key=Pkcs12Key.from_credential(credential), signature_image=None, tsa_url="")
    (facts,) = validate_pdf(signed, trust_roots=demo_store).signatures
    assert (facts.intact, facts.trusted) == (True, False)
    assert facts.trust_problem.startswith(problem_start)
    assert facts.signer_common_name == credential.common_name


def test_expired_message_gives_the_expiry_date(sample_pdf, credentials, demo_store):
    signed = sign_as_signer(
        sample_pdf, key=Pkcs12Key.from_credential(credentials.expired), signature_image=None, tsa_url=""
    )
    (facts,) = validate_pdf(signed, trust_roots=demo_store).signatures
    not_after = credentials.expired.certificate.not_valid_after_utc
    assert facts.trust_problem == f"Chứng thư số đã hết hạn ngày {not_after:%d/%m/%Y}."
    assert "hết hạn" in facts.trust_problem
    assert facts.certificate_not_after == not_after


def test_trust_store_folder_makes_another_ca_trusted(sample_pdf, credentials, other_pki, tmp_path):
    signed = sign_as_signer(
        sample_pdf, key=Pkcs12Key.from_credential(credentials.stranger), signature_image=None, tsa_url=""
    )
    (tmp_path / "root.crt").write_bytes(other_pki.root_cert_path.read_bytes())
    (tmp_path / "notes.txt").write_text("không phải chứng thư")
    (tmp_path / "broken.pem").write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    store = trust_store_from_folder(tmp_path)
    assert len(store.roots) == 1
    (facts,) = validate_pdf(signed, trust_roots=store).signatures
    assert (facts.trusted, facts.trust_problem) == (True, "")
    (facts,) = validate_pdf(signed, trust_roots=TrustStore()).signatures
    assert facts.trusted is False


def test_configured_store_is_egov_trust_store_plus_the_demo_root(
    sample_pdf, credentials, demo_pki, third_pki, tmp_path, settings
):
    from egov.documents.signing.pki import issue_person_certificate

    outsider = issue_person_certificate(
        third_pki,
        full_name="Hoàng Văn Ngoài",
        email="ngoai@example.vn",
        organisation_name=ORG_NAME,
        organisation_code=ORG_CODE,
        position="Phó Chủ tịch",
    )
    by_outsider = sign_as_signer(sample_pdf, key=Pkcs12Key.from_credential(outsider), signature_image=None, tsa_url="")
    by_signer = sign_as_signer(
        sample_pdf, key=Pkcs12Key.from_credential(credentials.signer), signature_image=None, tsa_url=""
    )
    settings.EGOV_PKI_DIR = demo_pki.directory
    settings.EGOV_TRUST_STORE = ""
    assert validate_pdf(by_signer).signatures[0].trusted is True
    assert validate_pdf(by_outsider).signatures[0].trusted is False
    (tmp_path / "third-root.pem").write_bytes(third_pki.root_cert_path.read_bytes())
    settings.EGOV_TRUST_STORE = str(tmp_path)
    assert validate_pdf(by_outsider).signatures[0].trusted is True
    assert validate_pdf(by_signer).signatures[0].trusted is True
    settings.EGOV_PKI_DIR = tmp_path / "no-pki-here"
    assert validate_pdf(by_signer).signatures[0].trusted is False


def test_appendix_signature_shows_number_symbol_and_vietnam_time(sample_pdf, credentials, demo_store):
    signed_at = dt.datetime(2025, 3, 14, 2, 30, 5, tzinfo=dt.UTC)
    signed = sign_appendix(
        sample_pdf,
        key=Pkcs12Key.from_credential(credentials.organisation),
        number_symbol="12/QĐ-UBND",
        signed_at=signed_at,
        tsa_url="",
    )
    (facts,) = validate_pdf(signed, trust_roots=demo_store).signatures
    assert (facts.field_name, facts.intact, facts.trusted) == ("egov-appendix-1", True, True)
    assert (facts.signer_common_name, facts.is_organisation, facts.signer_organisation_code) == (
        ORG_NAME,
        True,
        ORG_CODE,
    )
    assert facts.signed_at == signed_at
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-", "-"], input=signed, capture_output=True, check=True
    ).stdout.decode()
    lines = [line.strip() for line in first_page.splitlines() if line.strip()]
    assert lines[:2] == ["Số: 12/QĐ-UBND", "2025-03-14T09:30:05+07:00"]
    rect = _widget_rects(signed)["egov-appendix-1"]
    assert rect == (388.28, 791.89, 553.28, 819.89)  # top right of an A4 page: 15 mm from the right edge


def test_appendix_refuses_a_naive_time_and_an_empty_number(sample_pdf, credentials):
    key = Pkcs12Key.from_credential(credentials.organisation)
    with pytest.raises(ValueError, match="timezone-aware"):
        sign_appendix(sample_pdf, key=key, number_symbol="12/QĐ-UBND", signed_at=dt.datetime(2025, 1, 1), tsa_url="")
    with pytest.raises(ValidationFailed) as caught:
        sign_appendix(sample_pdf, key=key, number_symbol="  ", tsa_url="")
    assert caught.value.errors == {"number_symbol": ["Thiếu số, ký hiệu của văn bản."]}


def test_wrong_passphrase_is_a_clear_error(sample_pdf, credentials):
    key = Pkcs12Key(path=credentials.signer.p12_path, passphrase="sai-mat-khau")
    with pytest.raises(SigningFailed) as caught:
        sign_as_signer(sample_pdf, key=key, signature_image=None, tsa_url="")
    assert caught.value.code == "wrong_passphrase"
    assert caught.value.message.startswith("Mật khẩu của tệp khóa ký số không đúng")


def test_signing_refuses_what_is_not_a_signable_pdf(sample_pdf, credentials):
    key = Pkcs12Key.from_credential(credentials.signer)
    for data, message in [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "Tệp không phải là PDF."),
        (sample_pdf[: len(sample_pdf) // 2], "Tệp PDF bị hỏng, không đọc được."),
        (encrypt_pdf(sample_pdf), "Tệp PDF được đặt mật khẩu hoặc mã hóa; hãy gửi bản không đặt mật khẩu."),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            sign_as_signer(data, key=key, signature_image=None, tsa_url="")
        assert caught.value.errors == {"file": [message]}
    with pytest.raises(ValidationFailed) as caught:
        sign_as_signer(sample_pdf, key=key, signature_image=b"not an image", tsa_url="")
    assert caught.value.errors == {"signature_image": ["Không đọc được tệp ảnh (cần ảnh PNG nền trong suốt)."]}
    with pytest.raises(ValidationFailed) as caught:
        sign_as_signer(sample_pdf, key=key, signature_image=None, page=5, tsa_url="")
    assert caught.value.errors == {"page": ["Tài liệu không có trang 6."]}


def test_validation_never_raises_on_bad_files(sample_pdf, demo_store):
    cases = {
        b"": "Tệp rỗng.",
        b"hello, not a pdf": "Tệp không phải là PDF.",
        b"%PDF-1.7\n garbage": "Tệp PDF bị hỏng, không đọc được.",
        encrypt_pdf(sample_pdf): "Tệp PDF được đặt mật khẩu hoặc mã hóa; không kiểm tra được chữ ký.",
    }
    for data, error in cases.items():
        report = validate_pdf(data, trust_roots=demo_store)
        assert (report.error, report.signatures, report.signed) == (error, (), False)
    unsigned = validate_pdf(sample_pdf, trust_roots=demo_store)
    assert (unsigned.error, unsigned.signed, unsigned.all_valid) == ("", False, False)


def test_a_garbled_signature_container_is_reported_not_raised(signed_twice, demo_store):
    second = signed_twice[1]
    start, length, _after, _rest = byte_ranges(second)[1]
    contents = bytearray(second)
    # Overwrite the start of the seal's hex-encoded CMS blob (between the two byte ranges) with zeros.
    contents[start + length + 1 : start + length + 41] = b"0" * 40
    report = validate_pdf(bytes(contents), trust_roots=demo_store)
    assert report.error == ""
    seal = report.signatures[1]
    assert (seal.intact, seal.trusted) == (False, False)
    assert seal.trust_problem == "Chữ ký bị hỏng, không kiểm tra được."
