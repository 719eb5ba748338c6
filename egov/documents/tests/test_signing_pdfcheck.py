"""The intake check of PDFs and text extraction for search."""

from __future__ import annotations

import pytest

from egov.core.errors import ValidationFailed
from egov.documents.signing.keys import Pkcs12Key
from egov.documents.signing.pdfcheck import PdfInfo, extract_text, inspect_pdf
from egov.documents.signing.sign import sign_as_signer
from egov.documents.tests.signing_fixtures import *  # noqa: F403
from egov.documents.tests.signing_fixtures import encrypt_pdf, make_pdf


def _refusal(data: bytes, **kwargs) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        inspect_pdf(data, **kwargs)
    assert caught.value.field == "file"
    return caught.value.errors


def test_an_ordinary_pdf_passes(sample_pdf):
    assert inspect_pdf(sample_pdf) == PdfInfo(
        page_count=2, encrypted=False, signed=False, signature_count=0, size=len(sample_pdf)
    )


def test_a_signed_pdf_says_so(sample_pdf, credentials):
    signed = sign_as_signer(
        sample_pdf, key=Pkcs12Key.from_credential(credentials.signer), signature_image=None, tsa_url=""
    )
    info = inspect_pdf(signed)
    assert (info.page_count, info.signed, info.signature_count) == (2, True, 1)


def test_bad_files_are_refused_on_the_file_field(sample_pdf):
    assert _refusal(b"") == {"file": ["Tệp rỗng."]}
    # The content decides, not the name: a PNG or a Word file renamed .pdf is not a PDF.
    assert _refusal(b"\x89PNG\r\n\x1a\n" + b"\0" * 100) == {"file": ["Tệp không phải là PDF."]}
    assert _refusal(b"PK\x03\x04word/document.xml") == {"file": ["Tệp không phải là PDF."]}
    assert _refusal(sample_pdf[: len(sample_pdf) // 2]) == {"file": ["Tệp PDF bị hỏng, không đọc được."]}
    assert _refusal(b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n") == {"file": ["Tệp PDF bị hỏng, không đọc được."]}
    assert _refusal(encrypt_pdf(sample_pdf)) == {
        "file": ["Tệp PDF được đặt mật khẩu hoặc mã hóa; hãy gửi bản không đặt mật khẩu."]
    }


def test_size_limit_from_the_argument_and_from_settings(sample_pdf, settings):
    assert _refusal(sample_pdf, max_bytes=len(sample_pdf) - 1)["file"][0].startswith("Tệp lớn hơn giới hạn ")
    assert inspect_pdf(sample_pdf, max_bytes=len(sample_pdf)).page_count == 2
    settings.EGOV_DOCUMENT_MAX_BYTES = 10 * 1024
    assert _refusal(sample_pdf + b"\n" * 10 * 1024) == {"file": ["Tệp lớn hơn giới hạn 10 KB cho phép."]}
    settings.EGOV_DOCUMENT_MAX_BYTES = 5 * 1024 * 1024 // 2
    big = sample_pdf + b"\n" * (3 * 1024 * 1024)
    assert _refusal(big) == {"file": ["Tệp lớn hơn giới hạn 2,5 MB cho phép."]}


def test_extract_text_keeps_vietnamese_and_separates_pages():
    text = extract_text(make_pdf(pages=3))
    assert "Trang 1: Điều 1. Nội dung quy định chi tiết." in text
    assert "Trang 2: Điều 2. Nội dung quy định chi tiết." in text
    assert "Quyết định về chuyển đổi số của tỉnh Nam Định." in text
    assert text.index("Trang 1") < text.index("Trang 2") < text.index("Quyết định")


def test_extract_text_of_a_damaged_file_is_empty():
    assert extract_text(b"%PDF-1.7 nothing else") == ""
