"""The search page through the test client: words without diacritics, filters, pages, saved searches, PDF export."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from egov.audit.models import AuditEvent
from egov.documents.models import AccessGrant, Document, SavedSearch
from egov.documents.search import reindex_document
from egov.documents.search.saved import saved_search_create
from egov.documents.tests.test_views_pages import text_of

pytestmark = pytest.mark.django_db

SEARCH = reverse("documents:search")
SAVE = reverse("documents:search_save")


def make_document(org, subject: str, **fields) -> Document:
    """A registered incoming document (a letter from the ministry unless told otherwise), indexed for search."""
    values = {
        "direction": "incoming",
        "state": "registered",
        "type_code": "cong_van",
        "type_name": "Công văn",
        "issuer_name": "Bộ Thông tin và Truyền thông",
        **fields,
    }
    document = Document.objects.create(organisation=org, subject=subject, **values)
    reindex_document(document.pk)
    return document


def result_ids(response) -> list[str]:
    return re.findall(r'<tr class="govuk-table__row" data-document="(\d+)">', response.content.decode())


def ids(*documents) -> list[str]:
    return [str(d.pk) for d in documents]


@pytest.fixture
def library(tree):
    """Documents of Sở TT&TT Nam Định: two about digital transformation, one urgent; a secret one; one elsewhere."""
    org = tree["nd_stttt"]
    return {
        "plan": make_document(
            org,
            "Quyết định ban hành Kế hoạch chuyển đổi số năm 2024",
            type_code="quyet_dinh",
            type_name="Quyết định",
            number_text="25",
            symbol="QĐ-UBND",
            issued_on=dt.date(2024, 3, 1),
            arrival_year=2024,
            arrival_number=7,
            urgency="urgent",
        ),
        "guide": make_document(
            org,
            "Hướng dẫn chuyển đổi số cấp xã",
            issued_on=dt.date(2023, 11, 20),
            arrival_year=2023,
            arrival_number=90,
        ),
        "other": make_document(org, "Báo cáo tình hình ứng dụng công nghệ thông tin", issued_on=dt.date(2024, 5, 2)),
        "secret": make_document(
            org, "Phương án chuyển đổi số bảo mật", secrecy="secret", issued_on=dt.date(2024, 4, 1)
        ),
        "elsewhere": make_document(tree["qt_stttt"], "Kế hoạch chuyển đổi số Quảng Trị"),
    }


def test_search_without_diacritics_finds_and_marks_the_words(library, people, login):
    response = login(people["nd_clerk"]).get(SEARCH, {"q": "chuyen doi so"})
    assert response.status_code == 200
    assert sorted(result_ids(response)) == sorted(ids(library["plan"], library["guide"]))
    assert response.context["result"].total == 2
    text = text_of(response)
    assert "Tìm thấy 2 văn bản" in text
    assert "Số, ký hiệu Ngày Loại văn bản Trích yếu Cơ quan ban hành Trạng thái" in text
    assert (
        "25/QĐ-UBND số đến 7 01/03/2024 Quyết định Quyết định ban hành Kế hoạch chuyển đổi số năm 2024 "
        "Bộ Thông tin và Truyền thông Đã vào sổ, chờ phân công"
    ) in text
    html = response.content.decode()
    assert "Quyết định ban hành Kế hoạch <mark>chuyển</mark> <mark>đổi</mark> <mark>số</mark> năm 2024" in html
    assert f'href="{reverse("documents:detail", args=[library["plan"].pk])}"' in html


def test_secret_documents_are_found_only_with_a_grant(library, people, login):
    clerk = people["nd_clerk"]
    response = login(clerk).get(SEARCH, {"q": "bảo mật"})
    assert (result_ids(response), response.context["result"].total) == ([], 0)
    assert "Tìm thấy 0 văn bản" in text_of(response)
    assert "Không tìm thấy văn bản nào. Thử bớt từ khóa hoặc bộ lọc." in text_of(response)
    AccessGrant.objects.create(document=library["secret"], person=clerk, reason="Văn thư mật")
    granted = login(clerk).get(SEARCH, {"q": "bảo mật"})
    assert result_ids(granted) == ids(library["secret"])


def test_filters_narrow_the_results(library, people, login):
    client = login(people["nd_clerk"])
    plan, guide, other = library["plan"], library["guide"], library["other"]
    assert result_ids(client.get(SEARCH, {"q": "chuyen doi so", "urgency": "urgent"})) == ids(plan)
    assert result_ids(client.get(SEARCH, {"q": "chuyen doi so", "year": "2023"})) == ids(guide)
    assert result_ids(client.get(SEARCH, {"q": "chuyen doi so", "type_code": "quyet_dinh"})) == ids(plan)
    dated = client.get(SEARCH, {"q": "chuyen doi so", "issued_from": "2024-01-01", "issued_to": "2024-12-31"})
    assert result_ids(dated) == ids(plan)
    assert result_ids(client.get(SEARCH, {"q": "chuyen doi so", "direction": "outgoing"})) == []
    # Filters alone list the matching documents, newest first.
    only_filters = client.get(SEARCH, {"issued_from": "2024-01-01"})
    assert result_ids(only_filters) == ids(other, plan)
    assert "Ban hành từ ngày: 01/01/2024" in text_of(only_filters)
    # Nothing typed and nothing chosen: the form only.
    empty = client.get(SEARCH)
    assert (empty.status_code, "result" in empty.context) == (200, False)


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"issued_from": "2024-13-01"}, {"issued_from": ["Ngày không hợp lệ (dạng YYYY-MM-DD)."]}),
        (
            {"issued_from": "2024-05-01", "issued_to": "2024-04-01"},
            {"issued_to": ["Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."]},
        ),
        ({"year": "năm ngoái"}, {"year": ["Năm không hợp lệ."]}),
        ({"type_code": "thu_tay"}, {"type_code": ["Loại văn bản “thu_tay” không có trong danh mục."]}),
        ({"direction": "sideways"}, {"direction": ["Loại sổ phải là văn bản đi hoặc văn bản đến."]}),
        ({"urgency": "gap"}, {"urgency": ["Độ khẩn không hợp lệ."]}),
        ({"q": "a" * 501}, {"q": ["Từ khóa tìm kiếm tối đa 500 ký tự (đang có 501)."]}),
    ],
)
def test_bad_input_is_shown_by_the_field(library, people, login, params, errors):
    client = login(people["nd_clerk"])
    response = client.get(SEARCH, {"q": "chuyen doi so", **params})
    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert "result" not in response.context
    field = next(iter(errors))
    assert f'<a href="#id_{field}">' in response.content.decode()
    download = client.get(SEARCH, {"q": "chuyen doi so", **params, "format": "pdf"})
    assert (download.status_code, download["Content-Type"]) == (400, "text/html; charset=utf-8")


def test_pages_of_results(tree, people, login):
    org = tree["nd_stttt"]
    documents = [make_document(org, f"Văn bản hướng dẫn số {n}") for n in range(25)]
    client = login(people["nd_clerk"])
    first = client.get(SEARCH, {"q": "huong dan"})
    assert len(result_ids(first)) == 20
    assert "Tìm thấy 25 văn bản" in text_of(first)
    assert 'href="?q=huong+dan&amp;page=2" rel="next"' in first.content.decode()
    second = client.get(SEARCH, {"q": "huong dan", "page": "2"})
    assert len(result_ids(second)) == 5
    assert set(result_ids(first)) | set(result_ids(second)) == set(ids(*documents))
    assert result_ids(client.get(SEARCH, {"q": "huong dan", "page": "99"})) == result_ids(second)
    assert len(result_ids(client.get(SEARCH, {"q": "huong dan", "page": "abc"}))) == 20


def test_results_page_costs_the_same_queries_for_more_results(library, people, login, tree):
    client = login(people["nd_clerk"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(SEARCH, {"q": "chuyen doi so"}).status_code == 200
        return len(queries)

    before = count()
    for n in range(15):
        make_document(tree["nd_stttt"], f"Báo cáo chuyển đổi số quý {n}")
    assert count() == before


def test_export_results_as_pdf(library, people, login):
    response = login(people["nd_clerk"]).get(SEARCH, {"q": "chuyen doi so", "urgency": "urgent", "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert re.fullmatch(r'attachment; filename="ket-qua-tim-kiem-\d{8}-\d{4}\.pdf"', response["Content-Disposition"])
    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "KẾT QUẢ TÌM KIẾM VĂN BẢN" in text
    assert "Từ khóa: chuyen doi so" in text
    assert "Bộ lọc: Độ khẩn: Khẩn" in text
    assert "Tìm thấy 1 văn bản" in text
    assert "Người kết xuất: Người dùng nd.clerk" in text
    assert "Kế hoạch chuyển đổi số năm 2024" in text
    assert "Hướng dẫn chuyển đổi số cấp xã" not in text
    unknown = login(people["nd_clerk"]).get(SEARCH, {"q": "chuyen doi so", "format": "docx"})
    assert unknown.status_code == 400
    assert unknown.context["form"].non_field_errors() == ["Chỉ tải được kết quả tìm kiếm dạng PDF."]


# --- Saved searches ----------------------------------------------------------------------------------------------


def test_save_run_and_delete_a_search(library, people, login):
    client = login(people["nd_clerk"])
    page = client.get(SEARCH, {"q": "chuyen doi so", "urgency": "urgent"})
    html = page.content.decode()
    assert '<input type="hidden" name="urgency" value="urgent">' in html
    response = client.post(SAVE, {"name": "Chuyển đổi số khẩn", "q": "chuyen doi so", "urgency": "urgent"})
    saved = SavedSearch.objects.get(owner=people["nd_clerk"])
    assert (saved.name, saved.query, saved.filters) == ("Chuyển đổi số khẩn", "chuyen doi so", {"urgency": "urgent"})
    assert response.status_code == 302
    assert response["Location"] == f"{SEARCH}?q=chuyen+doi+so&urgency=urgent"
    after = client.get(response["Location"])
    assert "Đã lưu yêu cầu tìm kiếm “Chuyển đổi số khẩn”." in text_of(after)
    assert result_ids(after) == ids(library["plan"])
    assert f'<a class="govuk-link" href="{SEARCH}?q=chuyen+doi+so&amp;urgency=urgent">Chuyển đổi số khẩn</a>' in (
        after.content.decode()
    )
    delete = client.post(reverse("documents:search_saved_delete", args=[saved.pk]))
    assert (delete.status_code, delete["Location"]) == (302, SEARCH)
    assert not SavedSearch.objects.exists()
    assert AuditEvent.objects.filter(action="documents.saved_search.delete", object_id=str(saved.pk)).count() == 1
    assert "Chưa có tìm kiếm nào được lưu." in text_of(client.get(SEARCH))


@pytest.mark.parametrize(
    ("data", "status", "form", "errors"),
    [
        ({"name": "", "q": "chuyen doi so"}, 422, "save_form", {"name": ["Đặt tên cho yêu cầu tìm kiếm."]}),
        (
            {"name": "Trùng", "q": "chuyen doi so"},
            422,
            "save_form",
            {"name": ["Bạn đã có yêu cầu tìm kiếm tên “Trùng”."]},
        ),
        (
            {"name": "Trống", "q": ""},
            422,
            "save_form",
            {"__all__": ["Nhập từ khóa hoặc chọn ít nhất một điều kiện lọc."]},
        ),
        (
            {"name": "Sai ngày", "q": "chuyen doi so", "issued_from": "hôm qua"},
            400,
            "form",
            {"issued_from": ["Ngày không hợp lệ (dạng YYYY-MM-DD)."]},
        ),
    ],
)
def test_bad_saved_searches_are_refused(library, people, login, actor_for, data, status, form, errors):
    saved_search_create(actor=actor_for(people["nd_clerk"]), name="Trùng", query="bao cao")
    response = login(people["nd_clerk"]).post(SAVE, data)
    assert response.status_code == status
    assert response.context[form].errors == errors
    assert list(SavedSearch.objects.values_list("name", flat=True)) == ["Trùng"]


def test_saved_searches_are_each_person_s_own(library, people, login, actor_for):
    mine = saved_search_create(actor=actor_for(people["nd_clerk"]), name="Của văn thư", query="bao cao")
    leader = login(people["nd_leader"])
    assert "Của văn thư" not in text_of(leader.get(SEARCH))
    response = leader.post(reverse("documents:search_saved_delete", args=[mine.pk]))
    assert response.status_code == 404
    assert SavedSearch.objects.filter(pk=mine.pk).exists()


# --- Who may search ----------------------------------------------------------------------------------------------


def test_permission_matrix(library, people, login):
    anonymous = Client()
    response = anonymous.get(SEARCH, {"q": "chuyen doi so"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('accounts:login')}?next=")
    assert anonymous.post(SAVE, {"name": "x", "q": "y"}).status_code == 302
    refused = login(people["applicant"]).get(SEARCH, {"q": "chuyen doi so"})
    assert refused.status_code == 403
    assert refused.context["message"] == "Bạn không có quyền làm việc với văn bản."
    assert login(people["applicant"]).post(SAVE, {"name": "x", "q": "y"}).status_code == 403
    assert not SavedSearch.objects.exists()
    # Another organisation's clerk finds only their own organisation's documents.
    other = login(people["qt_clerk"]).get(SEARCH, {"q": "chuyen doi so"})
    assert result_ids(other) == ids(library["elsewhere"])
    # A specialist with nothing assigned finds nothing of the department's.
    specialist = login(people["nd_specialist"]).get(SEARCH, {"q": "chuyen doi so"})
    assert (specialist.status_code, result_ids(specialist)) == (200, [])
