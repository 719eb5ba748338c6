"""A plan's life in a real browser: the secretary builds and issues it, the unit reports, the dashboard follows."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from egov.accounts.tests.factories import PASSWORD, make_person
from egov.plans.models import Plan, ProgressReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def _logout(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")


def _add_task(page, title: str, deadline: str) -> None:
    page.get_by_role("link", name="Thêm đầu việc").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm đầu việc")
    page.get_by_label("Nhiệm vụ", exact=True).fill(title)
    page.get_by_label("Đơn vị chủ trì").select_option(label="— Trung tâm Công nghệ thông tin (000.00.02.G16)")
    page.get_by_label("Thời gian hoàn thành").fill(deadline)
    page.get_by_role("button", name="Lưu").click()


def _status_count(page, status: str):
    return page.locator(f'tr[data-status="{status}"] td')


def test_plan_from_creation_to_dashboard(page, tree, people):
    year = timezone.localdate().year
    make_person("thuky", tree["bvh"], "plan_secretary")
    make_person("cv.ttcntt", tree["bvh_cntt"], "specialist")

    # The committee secretary creates the plan and its tasks.
    _login(page, "thuky")
    page.goto("/plans/new/")
    page.get_by_label("Tên kế hoạch").fill("Kế hoạch chuyển đổi số năm " + str(year))
    page.get_by_label("Cơ quan", exact=True).select_option(label="Bộ Văn hóa, Thể thao và Du lịch (000.00.00.G16)")
    page.get_by_label("Cơ quan ban hành").select_option(label="Bộ Văn hóa, Thể thao và Du lịch (000.00.00.G16)")
    page.get_by_label("Giai đoạn từ năm").fill(str(year - 1))
    page.get_by_label("Đến năm", exact=True).fill(str(year + 1))
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kế hoạch chuyển đổi số")
    plan = Plan.objects.get()

    # A bad deadline is refused with the field named, then corrected.
    _add_task(page, "Số hóa hồ sơ lưu trữ", "sớm nhất có thể")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Không đọc được thời gian hoàn thành")
    page.get_by_label("Thời gian hoàn thành").fill(f"Quý I/{year - 1}")
    page.get_by_role("button", name="Lưu").click()
    page.goto(f"/plans/{plan.pk}/")
    _add_task(page, "Xây dựng kho dữ liệu dùng chung", f"Năm {year + 1}")
    page.goto(f"/plans/{plan.pk}/")
    expect(page.locator("tbody tr")).to_have_count(2)

    # Issued by its decision.
    page.locator("#plan-transition").click()
    page.get_by_label("Theo quyết định số").fill("1035/QĐ-BVHTTDL")
    page.get_by_label("Ngày quyết định").fill(f"{year - 1}-01-15")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator("tr", has_text="Số hóa hồ sơ lưu trữ")).to_contain_text("Quá hạn")
    expect(page.locator("tr", has_text="Xây dựng kho dữ liệu dùng chung")).to_contain_text("Chưa triển khai")

    page.locator("#plan-dashboard").click()
    expect(page.locator('[data-figure="total"]')).to_have_text("2")
    expect(page.locator('[data-figure="overdue"]')).to_have_text("1")
    expect(_status_count(page, "not_started")).to_have_text("1")
    expect(_status_count(page, "in_progress")).to_have_text("0")
    _logout(page)

    # The lead unit's specialist finds the task in the unit's list and reports progress.
    _login(page, "cv.ttcntt")
    page.goto("/plans/tasks/")
    page.get_by_role("link", name="Xây dựng kho dữ liệu dùng chung").click()
    page.get_by_label("Tiến độ (%)").fill("150")
    page.get_by_label("Nội dung, kết quả thực hiện").fill("Đã khảo sát nhu cầu dữ liệu của các đơn vị.")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tiến độ phải từ 0 đến 100%")
    assert ProgressReport.objects.count() == 0
    page.get_by_label("Tiến độ (%)").fill("40")
    page.get_by_label("Nội dung, kết quả thực hiện").fill("Đã khảo sát nhu cầu dữ liệu của các đơn vị.")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã khảo sát nhu cầu dữ liệu của các đơn vị.").first).to_be_visible()
    assert ProgressReport.objects.get().percent == 40

    # The dashboard follows: one task in progress, none left not started, the overdue one still overdue.
    page.goto(f"/plans/{plan.pk}/dashboard/")
    expect(page.locator('[data-figure="overdue"]')).to_have_text("1")
    expect(_status_count(page, "in_progress")).to_have_text("1")
    expect(_status_count(page, "not_started")).to_have_text("0")


def test_plan_page_on_a_phone(phone, tree, people):
    from egov.plans.tests.factories import issued_plan

    issued_plan(tree)
    make_person("thuky", tree["bvh"], "plan_secretary")
    _login(phone, "thuky")
    phone.goto("/plans/")
    phone.get_by_role("link", name="Kế hoạch thực hiện Nghị quyết số 17/NQ-CP").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Kế hoạch thực hiện Nghị quyết số 17/NQ-CP")
    # The page itself does not scroll sideways; only the task table scrolls inside its box.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
