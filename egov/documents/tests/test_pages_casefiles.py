"""The file (hồ sơ) pages through the test client: catalogue, create, edit, close, archive date, filing, exports."""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from egov.accounts.tests.factories import make_person
from egov.documents.models import AccessAction, AccessGrant, AccessLog, CaseFile, CaseFileItem, CaseFileState
from egov.documents.services.casefiles import casefile_add_document, casefile_close
from egov.documents.tests.test_casefiles_services import VALUES, attach, docs, open_file, org  # noqa: F401 — fixtures
from egov.documents.tests.test_registers_rows import make_outgoing
from egov.documents.tests.test_views_pages import text_of

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("documents:casefiles")
NEW = reverse("documents:casefile_create")
ND_STTTT = "Sở Thông tin và Truyền thông tỉnh Nam Định"
NEXT_YEAR = timezone.localdate().year + 1


def url(name: str, *args) -> str:
    return reverse(f"documents:{name}", args=args)


def catalogue_rows(response) -> list[tuple[str, str]]:
    """(file code, document count) of each row of the catalogue."""
    html = response.content.decode()
    return re.findall(
        r'<a class="govuk-link" href="/documents/files/\d+/">([^<]+)</a>.*?data-count="documents">(\d+)<', html, re.S
    )


def document_rows(response) -> list[str]:
    return re.findall(r'<tr class="govuk-table__row" data-document="(\d+)">', response.content.decode())


@pytest.fixture
def files(org, people, actor_for, docs, tree):  # noqa: F811 — fixtures
    """The specialist's open file with two documents, the office's file with a secret one, a file of 2023."""
    specialist, clerk = actor_for(people["nd_specialist"]), actor_for(people["nd_clerk"])
    mine = open_file(specialist, org)
    office = open_file(clerk, org, notation="03.VP", unit=str(tree["nd_stttt_vp"].pk), title="Hồ sơ văn phòng")
    old = open_file(clerk, org, notation="01.VP", year="2023", title="Hồ sơ năm trước")
    secret = make_outgoing(
        org, number=1, series="secret", issued_on=dt.date(2024, 2, 20), subject="Phương án mật", secrecy="secret"
    )
    AccessGrant.objects.create(document=secret, person=people["nd_clerk"], reason="Văn thư mật")
    for document in (docs["march"], docs["january"]):
        casefile_add_document(actor=specialist, case_file=mine, document=document)
    for document in (docs["january"], secret):
        casefile_add_document(actor=clerk, case_file=office, document=document)
    return {"mine": mine, "office": office, "old": old, "secret": secret}


# --- Catalogue -------------------------------------------------------------------------------------------------


def test_clerk_sees_the_catalogue_of_a_year(files, people, login, org):  # noqa: F811
    response = login(people["nd_clerk"]).get(CATALOGUE, {"year": "2024"})
    assert response.status_code == 200
    assert response.context["organisation"] == org
    assert catalogue_rows(response) == [("000.00.12.H40.2024.01.CNTT", "2"), ("000.00.12.H40.2024.03.VP", "2")]
    text = text_of(response)
    assert "Danh mục hồ sơ năm 2024" in text
    assert "Mã hồ sơ Tiêu đề hồ sơ Thời hạn bảo quản Người lập hồ sơ Số văn bản Hạn nộp lưu Tình trạng" in text
    assert (
        "000.00.12.H40.2024.01.CNTT Hồ sơ triển khai chuyển đổi số Phòng Công nghệ thông tin 20 năm "
        "Người dùng nd.specialist 2 — Đang lập"
    ) in text
    assert "2 hồ sơ" in text
    assert 'id="casefile-new"' in response.content.decode()
    old = login(people["nd_clerk"]).get(CATALOGUE, {"year": "2023"})
    assert catalogue_rows(old) == [("000.00.12.H40.2023.01.VP", "0")]
    everything = login(people["nd_clerk"]).get(CATALOGUE, {"year": ""})
    assert [code for code, _n in catalogue_rows(everything)] == [
        "000.00.12.H40.2024.01.CNTT",
        "000.00.12.H40.2024.03.VP",
        "000.00.12.H40.2023.01.VP",
    ]


def test_counts_leave_out_secret_documents_without_a_grant(files, people, login, org):  # noqa: F811
    response = login(people["nd_leader"]).get(CATALOGUE, {"year": "2024", "organisation": org.pk})
    assert response.status_code == 200
    assert catalogue_rows(response) == [("000.00.12.H40.2024.01.CNTT", "2"), ("000.00.12.H40.2024.03.VP", "1")]


def test_specialist_sees_their_own_files_only(files, people, login):
    response = login(people["nd_specialist"]).get(CATALOGUE, {"year": "2024"})
    assert response.status_code == 200
    assert catalogue_rows(response) == [("000.00.12.H40.2024.01.CNTT", "2")]


def test_catalogue_costs_the_same_queries_for_more_files(files, people, login, actor_for, org):  # noqa: F811
    client = login(people["nd_clerk"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CATALOGUE, {"year": "2024"}).status_code == 200
        return len(queries)

    before = count()
    specialist = actor_for(people["nd_specialist"])
    for n in range(10, 30):
        open_file(specialist, org, notation=f"{n}.CNTT", title=f"Hồ sơ số {n}")
    assert count() == before


def test_catalogue_filters_by_state_and_refuses_bad_values(files, people, login, actor_for):
    casefile_close(actor=actor_for(people["nd_clerk"]), case_file=files["office"])
    client = login(people["nd_clerk"])
    closed = client.get(CATALOGUE, {"year": "2024", "state": "closed"})
    assert catalogue_rows(closed) == [("000.00.12.H40.2024.03.VP", "2")]
    assert "Đã kết thúc" in text_of(closed)
    bad = client.get(CATALOGUE, {"year": "năm nay", "state": "lost"})
    assert bad.status_code == 400
    assert bad.context["form"].errors == {
        "year": ["Năm “năm nay” không hợp lệ."],
        "state": ["Tình trạng “lost” không hợp lệ."],
    }
    assert "page_obj" not in bad.context


def test_catalogue_refuses_another_organisation_and_people_without_documents(files, people, login, org):  # noqa: F811
    response = login(people["qt_clerk"]).get(CATALOGUE, {"organisation": org.pk})
    assert response.status_code == 403
    assert response.context["message"] == (
        f"Chỉ văn thư, lãnh đạo và cán bộ của {ND_STTTT} được xem danh mục hồ sơ của cơ quan."
    )
    assert catalogue_rows(login(people["qt_clerk"]).get(CATALOGUE, {"year": "2024"})) == []
    refused = login(people["applicant"]).get(CATALOGUE)
    assert refused.status_code == 403
    assert refused.context["message"] == "Bạn không có quyền làm việc với văn bản."


# --- Create and edit ---------------------------------------------------------------------------------------------


def _form(**overrides) -> dict:
    data = {
        "year": "2024",
        "notation": "05.CNTT",
        "title": "Hồ sơ xây dựng Kế hoạch chuyển đổi số",
        "unit": "",
        "maintenance": "10 năm",
        "rights": "",
        "language": "Tiếng Việt",
        "start_date": "",
        "end_date": "",
        "description": "",
    }
    data.update(overrides)
    return data


def test_specialist_opens_a_file_in_their_unit(files, people, login, org, tree):  # noqa: F811
    client = login(people["nd_specialist"])
    form = client.get(NEW)
    assert form.status_code == 200
    assert form.context["organisation"] == org
    assert "archive_due_on" not in form.context["form"].fields
    assert form.context["form"]["unit"].value() == tree["nd_stttt_cntt"].pk
    response = client.post(f"{NEW}?organisation={org.pk}", _form(organisation=org.pk))
    created = CaseFile.objects.get(notation="05.CNTT")
    assert response.status_code == 302
    assert response["Location"] == url("casefile", created.pk)
    assert (created.unit, created.creator, created.maintenance) == (
        tree["nd_stttt_cntt"],
        people["nd_specialist"],
        "10 năm",
    )
    page = client.get(response["Location"])
    assert "Đã lập hồ sơ 000.00.12.H40.2024.05.CNTT." in text_of(page)


def test_clerk_opens_a_file_with_its_archive_due_date(files, people, login, org):  # noqa: F811
    client = login(people["nd_clerk"])
    assert "archive_due_on" in client.get(NEW).context["form"].fields
    response = client.post(NEW, _form(notation="07.VP", archive_due_on="2030-06-30", organisation=org.pk))
    assert response.status_code == 302
    assert CaseFile.objects.get(notation="07.VP").archive_due_on == dt.date(2030, 6, 30)


@pytest.mark.parametrize(
    ("overrides", "status", "errors"),
    [
        (
            {"notation": "05 CNTT"},
            422,
            {
                "notation": [
                    "Số và ký hiệu hồ sơ chỉ gồm chữ, số và các dấu . - / _ (không có khoảng trắng), ví dụ 01.VP."
                ]
            },
        ),
        (
            {"notation": "01.CNTT"},
            422,
            {"notation": [f"Năm 2024 đã có hồ sơ số 01.CNTT trong danh mục của {ND_STTTT}."]},
        ),
        (
            {"start_date": "2024-13-01", "end_date": "31/02/2024"},
            422,
            {
                "start_date": ["Ngày “2024-13-01” không hợp lệ (dd/mm/yyyy)."],
                "end_date": ["Ngày “31/02/2024” không hợp lệ (dd/mm/yyyy)."],
            },
        ),
        (
            {"start_date": "2024-05-01", "end_date": "2024-04-01"},
            422,
            {"end_date": ["Thời gian kết thúc không thể trước thời gian bắt đầu."]},
        ),
        ({"year": "1800"}, 422, {"year": [f"Năm hình thành hồ sơ phải từ 1945 đến {NEXT_YEAR}."]}),
        (
            {"title": "", "maintenance": ""},
            400,
            {"title": ["Trường này là bắt buộc."], "maintenance": ["Trường này là bắt buộc."]},
        ),
    ],
)
def test_bad_file_details_are_shown_by_their_fields(files, people, login, org, overrides, status, errors):  # noqa: F811
    before = CaseFile.objects.count()
    response = login(people["nd_specialist"]).post(NEW, _form(organisation=org.pk, **overrides))
    assert response.status_code == status
    assert response.context["form"].errors == errors
    assert CaseFile.objects.count() == before


def test_someone_who_may_not_open_files_there_is_refused(files, people, login, org, tree):  # noqa: F811
    response = login(people["qt_clerk"]).post(f"{NEW}?organisation={org.pk}", _form(organisation=org.pk))
    assert response.status_code == 403
    assert response.context["message"] == f"Bạn không có quyền lập hồ sơ của {ND_STTTT}."
    assert not CaseFile.objects.filter(notation="05.CNTT").exists()
    assert login(people["applicant"]).get(NEW).status_code == 403


def test_creator_edits_their_open_file(files, people, login):
    case_file = files["mine"]
    client = login(people["nd_specialist"])
    form = client.get(url("casefile_edit", case_file.pk))
    assert form.status_code == 200
    assert form.context["form"]["title"].value() == "Hồ sơ triển khai chuyển đổi số"
    response = client.post(
        url("casefile_edit", case_file.pk),
        _form(notation="01.CNTT", title="Hồ sơ chuyển đổi số năm 2024", unit=case_file.unit_id, maintenance="20 năm"),
    )
    assert response.status_code == 302
    case_file.refresh_from_db()
    assert (case_file.title, case_file.notation) == ("Hồ sơ chuyển đổi số năm 2024", "01.CNTT")


def test_someone_else_in_the_unit_may_see_but_not_edit(files, people, login, tree):
    colleague = make_person("cntt.colleague", tree["nd_stttt_cntt"], "specialist")
    client = login(colleague)
    case_file = files["mine"]
    assert client.get(url("casefile", case_file.pk)).status_code == 200
    response = client.post(url("casefile_edit", case_file.pk), _form(notation="01.CNTT", title="Đổi tên"))
    assert response.status_code == 403
    assert response.context["message"] == (f"Chỉ người lập hồ sơ hoặc văn thư của {ND_STTTT} được thay đổi hồ sơ này.")
    case_file.refresh_from_db()
    assert case_file.title == "Hồ sơ triển khai chuyển đổi số"


def test_a_closed_file_is_not_edited(files, people, login, actor_for):
    casefile_close(actor=actor_for(people["nd_clerk"]), case_file=files["office"])
    response = login(people["nd_clerk"]).post(url("casefile_edit", files["office"].pk), _form(notation="03.VP"))
    assert response.status_code == 409
    assert "Chỉ sửa được hồ sơ đang lập." in text_of(response)
    assert CaseFile.objects.get(pk=files["office"].pk).title == "Hồ sơ văn phòng"


# --- One file ----------------------------------------------------------------------------------------------------


def test_file_page_lists_its_documents_in_the_order_they_came_into_being(files, people, login, docs):  # noqa: F811
    response = login(people["nd_specialist"]).get(url("casefile", files["mine"].pk))
    assert response.status_code == 200
    assert document_rows(response) == [str(docs["january"].pk), str(docs["march"].pk)]
    text = text_of(response)
    assert "Mã hồ sơ 000.00.12.H40.2024.01.CNTT Tình trạng Đang lập Năm hình thành hồ sơ 2024" in text
    assert "Số văn bản 2" in text
    assert (
        "1 02/QĐ-STTTT 15/01/2024 Quyết định Thành lập tổ công tác Sở Thông tin và Truyền thông tỉnh Nam Định "
        "Rút khỏi hồ sơ"
    ) in text
    html = response.content.decode()
    assert f'href="{url("detail", docs["march"].pk)}">Kế hoạch chuyển đổi số</a>' in html
    for fmt in ("pdf", "xml", "zip"):
        assert f'href="{url("casefile_export", files["mine"].pk)}?format={fmt}"' in html
    # The specialist does not keep the catalogue: no archive date form.
    assert 'id="archive-due-form"' not in html
    assert 'id="close-form"' in html


def test_secret_documents_in_a_file_are_shown_only_to_grant_holders(files, people, login, docs):  # noqa: F811
    office = files["office"]
    clerk = login(people["nd_clerk"]).get(url("casefile", office.pk))
    assert document_rows(clerk) == [str(docs["january"].pk), str(files["secret"].pk)]
    leader = login(people["nd_leader"]).get(url("casefile", office.pk))
    assert document_rows(leader) == [str(docs["january"].pk)]
    assert "Phương án mật" not in text_of(leader)
    assert "Số văn bản 1" in text_of(leader)


def test_other_organisation_and_anonymous(files, people, login):
    pk = files["mine"].pk
    assert login(people["qt_clerk"]).get(url("casefile", pk)).status_code == 404
    anonymous = Client()
    for target in (CATALOGUE, NEW, url("casefile", pk), url("casefile_edit", pk), url("casefile_export", pk)):
        response = anonymous.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('accounts:login')}?next=")
    for target in (url("casefile_close", pk), url("casefile_archive_due", pk)):
        assert anonymous.post(target).status_code == 302
    assert CaseFile.objects.get(pk=pk).state == CaseFileState.OPEN


def test_close_a_file(files, people, login):
    client = login(people["nd_specialist"])
    case_file = files["mine"]
    response = client.post(url("casefile_close", case_file.pk), {"close-end_date": ""})
    assert response.status_code == 302
    case_file.refresh_from_db()
    assert (case_file.state, case_file.start_date, case_file.end_date) == (
        CaseFileState.CLOSED,
        dt.date(2024, 1, 15),
        dt.date(2024, 3, 1),
    )
    page = client.get(url("casefile", case_file.pk))
    assert "Đã kết thúc hồ sơ 000.00.12.H40.2024.01.CNTT." in text_of(page)
    assert 'id="close-form"' not in page.content.decode()
    assert 'id="remove-' not in page.content.decode()


def test_closing_is_refused_with_reasons(files, people, login):
    clerk = login(people["nd_clerk"])
    empty = files["old"]
    response = clerk.post(url("casefile_close", empty.pk), {"close-end_date": ""})
    assert response.status_code == 422
    assert response.context["failed_form"].non_field_errors() == ["Hồ sơ chưa có văn bản nào, không thể kết thúc."]
    bad = clerk.post(url("casefile_close", files["office"].pk), {"close-end_date": "2024-02-31"})
    assert bad.status_code == 422
    assert bad.context["failed_form"].errors == {"end_date": ["Ngày “2024-02-31” không hợp lệ (dd/mm/yyyy)."]}
    assert '<a href="#id_close-end_date">' in bad.content.decode()
    leader = login(people["nd_leader"]).post(url("casefile_close", files["mine"].pk), {"close-end_date": ""})
    assert leader.status_code == 403
    assert CaseFile.objects.filter(state=CaseFileState.CLOSED).count() == 0


def test_clerk_sets_the_archive_due_date(files, people, login):
    client = login(people["nd_clerk"])
    case_file = files["mine"]
    page = client.get(url("casefile", case_file.pk))
    assert 'id="archive-due-form"' in page.content.decode()
    response = client.post(url("casefile_archive_due", case_file.pk), {"due-archive_due_on": "2034-12-31"})
    assert response.status_code == 302
    case_file.refresh_from_db()
    assert case_file.archive_due_on == dt.date(2034, 12, 31)
    assert "Đã đặt hạn nộp lưu ngày 31/12/2034." in text_of(client.get(url("casefile", case_file.pk)))
    catalogue = text_of(client.get(CATALOGUE, {"year": "2024"}))
    assert "Người dùng nd.specialist 2 31/12/2034 Đang lập" in catalogue
    bad = client.post(url("casefile_archive_due", case_file.pk), {"due-archive_due_on": "31/02/2034"})
    assert bad.status_code == 422
    assert bad.context["failed_form"].errors == {"archive_due_on": ["Ngày “31/02/2034” không hợp lệ (dd/mm/yyyy)."]}
    cleared = client.post(url("casefile_archive_due", case_file.pk), {"due-archive_due_on": ""})
    assert cleared.status_code == 302
    case_file.refresh_from_db()
    assert case_file.archive_due_on is None


def test_only_the_clerk_sets_the_archive_due_date(files, people, login):
    case_file = files["mine"]
    response = login(people["nd_specialist"]).post(
        url("casefile_archive_due", case_file.pk), {"due-archive_due_on": "2034-12-31"}
    )
    assert response.status_code == 403
    assert response.context["message"] == f"Chỉ văn thư của {ND_STTTT} được đặt hạn nộp lưu hồ sơ."
    case_file.refresh_from_db()
    assert case_file.archive_due_on is None


def test_remove_a_document(files, people, login, docs):  # noqa: F811
    case_file = files["mine"]
    client = login(people["nd_specialist"])
    response = client.post(url("casefile_remove", case_file.pk, docs["january"].pk))
    assert response.status_code == 302
    assert list(CaseFileItem.objects.filter(case_file=case_file).values_list("document_id", "ordinal")) == [
        (docs["march"].pk, 1)
    ]
    again = client.post(url("casefile_remove", case_file.pk, docs["january"].pk))
    assert again.status_code == 422
    assert again.context["failed_form"].non_field_errors() == [
        "Văn bản không có trong hồ sơ 000.00.12.H40.2024.01.CNTT."
    ]
    assert client.post(url("casefile_remove", case_file.pk, 999999)).status_code == 404
    leader = login(people["nd_leader"]).post(url("casefile_remove", case_file.pk, docs["march"].pk))
    assert leader.status_code == 403
    assert CaseFileItem.objects.filter(case_file=case_file).count() == 1


# --- Exports -----------------------------------------------------------------------------------------------------


def test_exports_have_their_content_types_and_names(files, people, login, docs):  # noqa: F811
    attach(docs["january"], "Quyết định thành lập tổ công tác", 2)
    attach(docs["march"], "Kế hoạch chuyển đổi số", 1)
    case_file = files["mine"]
    client = login(people["nd_specialist"])
    target = url("casefile_export", case_file.pk)
    pdf = client.get(target, {"format": "pdf"})
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="ho-so-000.00.12.H40.2024.01.CNTT.pdf"'
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) > 3
    xml = client.get(target, {"format": "xml"})
    assert (xml.status_code, xml["Content-Type"]) == (200, "application/xml; charset=utf-8")
    assert xml["Content-Disposition"] == 'attachment; filename="ho-so-000.00.12.H40.2024.01.CNTT.xml"'
    root = ET.fromstring(xml.content)
    assert root.findtext("Title") == "Hồ sơ triển khai chuyển đổi số"
    assert [d.findtext("Subject") for d in root.iter("Document")] == ["Thành lập tổ công tác", "Kế hoạch chuyển đổi số"]
    package = client.get(target, {"format": "zip"})
    assert (package.status_code, package["Content-Type"]) == (200, "application/zip")
    names = zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert names[0] == "ho-so.xml"
    assert len(names) == 3
    downloads = AccessLog.objects.filter(action=AccessAction.DOWNLOAD, person=people["nd_specialist"])
    assert downloads.count() == 4  # two documents, in the PDF and in the ZIP


def test_exports_leave_out_secret_documents_and_refuse_strangers(files, people, login):
    target = url("casefile_export", files["office"].pk)
    xml = login(people["nd_leader"]).get(target, {"format": "xml"})
    assert [d.findtext("Subject") for d in ET.fromstring(xml.content).iter("Document")] == ["Thành lập tổ công tác"]
    assert login(people["qt_clerk"]).get(target, {"format": "xml"}).status_code == 404


def test_unknown_export_format(files, people, login):
    response = login(people["nd_specialist"]).get(url("casefile_export", files["mine"].pk), {"format": "docx"})
    assert response.status_code == 400
    assert response.context["failed_form"].non_field_errors() == [
        "Không có định dạng tải về “docx”; chọn PDF, XML hoặc ZIP."
    ]


def test_an_export_stops_when_a_stored_file_changed(files, people, login, docs):  # noqa: F811
    row = attach(docs["january"], "Quyết định thành lập tổ công tác", 1)
    with row.file.open("wb") as handle:
        handle.write(b"%PDF-1.7 changed on disk")
    response = login(people["nd_specialist"]).get(url("casefile_export", files["mine"].pk), {"format": "zip"})
    assert response.status_code == 409
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "không còn nguyên vẹn (mã băm SHA-256 không khớp); dừng kết xuất." in text_of(response)


# --- Filing a document from its page -----------------------------------------------------------------------------


def test_file_a_document_from_its_page(files, people, login, docs, org, actor_for):  # noqa: F811
    client = login(people["nd_specialist"])
    incoming = docs["incoming"]
    target = url("file_into", incoming.pk)
    other = open_file(actor_for(people["nd_specialist"]), org, notation="02.CNTT", title="Hồ sơ khác")
    form = client.get(target)
    assert form.status_code == 200
    choices = form.context["form"].fields["case_file"].widget.choices
    assert choices == [
        ("", "(Chọn hồ sơ)"),
        (files["mine"].pk, "000.00.12.H40.2024.01.CNTT — Hồ sơ triển khai chuyển đổi số"),
        (other.pk, "000.00.12.H40.2024.02.CNTT — Hồ sơ khác"),
    ]
    response = client.post(target, {"case_file": files["mine"].pk})
    assert response.status_code == 302
    assert response["Location"] == url("detail", incoming.pk)
    assert list(
        CaseFileItem.objects.filter(case_file=files["mine"]).order_by("ordinal").values_list("document_id", flat=True)
    ) == [
        docs["january"].pk,
        incoming.pk,
        docs["march"].pk,
    ]
    again = client.get(target)
    assert [value for value, _label in again.context["form"].fields["case_file"].widget.choices] == ["", other.pk]
    assert "Văn bản đã có trong hồ sơ 000.00.12.H40.2024.01.CNTT — Hồ sơ triển khai chuyển đổi số" in text_of(again)
    back = client.post(target, {"case_file": other.pk, "next": url("casefile", other.pk)})
    assert back["Location"] == url("casefile", other.pk)


def test_filing_refusals(files, people, login, docs, tree, actor_for):  # noqa: F811
    client = login(people["nd_specialist"])
    target = url("file_into", docs["incoming"].pk)
    before = CaseFileItem.objects.count()
    missing = client.post(target, {"case_file": ""})
    assert missing.status_code == 400
    assert missing.context["form"].errors == {"case_file": ["Trường này là bắt buộc."]}
    duplicate = client.post(url("file_into", docs["march"].pk), {"case_file": files["mine"].pk})
    assert duplicate.status_code == 409
    assert duplicate.context["form"].errors == {
        "case_file": ["Văn bản 07/QĐ-STTTT đã có trong hồ sơ 000.00.12.H40.2024.01.CNTT."]
    }
    casefile_close(actor=actor_for(people["nd_clerk"]), case_file=files["office"])
    clerk = login(people["nd_clerk"]).post(target, {"case_file": files["office"].pk})
    assert clerk.status_code == 409
    assert clerk.context["form"].errors == {
        "case_file": ["Hồ sơ 000.00.12.H40.2024.03.VP đang ở trạng thái “Đã kết thúc”, không thay đổi được."]
    }
    # The leader sees the specialist's file but may not change it.
    leader = login(people["nd_leader"]).post(target, {"case_file": files["mine"].pk})
    assert leader.status_code == 403
    assert leader.context["message"] == f"Chỉ người lập hồ sơ hoặc văn thư của {ND_STTTT} được thay đổi hồ sơ này."
    qt_file = open_file(actor_for(people["qt_clerk"]), tree["qt_stttt"], notation="01.VP")
    assert login(people["nd_specialist"]).post(target, {"case_file": qt_file.pk}).status_code == 404
    # A secret document the person may not see is not found at all.
    assert login(people["nd_leader"]).get(url("file_into", files["secret"].pk)).status_code == 404
    assert CaseFileItem.objects.count() == before
