"""Public services in a real browser: a citizen applies online, the one-stop desk and the commune handle it, the
citizen downloads the result — and the supplement and refusal paths; every citizen page passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from egov.services.models import Dossier, DossierState
from egov.services.tests.factories import make_agency, make_procedure
from egov.services.tests.helpers import pdf_bytes, reseed_rules
from tests.browser.services_support import accessible, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def commune():
    reseed_rules()
    agency = make_agency()
    agency.applicant.phone = "0912345678"
    agency.applicant.save(update_fields=["phone"])
    make_procedure()
    return agency


@pytest.fixture
def papers(tmp_path):
    paths = {}
    for key, title in (("to-khai", "Tờ khai"), ("giay-chung-sinh", "Giấy chứng sinh"), ("ket-qua", "Giấy khai sinh")):
        paths[key] = tmp_path / f"{key}.pdf"
        paths[key].write_bytes(pdf_bytes(title))
    return paths


def apply_online(page, papers) -> Dossier:
    """The citizen finds the procedure in the catalogue and applies, checking each page with axe-core."""
    page.goto("/services/procedures/?q=khai+sinh")
    accessible(page)
    page.get_by_role("link", name="Thủ tục đăng ký khai sinh").click()
    accessible(page)
    page.locator("#apply").click()
    page.get_by_label("Cơ quan giải quyết").select_option(label="Ủy ban nhân dân xã Hải Hậu")
    accessible(page)
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_label("Số điện thoại").fill("0912345678")
    accessible(page)
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    # The form page: a wrong date is named in the error summary and beside the field.
    page.get_by_label("Họ, chữ đệm, tên người được khai sinh").fill("Trần Minh An")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Ngày, tháng, năm sinh")
    accessible(page)
    page.get_by_label("Ngày, tháng, năm sinh").fill("2026-11-02")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    for key in ("to-khai", "giay-chung-sinh"):
        card = page.locator(f"#paper-{key}")
        card.locator("input[type=file]").set_input_files(papers[key])
        card.get_by_role("button", name="Tải lên").click()
        expect(page.locator(f"#paper-{key}")).to_contain_text("Đã tải lên")
    accessible(page)
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra thông tin trước khi nộp")
    accessible(page)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã nộp hồ sơ")
    accessible(page)
    dossier = Dossier.objects.get()
    expect(page.locator("#code")).to_have_text(dossier.code)
    return dossier


def test_citizen_applies_the_commune_resolves_the_citizen_downloads(page, commune, papers):
    sign_in(page, "congdan@example.test")  # the applicant signs in with their e-mail address
    dossier = apply_online(page, papers)
    sign_out(page)

    sign_in(page, "motcua")
    page.goto("/services/desk/")
    page.get_by_role("link", name=dossier.code).click()
    page.get_by_label("Chuyển cho").select_option(label=commune.specialist.full_name)
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page.locator("#state")).to_have_text("Đang xử lý")
    receipt = page.request.get(f"/services/desk/{dossier.pk}/forms/receipt.pdf")
    assert (receipt.status, receipt.body()[:5]) == (200, b"%PDF-")
    sign_out(page)

    sign_in(page, "chuyenvien")
    page.goto(f"/services/desk/{dossier.pk}/")
    page.get_by_label("Chuyển cho").select_option(label=commune.leader.full_name)
    page.get_by_label("Ý kiến xử lý").fill("Hồ sơ đủ điều kiện, đề nghị ký.")
    page.get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect(page.locator("#steps")).to_contain_text("Lãnh đạo phê duyệt, ký")
    sign_out(page)

    sign_in(page, "chutich")
    page.goto(f"/services/desk/{dossier.pk}/")
    page.get_by_label("Kết quả giải quyết (PDF đã ký số)").set_input_files(papers["ket-qua"])
    page.get_by_role("button", name="Phê duyệt kết quả").click()
    expect(page.locator("#state")).to_have_text("Đã xử lý xong")
    sign_out(page)

    sign_in(page, "motcua")
    page.goto(f"/services/desk/{dossier.pk}/")
    page.get_by_role("button", name="Trả kết quả").click()
    expect(page.locator("#state")).to_have_text("Đã trả kết quả")
    sign_out(page)

    sign_in(page, "0912345678")  # and now with the phone number
    page.goto("/services/my/")
    accessible(page)
    page.get_by_role("link", name=dossier.code).click()
    accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="ket-qua.pdf").click()
    assert download.value.suggested_filename == "ket-qua.pdf"
    assert Dossier.objects.get().state == DossierState.RETURNED


def test_supplement_then_refusal(page, commune, papers):
    sign_in(page, "congdan@example.test")
    dossier = apply_online(page, papers)
    sign_out(page)

    sign_in(page, "motcua")
    page.goto(f"/services/desk/{dossier.pk}/")
    page.get_by_text("Yêu cầu bổ sung hồ sơ").click()
    page.get_by_label("Giấy tờ cần bổ sung, hoàn thiện").fill("Giấy chứng sinh")
    page.locator("#id_supplement-reason").fill("Bản chụp mờ, không đọc được")
    page.get_by_role("button", name="Gửi phiếu yêu cầu bổ sung").click()
    expect(page.locator("#state")).to_have_text("Yêu cầu bổ sung giấy tờ")
    sign_out(page)

    sign_in(page, "congdan@example.test")
    page.goto(f"/services/my/{dossier.pk}/")
    expect(page.locator("body")).to_contain_text("Bản chụp mờ, không đọc được")
    accessible(page)
    page.locator("input[type=file]").first.set_input_files(papers["giay-chung-sinh"])
    page.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
    expect(page.locator("body")).to_contain_text("Mới đăng ký")
    sign_out(page)

    sign_in(page, "motcua")
    page.goto(f"/services/desk/{dossier.pk}/")
    page.get_by_text("Từ chối giải quyết").click()
    page.locator("#id_refuse-reason").fill("Không thuộc thẩm quyền của xã")
    page.get_by_role("button", name="Từ chối", exact=True).click()
    expect(page.locator("#state")).to_have_text("Không được tiếp nhận")
    refusal = page.request.get(f"/services/desk/{dossier.pk}/forms/refusal.pdf")
    assert (refusal.status, refusal.body()[:5]) == (200, b"%PDF-")
    assert Dossier.objects.get().state == DossierState.REFUSED


def test_a_fully_online_dossier_is_paid_through_the_sandbox_gateway(page, commune, settings, live_server):
    """The fee: the dossier waits for it, the citizen pays on the gateway (its own process), the dossier goes on."""
    from egov.accounts.actor import Actor
    from egov.services.dossiers import processing as p
    from egov.services.models import Payment, PaymentState
    from egov.services.payments.testing import configure
    from egov.services.tests.helpers import submit
    from egov.services.tests.test_payments_sandbox import free_port, start_sandbox, stop

    port = free_port()
    configure(settings, f"http://127.0.0.1:{port}/pay", site_url=live_server.url)
    version = make_procedure("2.000635", name="Cấp bản sao trích lục hộ tịch", fees=[("charge", "Lệ phí", 8000)])
    dossier = p.dossier_accept(actor=Actor(user=commune.officer), dossier=submit(commune, version))
    assert dossier.state == DossierState.AWAITING_PAYMENT
    process = start_sandbox(port, f"{live_server.url}/services/payments/callback/")
    try:
        sign_in(page, "congdan@example.test")
        page.goto(f"/services/my/{dossier.pk}/")
        accessible(page)
        page.get_by_role("button", name="Thanh toán trực tuyến").click()
        expect(page.locator("body")).to_contain_text("Cổng thanh toán thử nghiệm")
        page.get_by_role("button", name="Thanh toán", exact=True).click()
        expect(page.locator("body")).to_contain_text("Đã thanh toán thành công")
        accessible(page)
    finally:
        stop(process)
    dossier.refresh_from_db()
    assert (Payment.objects.get().state, dossier.state) == (PaymentState.PAID, DossierState.PROCESSING)
