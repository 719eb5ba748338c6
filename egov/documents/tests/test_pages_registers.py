"""The register pages through the test client: Appendix IV columns, filters, summary, pages, downloads, who may read."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from egov.accounts.tests.factories import make_person
from egov.documents.models import AccessGrant, DeliveryState, RecipientKind
from egov.documents.tests.test_registers_rows import make_outgoing, registers  # noqa: F401 — fixture
from egov.documents.tests.test_views_pages import text_of

pytestmark = pytest.mark.django_db

OUT = reverse("documents:register_outgoing")
IN = reverse("documents:register_incoming")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows_of(response) -> list[str]:
    """The document ids of the table's rows, in order."""
    return re.findall(r'<tr class="govuk-table__row" data-document="(\d+)">', response.content.decode())


def ids(*documents) -> list[str]:
    return [str(d.pk) for d in documents]


def test_outgoing_register_shows_the_appendix_iv_columns_and_rows(registers, people, login):  # noqa: F811
    response = login(people["nd_clerk"]).get(OUT, {"year": "2024"})
    assert response.status_code == 200
    out = registers["out"]
    assert rows_of(response) == ids(out["cv1"], out["tb2"], out["qd3"])
    text = text_of(response)
    assert "Sở Thông tin và Truyền thông tỉnh Nam Định Sổ đăng ký văn bản đi" in text
    assert (
        "Số, ký hiệu văn bản Ngày tháng văn bản Tên loại và trích yếu nội dung văn bản Người ký Nơi nhận văn bản "
        "Đơn vị, người nhận bản lưu Số lượng bản Ngày chuyển Ký nhận Ghi chú"
    ) in text
    assert (
        "03/QĐ-STTTT 15/03/2024 Quyết định Phê duyệt Kế hoạch chuyển đổi số năm 2024 Lê Thị Hoa (KT. Phó Giám đốc) "
        "Ủy ban nhân dân tỉnh Nam Định; Bộ Thông tin và Truyền thông Phòng Công nghệ thông tin — "
        "Người dùng nd.specialist 5 15/03/2024 Khẩn"
    ) in text
    assert "Từ ngày 01/01/2024 đến ngày 31/12/2024 3 văn bản — từ số 01 đến số 03" in text
    # The secret document is not listed, and the clerk holds no grant to it.
    assert "Phương án bảo đảm an toàn hệ thống" not in text
    html = response.content.decode()
    assert f'href="{reverse("documents:detail", args=[out["qd3"].pk])}">03/QĐ-STTTT</a>' in html
    organisation = registers["org"].pk
    assert f'id="download-pdf" href="?year=2024&amp;organisation={organisation}&amp;format=pdf"' in html
    assert f'id="download-xlsx" href="?year=2024&amp;organisation={organisation}&amp;format=xlsx"' in html
    assert f'id="other-register" href="{IN}?year=2024&amp;organisation={organisation}"' in html


def test_incoming_register_shows_arrivals_and_handlers(registers, people, login):  # noqa: F811
    response = login(people["nd_clerk"]).get(IN, {"year": "2024"})
    assert response.status_code == 200
    assert rows_of(response) == ids(registers["in"]["in1"], registers["in"]["in2"])
    text = text_of(response)
    assert "Ngày đến Số đến Tác giả Số, ký hiệu văn bản Ngày tháng văn bản" in text
    assert (
        "09/01/2024 2 Ủy ban nhân dân tỉnh Nam Định 2508/QĐ-UBND 08/01/2024 Quyết định Triển khai nền tảng chia sẻ "
        "dữ liệu Chủ trì: Phòng Công nghệ thông tin; Phối hợp: Văn phòng Sở 10/01/2024 "
        "Hỏa tốc; Hạn giải quyết 20/01/2024"
    ) in text
    assert "2 văn bản — từ số 01 đến số 02" in text


def test_secret_entries_only_for_a_grant_holder(registers, people, login):  # noqa: F811
    clerk = people["nd_clerk"]
    secret = registers["out"]["secret1"]
    assert str(secret.pk) not in rows_of(login(clerk).get(OUT, {"year": "2024"}))
    AccessGrant.objects.create(document=secret, person=clerk, reason="Văn thư mật")
    response = login(clerk).get(OUT, {"year": "2024"})
    out = registers["out"]
    assert rows_of(response) == ids(out["cv1"], out["tb2"], out["qd3"], secret)
    assert "4 văn bản — từ số 01 đến số 03" in text_of(response)
    # The leader of the province reads the register too, but no grant: no secret entry, not even in the count.
    leader = login(people["nd_leader"]).get(OUT, {"year": "2024", "organisation": registers["org"].pk})
    assert leader.status_code == 200
    assert rows_of(leader) == ids(out["cv1"], out["tb2"], out["qd3"])
    assert "3 văn bản — từ số 01 đến số 03" in text_of(leader)


def test_filters_by_period_unit_type_and_urgency(registers, people, login, tree):  # noqa: F811
    client = login(people["nd_clerk"])
    out, inc = registers["out"], registers["in"]
    assert rows_of(client.get(OUT, {"date_from": "2024-01-01", "date_to": "2024-02-01"})) == ids(out["cv1"], out["tb2"])
    assert rows_of(client.get(OUT, {"date_from": "01/01/2024", "date_to": "01/02/2024"})) == ids(out["cv1"], out["tb2"])
    assert rows_of(client.get(OUT, {"year": "2023"})) == ids(out["qd_2023"])
    assert rows_of(client.get(OUT, {"year": "2024", "unit": tree["nd_stttt_cntt"].pk})) == ids(out["qd3"])
    assert rows_of(client.get(OUT, {"year": "2024", "type_code": "cong_van"})) == ids(out["cv1"])
    assert rows_of(client.get(OUT, {"year": "2024", "urgency": "urgent"})) == ids(out["qd3"])
    assert rows_of(client.get(IN, {"year": "2024", "unit": tree["nd_stttt_vp"].pk})) == ids(inc["in2"])
    response = client.get(OUT, {"year": "2024", "urgency": "flash"})
    assert rows_of(response) == []
    assert "Không có văn bản nào trong sổ ở thời gian và điều kiện đã chọn." in text_of(response)
    # The filter form keeps what was chosen.
    html = client.get(OUT, {"year": "2024", "type_code": "cong_van"}).content.decode()
    assert '<option value="cong_van" selected>Công văn</option>' in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"year": "20x4"}, "year", "Năm “20x4” không hợp lệ."),
        ({"date_from": "2024-02-30"}, "date_from", "Ngày “2024-02-30” không hợp lệ (dd/mm/yyyy)."),
        (
            {"date_from": "2024-05-01", "date_to": "2024-04-01"},
            "date_to",
            "Ngày kết thúc không thể trước ngày bắt đầu.",
        ),
        ({"type_code": "khong_co"}, "type_code", "Loại văn bản “khong_co” không có trong danh mục."),
        ({"urgency": "gap"}, "urgency", "Giá trị “gap” không hợp lệ."),
    ],
)
def test_bad_filters_are_shown_by_their_fields(registers, people, login, params, field, message):  # noqa: F811
    client = login(people["nd_clerk"])
    response = client.get(OUT, params)
    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert f'<a href="#id_{field}">' in response.content.decode()
    assert "rows" not in response.context
    # A download with the same bad filter is refused the same way: no file.
    download = client.get(OUT, {**params, "format": "pdf"})
    assert (download.status_code, download["Content-Type"]) == (400, "text/html; charset=utf-8")


def test_a_unit_of_another_organisation_is_refused(registers, people, login, tree):  # noqa: F811
    response = login(people["nd_clerk"]).get(IN, {"year": "2024", "unit": tree["qt_stttt"].pk})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "unit": ["Đơn vị phải thuộc Sở Thông tin và Truyền thông tỉnh Nam Định."]
    }


def test_unknown_download_format(registers, people, login):  # noqa: F811
    response = login(people["nd_clerk"]).get(OUT, {"year": "2024", "format": "docx"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["Không có định dạng tải về “docx”; chọn PDF hoặc Excel."]


def test_pdf_download(registers, people, login):  # noqa: F811
    response = login(people["nd_clerk"]).get(OUT, {"year": "2024", "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="so-dang-ky-van-ban-di-2024.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text
    assert "Phê duyệt Kế hoạch chuyển đổi số năm 2024" in text
    assert "Phương án bảo đảm an toàn hệ thống" not in text


def test_excel_download_with_the_same_filters(registers, people, login):  # noqa: F811
    response = login(people["nd_clerk"]).get(
        IN, {"date_from": "2024-01-01", "date_to": "2024-01-31", "urgency": "flash", "format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="so-dang-ky-van-ban-den-20240101-20240131.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu văn bản"]
    assert [row[1] for row in values[1:]] == [2]
    assert values[1][3] == "2508/QĐ-UBND"


def test_pages_of_the_register_follow_the_summary(registers, people, login):  # noqa: F811
    org = registers["org"]
    for n in range(4, 56):
        make_outgoing(org, number=n, issued_on=dt.date(2024, 5, 1), subject=f"Văn bản số {n}")
    client = login(people["nd_clerk"])
    first = client.get(OUT, {"year": "2024"})
    assert len(rows_of(first)) == 50
    assert "55 văn bản — từ số 01 đến số 55" in text_of(first)
    assert 'href="?year=2024&amp;page=2" rel="next"' in first.content.decode()
    second = client.get(OUT, {"year": "2024", "page": "2"})
    assert "Văn bản số 55" in text_of(second)
    assert len(rows_of(second)) == 5
    # A page past the end shows the last one.
    assert rows_of(client.get(OUT, {"year": "2024", "page": "9"})) == rows_of(second)


def test_register_page_costs_the_same_queries_for_more_rows(registers, people, login):  # noqa: F811
    client = login(people["nd_clerk"])
    client.get(OUT, {"year": "2024"})

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(OUT, {"year": "2024"}).status_code == 200
        return len(queries)

    before = count()
    org = registers["org"]
    for n in range(4, 40):
        make_outgoing(
            org,
            number=n,
            issued_on=dt.date(2024, 5, 1),
            subject=f"Văn bản {n}",
            drafting_unit=registers["out"]["qd3"].drafting_unit,
            created_by=people["nd_specialist"],
            recipients=[("Ủy ban nhân dân tỉnh Nam Định", RecipientKind.INTERNAL, DeliveryState.DELIVERED, None)],
        )
    assert count() == before


# --- Who may read the registers ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(registers):  # noqa: F811
    from django.test import Client

    for url in (OUT, IN):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_specialist_is_refused_with_the_reason(registers, people, login):  # noqa: F811
    client = login(people["nd_specialist"])
    response = client.get(OUT)
    assert response.status_code == 403
    assert text_of(response).count("Chỉ văn thư và lãnh đạo cơ quan được xem sổ đăng ký văn bản.") == 1
    response = client.get(IN, {"organisation": registers["org"].pk})
    assert response.status_code == 403
    assert response.context["message"] == (
        "Chỉ văn thư và lãnh đạo của Sở Thông tin và Truyền thông tỉnh Nam Định được xem sổ đăng ký văn bản "
        "của cơ quan."
    )
    assert login(people["applicant"]).get(OUT).status_code == 403


def test_another_organisation_is_refused_and_sees_only_its_own(registers, people, login):  # noqa: F811
    client = login(people["qt_clerk"])
    response = client.get(OUT, {"organisation": registers["org"].pk, "year": "2024"})
    assert response.status_code == 403
    assert response.context["message"].startswith("Chỉ văn thư và lãnh đạo của Sở Thông tin và Truyền thông tỉnh Nam")
    download = client.get(OUT, {"organisation": registers["org"].pk, "year": "2024", "format": "xlsx"})
    assert (download.status_code, download["Content-Type"]) == (403, "text/html; charset=utf-8")
    own = client.get(OUT, {"year": "2024"})
    assert own.status_code == 200
    assert own.context["organisation"].name == "Sở Thông tin và Truyền thông tỉnh Quảng Trị"
    assert rows_of(own) == ids(registers["out"]["other_org"])
    assert client.get(OUT, {"organisation": "999999"}).status_code == 404


def test_a_province_leader_chooses_among_the_agencies_below(registers, people, login, tree):  # noqa: F811
    response = login(people["nd_leader"]).get(OUT, {"year": "2024"})
    assert response.status_code == 200
    assert response.context["organisation"] == tree["nd"]
    choices = [label for _value, label in response.context["form"].fields["organisation"].widget.choices]
    assert choices == [
        "Ủy ban nhân dân tỉnh Nam Định",
        "Văn phòng UBND tỉnh Nam Định",
        "Sở Thông tin và Truyền thông tỉnh Nam Định",
        "Ủy ban nhân dân huyện Hải Hậu",
    ]
    assert '<select name="organisation"' in response.content.decode()


def test_a_clerk_whose_role_is_held_in_a_unit_reads_that_unit_s_register(registers, tree, login):  # noqa: F811
    clerk = make_person("vp.clerk", tree["nd_stttt_vp"], "clerk")
    client = login(clerk)
    response = client.get(OUT, {"year": "2024"})
    assert (response.status_code, response.context["organisation"]) == (200, tree["nd_stttt_vp"])
    assert rows_of(response) == []
    # The agency's own register needs a role held at the agency.
    refused = client.get(OUT, {"year": "2024", "organisation": registers["org"].pk})
    assert refused.status_code == 403
