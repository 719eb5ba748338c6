"""Official documents in a real browser: an incoming paper document from registration to its result, and an
outgoing one from draft to the recipient's register."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from egov.documents.models import Document
from egov.exchange.testing import run_exchange
from tests.browser.documents_support import *  # noqa: F403 (fixtures)
from tests.browser.documents_support import PIN, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _state(page):
    return page.locator("#document-state")


def test_incoming_paper_document_from_registration_to_result(page, documents_agency, pdf_file):
    agency = documents_agency
    year = timezone.localdate().year
    issued = (timezone.localdate() - dt.timedelta(days=2)).isoformat()

    # The clerk registers the scan of a paper letter, by keyboard from the first field.
    log_in(page, agency.clerk.username)
    page.get_by_role("link", name="Văn bản", exact=True).click()
    page.get_by_role("link", name="Vào sổ văn bản đến").click()
    expect(page.get_by_label("Loại văn bản")).to_be_focused()
    page.get_by_label("Loại văn bản").select_option(label="Công văn")
    page.keyboard.press("Tab")
    page.keyboard.type("125/UBND-VP")
    page.get_by_label("Ngày ban hành").fill(issued)
    page.get_by_label("Cơ quan ban hành", exact=True).fill("Ủy ban nhân dân tỉnh Nam Định (000.00.00.H40)")
    page.get_by_label("Trích yếu nội dung").fill("V/v triển khai nền tảng số tại địa phương")
    page.get_by_role("textbox", name="Người ký (không bắt buộc)", exact=True).fill("Phạm Đình Nghị")
    page.get_by_label("Bản quét (PDF)").set_input_files(pdf_file("cong-van-125.pdf", "Công văn số 125/UBND-VP"))
    page.get_by_role("button", name="Vào sổ").click()
    expect(page.locator("#registered")).to_contain_text("Đã vào sổ văn bản đến")
    expect(page.locator("#arrival-number")).to_have_text("1")

    # Typing the same number again warns at once, before anything is saved.
    page.get_by_label("Số, ký hiệu").fill("125/UBND-VP")
    page.get_by_label("Cơ quan ban hành", exact=True).fill("Ủy ban nhân dân tỉnh Nam Định (000.00.00.H40)")
    page.get_by_label("Cơ quan ban hành", exact=True).press("Tab")
    expect(page.locator("#possible-duplicates")).to_contain_text(f"Số đến 1/{year}")
    log_out(page)

    # The director assigns it in one click from the inbox.
    log_in(page, agency.director.username)
    page.goto("/documents/")
    row = page.locator("#to-assign tr", has_text="125/UBND-VP")
    row.get_by_label("Chủ trì giải quyết").select_option(label="Lê Minh Tuấn — Chuyên viên, Phòng Công nghệ thông tin")
    row.get_by_role("button", name="Giao").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Đã phân công giải quyết.")
    expect(page.locator("#to-assign")).to_have_count(0)
    log_out(page)

    # The specialist finds it in "my documents" and reports the result.
    log_in(page, agency.specialist.username)
    page.goto("/documents/")
    page.locator("#my-work").get_by_role("link", name="125/UBND-VP", exact=False).click()
    expect(_state(page)).to_have_text("Đang giải quyết")
    page.get_by_role("button", name="Báo cáo kết quả giải quyết").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Kết quả giải quyết: Trường này là bắt buộc.")
    page.get_by_label("Kết quả giải quyết").fill("Đã dự thảo công văn trả lời UBND tỉnh.")
    page.get_by_role("button", name="Báo cáo kết quả giải quyết").click()
    expect(_state(page)).to_have_text("Đã giải quyết xong")
    expect(page.locator("#assignments")).to_contain_text("Đã dự thảo công văn trả lời UBND tỉnh.")
    assert Document.objects.get().state == "completed"


def test_outgoing_document_from_draft_to_the_recipient_register(page, documents_agency, pdf_file):
    agency = documents_agency

    # The specialist drafts a decision for Hải Hậu and submits it.
    log_in(page, agency.specialist.username)
    page.goto("/documents/")
    page.get_by_role("link", name="Soạn thảo văn bản đi").click()
    page.get_by_label("Loại văn bản").select_option(label="Quyết định (QĐ)")
    page.get_by_label("Trích yếu nội dung").fill("Quyết định ban hành Kế hoạch chuyển đổi số năm 2027")
    page.get_by_label("Người ký", exact=True).select_option(label="Nguyễn Văn Dũng")
    page.get_by_label("Nơi nhận trên hệ thống").select_option(label="— Ủy ban nhân dân huyện Hải Hậu (000.00.35.H40)")
    page.get_by_label("Tệp dự thảo (PDF)").set_input_files(pdf_file("du-thao.pdf", "Quyết định ban hành Kế hoạch"))
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(_state(page)).to_have_text("Dự thảo")
    page.get_by_role("button", name="Trình duyệt").click()
    expect(_state(page)).to_have_text("Chờ lãnh đạo đơn vị duyệt")
    log_out(page)

    # The unit head approves the content.
    log_in(page, agency.unit_head.username)
    page.goto("/documents/")
    page.locator("#to-review").get_by_role("link", name="Quyết định ban hành Kế hoạch").click()
    page.get_by_role("button", name="Duyệt, trình lãnh đạo cơ quan").click()
    expect(_state(page)).to_have_text("Chờ lãnh đạo cơ quan phê duyệt")
    log_out(page)

    # The director approves, then signs with the PIN of the key (a wrong PIN first).
    log_in(page, agency.director.username)
    page.goto("/documents/")
    page.locator("#to-review").get_by_role("link", name="Quyết định ban hành Kế hoạch").click()
    page.get_by_role("button", name="Phê duyệt").click()
    expect(_state(page)).to_have_text("Đã phê duyệt, chờ ký")
    page.get_by_label("Mã PIN của khóa ký").fill("sai-ma-pin")
    page.get_by_role("button", name="Ký số").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Mật khẩu của tệp khóa ký số không đúng")
    page.get_by_label("Mã PIN của khóa ký").fill(PIN)
    page.get_by_role("button", name="Ký số").click()
    expect(_state(page)).to_have_text("Đã ký, chờ cấp số và đóng dấu")
    expect(page.locator("#signatures")).to_contain_text("Chữ ký số của cá nhân: Nguyễn Văn Dũng")
    log_out(page)

    # The clerk gives it its number, the seal signature, and sends it.
    log_in(page, agency.clerk.username)
    page.goto("/documents/")
    page.locator("#to-issue").get_by_role("link", name="Quyết định ban hành Kế hoạch").click()
    page.get_by_label("Mã PIN của khóa ký").fill(PIN)
    page.get_by_role("button", name="Cấp số và phát hành").click()
    expect(_state(page)).to_have_text("Đã ban hành")
    expect(page.locator("#document-number")).to_have_text("01/QĐ-STTTT")
    expect(page.locator("#recipients")).to_contain_text("Chờ gửi qua trục liên thông")
    # The worker pushes the package to the hub, Hải Hậu's side pulls and registers it, and its status 01 comes back.
    run_exchange()
    page.reload()
    expect(page.locator("#recipients")).to_contain_text("Đã gửi đến nơi nhận")
    expect(page.locator("#signatures")).to_contain_text("Chữ ký số của cá nhân: Nguyễn Văn Dũng")
    expect(page.locator("#signatures")).to_contain_text(
        "Chữ ký số của cơ quan: Sở Thông tin và Truyền thông tỉnh Nam Định"
    )
    log_out(page)

    # Hải Hậu's clerk finds it waiting for their incoming register.
    log_in(page, agency.recipient_clerk.username)
    page.goto("/documents/")
    expect(page.locator("#to-register")).to_contain_text("01/QĐ-STTTT")
    expect(page.locator('[data-count="to_register"]')).to_have_text("1")


def test_document_page_fits_a_phone(phone, documents_agency):
    from egov.documents.services.incoming import document_register_paper
    from egov.documents.tests.factories import actor, make_pdf, paper_values

    agency = documents_agency
    issued = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    document = document_register_paper(
        actor=actor(agency.clerk),
        organisation=agency.org,
        values=paper_values(issued_on=issued, subject="V/v " + "triển khai nền tảng số tại địa phương " * 6),
        main_file=("ban-quet-cong-van-trien-khai-nen-tang-so-tai-dia-phuong.pdf", make_pdf("Công văn")),
    )
    log_in(phone, agency.clerk.username)
    phone.goto(f"/documents/{document.pk}/")
    expect(phone.locator("#document-number")).to_have_text("125/UBND-VP")
    # The page itself does not scroll sideways; only tables scroll inside their boxes.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto("/documents/incoming/new/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
