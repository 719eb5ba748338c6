"""The public catalogue pages: search with and without diacritics, filters, only versions in force, details."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from egov.services.catalogue.records import folded_text, version_to_record
from egov.services.catalogue.services import procedure_import
from egov.services.models import ProcedureVersion, RequiredDocument
from egov.services.tests import factories
from egov.services.tests.factories import SYSTEM

pytestmark = [pytest.mark.django_db, pytest.mark.urls("egov.services.tests.urls_catalogue_test")]

LIST = "/services/procedures/"


def make_procedure(code: str, *, result_type: str = "Văn bản trả lời", **kwargs) -> ProcedureVersion:
    """The factory's version with its own result and its search text as the catalogue services write it."""
    version = factories.make_procedure(code, **kwargs)
    version.result_type = result_type
    version.folded = folded_text(
        code=code,
        name=version.name,
        field_name=version.procedure.field.name,
        receiving_agency=version.receiving_agency,
        result_type=version.result_type,
    )
    version.save(update_fields=["result_type", "folded"])
    return version


def names(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<h2 class="govuk-heading-s[^"]*"><a class="govuk-link" href="[^"]+">([^<]+)</a>', html)


def count_text(response) -> str:
    return re.search(r'id="result-count" role="status">([^<]+)<', response.content.decode()).group(1)


@pytest.fixture
def catalogue(db):
    make_procedure("1.001193", name="Thủ tục đăng ký khai sinh", result_type="Giấy khai sinh (bản chính)")
    make_procedure("1.000894", name="Thủ tục đăng ký kết hôn", online_class="partial")
    make_procedure(
        "2.000815",
        name="Chứng thực bản sao từ bản chính",
        field="Chứng thực",
        processing_time=8,
        time_unit="working_hours",
        fees=[("fee", "Trang thứ nhất, trang thứ hai", 2000), ("fee", "Từ trang thứ ba", 1000)],
    )
    make_procedure("2.001417", name="Cấp Phiếu lý lịch tư pháp", field="Lý lịch tư pháp", level="province")
    make_procedure("9.000001", name="Đăng ký khai sinh dự thảo", state="draft")
    make_procedure("9.000002", name="Đăng ký khai sinh đã bãi bỏ", state="withdrawn")
    make_procedure("9.000003", name="Đăng ký khai sinh chưa hiệu lực", effective_from=dt.date(2099, 1, 1))
    expired = make_procedure("9.000004", name="Đăng ký khai sinh hết hiệu lực", effective_from=dt.date(2020, 1, 1))
    ProcedureVersion.objects.filter(pk=expired.pk).update(effective_to=dt.date(2021, 1, 1))


def test_list_shows_only_versions_in_force_to_anyone(client, catalogue):
    response = client.get(LIST)
    assert response.status_code == 200
    assert names(response) == [
        "Thủ tục đăng ký kết hôn",
        "Thủ tục đăng ký khai sinh",
        "Chứng thực bản sao từ bản chính",
        "Cấp Phiếu lý lịch tư pháp",
    ]
    assert count_text(response) == "4 thủ tục"
    assert '<html lang="vi"' in response.content.decode()


@pytest.mark.parametrize("query", ["khai sinh", "KHAI SINH", "dang ky khai sinh", "Đăng ký khai  sinh", "1.001193"])
def test_search_ignores_diacritics_and_case(client, catalogue, query):
    response = client.get(LIST, {"q": query})
    assert names(response) == ["Thủ tục đăng ký khai sinh"]
    assert count_text(response) == "1 thủ tục"


def test_search_matches_every_word_in_any_order(client, catalogue):
    assert names(client.get(LIST, {"q": "ket hon dang ky"})) == ["Thủ tục đăng ký kết hôn"]
    assert names(client.get(LIST, {"q": "khai sinh kết hôn"})) == []
    assert "Không tìm thấy thủ tục nào" in client.get(LIST, {"q": "xyz"}).content.decode()


def test_search_reaches_field_agency_and_result(client, catalogue):
    assert names(client.get(LIST, {"q": "ly lich tu phap"})) == ["Cấp Phiếu lý lịch tư pháp"]
    assert names(client.get(LIST, {"q": "ban chinh"})) == [
        "Thủ tục đăng ký khai sinh",
        "Chứng thực bản sao từ bản chính",
    ]
    assert len(names(client.get(LIST, {"q": "bo phan mot cua"}))) == 4


def test_filters_by_field_level_and_online_class(client, catalogue):
    assert names(client.get(LIST, {"field": "chứng-thực"})) == ["Chứng thực bản sao từ bản chính"]
    assert names(client.get(LIST, {"level": "province"})) == ["Cấp Phiếu lý lịch tư pháp"]
    assert names(client.get(LIST, {"online_class": "partial"})) == ["Thủ tục đăng ký kết hôn"]
    assert names(client.get(LIST, {"level": "commune", "q": "dang ky"})) == [
        "Thủ tục đăng ký kết hôn",
        "Thủ tục đăng ký khai sinh",
    ]
    # An unknown value (an old bookmark) is ignored, not an error.
    assert len(names(client.get(LIST, {"level": "ward"}))) == 4


def test_field_filter_lists_only_fields_in_force(client, catalogue):
    html = client.get(LIST).content.decode()
    options = re.findall(r'<option value="([^"]*)"', html.split('name="field"')[1].split("</select>")[0])
    assert options == ["", "chứng-thực", "hộ-tịch", "lý-lịch-tư-pháp"]


def test_pagination_and_count(client, db):
    for number in range(25):
        make_procedure(f"1.{number:06d}", name=f"Thủ tục số {number:02d}")
    first = client.get(LIST)
    assert count_text(first) == "25 thủ tục"
    assert len(names(first)) == 20
    assert 'class="govuk-pagination"' in first.content.decode()
    second = client.get(LIST, {"page": 2})
    assert names(second) == [f"Thủ tục số {n}" for n in range(20, 25)]


def test_list_query_count_does_not_grow_with_results(client, db, django_assert_max_num_queries):
    make_procedure("1.000001", name="Thủ tục một")
    with django_assert_max_num_queries(3):
        assert len(names(client.get(LIST))) == 1
    for number in range(2, 21):
        make_procedure(f"1.{number:06d}", name=f"Thủ tục {number}", field=f"Lĩnh vực {number}")
    with django_assert_max_num_queries(3):
        assert len(names(client.get(LIST, {"q": "thu tuc"}))) == 20


def test_detail_shows_what_an_applicant_needs(client, catalogue):
    response = client.get(f"{LIST}2.000815/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Chứng thực bản sao từ bản chính</h1>' in html
    assert '<dd class="govuk-summary-list__value" id="processing-time">8 giờ làm việc</dd>' in html
    assert ">2.000 đồng</td>" in html and ">1.000 đồng</td>" in html
    assert '<a class="govuk-link" href="#fees">Xem mức thu</a>' in html
    assert 'href="/services/apply/2.000815/"' in html
    assert "Nộp hồ sơ trực tuyến" in html
    assert "Luật Hộ tịch năm 2014; Nghị định 123/2015/NĐ-CP" in html
    assert "Toàn trình" in html and 'id="partial-reason"' not in html


def test_detail_of_a_free_partial_procedure(client, catalogue):
    version = ProcedureVersion.objects.get(procedure__code="1.000894")
    RequiredDocument.objects.filter(version=version, key="to-khai").update(
        template_url="https://example.test/mau-to-khai.docx", copies=2
    )
    html = client.get(f"{LIST}1.000894/").content.decode()
    assert '<dd class="govuk-summary-list__value" id="fee-summary">Miễn phí</dd>' in html
    assert '<p class="govuk-body" id="fees-free">Miễn phí</p>' in html
    assert "Một phần" in html
    assert "Phải xuất trình bản chính giấy tờ." in html
    assert '<a class="govuk-link" href="https://example.test/mau-to-khai.docx" rel="noopener">Mẫu tờ khai' in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in html
    assert "3 ngày làm việc" in html


@pytest.mark.parametrize("code", ["0.000000", "9.000001", "9.000002", "9.000003", "9.000004"])
def test_detail_is_404_for_unknown_or_not_in_force(client, catalogue, code):
    response = client.get(f"{LIST}{code}/")
    assert response.status_code == 404


def test_detail_shows_the_version_in_force_when_a_newer_one_waits(client, catalogue):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    current = ProcedureVersion.objects.get(procedure__code="1.001193")
    upcoming = version_to_record(current) | {
        "version": 2,
        "name": "Thủ tục đăng ký khai sinh (mới)",
        "effective_from": tomorrow,
        "published_at": None,
    }
    assert procedure_import(actor=SYSTEM, records=[upcoming]).ok
    html = client.get(f"{LIST}1.001193/").content.decode()
    assert '<h1 class="govuk-heading-l">Thủ tục đăng ký khai sinh</h1>' in html
    assert names(client.get(LIST, {"q": "khai sinh"})) == ["Thủ tục đăng ký khai sinh"]
