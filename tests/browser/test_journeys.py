"""The journeys people make, in a real browser."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from egov.accounts.tests.factories import PASSWORD
from egov.organisations.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_log_in_switch_language_and_log_out(page, people):
    # The browser asks for English (locale en-US); the platform still opens in Vietnamese.
    _login(page, "nd.clerk")
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Người dùng nd.clerk")
    assert page.locator("html").get_attribute("lang") == "vi"
    expect(page.get_by_text("Văn phòng Sở", exact=True).first).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Người dùng nd.clerk")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Agencies and units").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agencies and units")

    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cơ quan, đơn vị")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")


def test_wrong_password_then_right(page, people):
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill("nd.clerk")
    page.get_by_label("Mật khẩu").fill("sai-mật-khẩu")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    _login(page, "nd.clerk")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def test_administrator_adds_a_unit_after_fixing_a_bad_code(page, tree, people):
    _login(page, "nd.admin")
    page.goto(f"/organisations/new/?parent={tree['nd_stttt'].pk}")
    page.get_by_label("Mã định danh điện tử").fill("000.03.12.h4")
    page.get_by_label("Tên đầy đủ").fill("Phòng Bưu chính, Viễn thông")
    page.get_by_label("Cấp", exact=True).select_option("unit")
    page.get_by_role("button", name="Lưu").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("không đúng định dạng")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Mã định danh điện tử")).to_be_focused()
    expect(page.get_by_label("Tên đầy đủ")).to_have_value("Phòng Bưu chính, Viễn thông")
    page.get_by_label("Mã định danh điện tử").fill("000.03.12.H40")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phòng Bưu chính, Viễn thông")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Đã thêm Phòng Bưu chính, Viễn thông.")
    created = Organisation.objects.get(code="000.03.12.H40")
    assert created.parent_node().code == "000.00.12.H40"


def test_organisation_tree_expands_in_place(page, tree, people):
    _login(page, "nd.admin")
    page.goto("/organisations/")
    page.locator(".egov-tree__item", has_text="Ủy ban nhân dân tỉnh Nam Định").locator("summary").first.click()
    expect(page.get_by_role("link", name="Sở Thông tin và Truyền thông tỉnh Nam Định")).to_be_visible()
    expect(page.get_by_text("Quảng Trị")).to_have_count(0)


def test_staff_member_turns_on_two_factor_and_signs_in_with_it(page, people):
    _login(page, "nd.specialist")
    page.goto("/account/")
    page.get_by_role("button", name="Bật xác thực hai lớp").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))

    def code(offset=0):
        totp = TOTP(key, 30, 0, 6, 0)
        totp.time = time.time() + offset
        return f"{totp.token():06d}"

    if time.time() % 30 > 25:  # keep enrolment and the next log-in clear of a 30-second window boundary
        time.sleep(30 - time.time() % 30 + 0.5)
    page.get_by_label("Mã 6 chữ số trong ứng dụng").fill(code())
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã bật xác thực hai lớp")
    assert len(page.locator("#backup-codes li").all()) == 10
    page.get_by_role("button", name="Đăng xuất").click()

    _login(page, "nd.specialist")
    expect(page.get_by_role("heading", level=1)).to_have_text("Xác thực hai lớp")
    page.get_by_label("Mã xác thực").fill(code(offset=30))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def test_phone_layout_has_a_working_menu(phone, people):
    _login(phone, "nd.admin")
    toggle = phone.get_by_role("button", name=re.compile("Trình đơn"))
    expect(toggle).to_be_visible()
    expect(phone.get_by_role("link", name="Cán bộ", exact=True)).to_be_hidden()
    toggle.click()
    phone.get_by_role("link", name="Cán bộ", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Cán bộ")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone ({width}px)"
