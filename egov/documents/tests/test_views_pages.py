"""The document pages through the test client: home queues, list, paper registration, drafting, the document page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from egov.documents.models import AccessLog, Document, DocumentFile, IncomingState, OutgoingState
from egov.documents.services.assignments import document_assign
from egov.documents.services.incoming import document_register_paper
from egov.documents.tests.factories import actor, create_draft, make_pdf, paper_values

pytestmark = pytest.mark.django_db

SCAN = make_pdf("Công văn triển khai nền tảng số")


def scan(name: str = "ban-quet.pdf", data: bytes = SCAN) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def yesterday() -> str:
    return (timezone.localdate() - dt.timedelta(days=1)).isoformat()


def paper_form(**overrides) -> dict:
    data = {
        "type_code": "cong_van",
        "number_symbol": "125/UBND-VP",
        "issued_on": yesterday(),
        "issuer_name": "Ủy ban nhân dân tỉnh Nam Định (000.00.00.H40)",
        "issuer_code": "",
        "subject": "V/v triển khai nền tảng số tại địa phương",
        "signer_name": "Phạm Đình Nghị",
        "signer_position": "Chủ tịch",
        "signer_prefix": "KT.",
        "urgency": "urgent",
        "secrecy": "none",
        "received_on": timezone.localdate().isoformat(),
        "handling_due_on": "",
        "main_file": scan(),
    }
    data.update(overrides)
    return data


def register(agency, **overrides) -> Document:
    values = paper_values(issued_on=yesterday(), **overrides)
    return document_register_paper(
        actor=actor(agency.clerk), organisation=agency.org, values=values, main_file=("scan.pdf", SCAN)
    )


INLINE = r"</?(?:a|span|strong|em|b|abbr)\b[^>]*>"


def text_of(response) -> str:
    """The page's visible text: inline tags dropped, other tags a space, spaces collapsed (what a person reads)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style|title)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(INLINE, "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# ---------------------------------------------------------------------------------------------------------------
# Home and list


def test_home_shows_each_role_its_queues(agency, login):
    registered = register(agency)
    create_draft(agency)
    clerk = text_of(login(agency.clerk).get(reverse("documents:home")))
    assert "Văn bản đến chờ vào sổ 0" in clerk
    assert "Văn bản đi chờ cấp số, phát hành 0" in clerk
    assert "Văn bản đến chờ phân công" not in clerk
    director = login(agency.director).get(reverse("documents:home"))
    assert director.status_code == 200
    assert director.context["to_assign"]["count"] == 1
    assert [d.pk for d in director.context["to_assign"]["rows"]] == [registered.pk]
    assert "Văn bản đến chờ vào sổ" not in text_of(director)
    # One-click assignment in the inbox: the lead select posts the field of the page's assignment form.
    html = director.content.decode()
    assert f'action="{reverse("documents:assign", args=[registered.pk])}"' in html
    assert f'id="quick{registered.pk}_assign-lead"' in html
    specialist = login(agency.specialist).get(reverse("documents:home"))
    assert specialist.context["my_drafts"]["count"] == 1
    assert "Văn bản tôi được giao 0" in text_of(specialist)


def test_home_marks_overdue_and_due_soon_work(agency, login):
    late, soon = register(agency), register(agency, number_symbol="126/UBND-VP")
    for document in (late, soon):
        document_assign(
            actor=actor(agency.director), document=document, values={"lead": f"person:{agency.specialist.pk}"}
        )
    Document.objects.filter(pk=late.pk).update(handling_due_on=timezone.localdate() - dt.timedelta(days=3))
    late.assignments.update(due_on=timezone.localdate() - dt.timedelta(days=3))
    soon.assignments.update(due_on=timezone.localdate())
    response = login(agency.specialist).get(reverse("documents:home"))
    assert response.context["my_work"]["count"] == 2
    assert (response.context["my_work"]["overdue"], response.context["my_work"]["due_soon"]) == (1, 1)
    page = text_of(response)
    assert "Văn bản tôi được giao 2 1 quá hạn 1 sắp đến hạn" in page
    rows = re.findall(
        r'<tr class="govuk-table__row[^"]*" data-assignment="\d+">(.*?)</tr>', response.content.decode(), re.S
    )
    assert "Quá hạn" in rows[0] and "Sắp đến hạn" in rows[1]
    director = text_of(login(agency.director).get(reverse("documents:home")))
    assert f"Quá hạn {(timezone.localdate() - dt.timedelta(days=3)):%d/%m/%Y}" in director


def test_list_filters_by_direction_state_and_year(agency, login):
    incoming = register(agency)
    draft = create_draft(agency)
    client = login(agency.director)
    response = client.get(reverse("documents:list"))
    assert [d.pk for d in response.context["page_obj"].object_list] == [draft.pk, incoming.pk]
    response = client.get(reverse("documents:list"), {"direction": "incoming"})
    assert [d.pk for d in response.context["page_obj"].object_list] == [incoming.pk]
    response = client.get(reverse("documents:list"), {"direction": "outgoing", "state": "draft"})
    assert [d.pk for d in response.context["page_obj"].object_list] == [draft.pk]
    response = client.get(reverse("documents:list"), {"state": "registered", "year": timezone.localdate().year})
    assert [d.pk for d in response.context["page_obj"].object_list] == [incoming.pk]
    # Nonsense filters are ignored rather than failing.
    response = client.get(reverse("documents:list"), {"direction": "sideways", "state": "x", "year": "abc"})
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 2
    assert "Không có văn bản nào khớp bộ lọc." in text_of(client.get(reverse("documents:list"), {"year": 1999}))


# ---------------------------------------------------------------------------------------------------------------
# Paper registration


def test_registration_form_is_built_for_the_keyboard(agency, login):
    response = login(agency.clerk).get(reverse("documents:register_paper"))
    html = response.content.decode()
    assert response.status_code == 200
    form = html[html.index('id="register-form"') : html.index("</form>", html.index('id="register-form"'))]
    order = [name for name in re.findall(r'name="([a-z_]+)"', form) if name != "csrfmiddlewaretoken"]
    assert order == [
        "organisation",
        "type_code",
        "number_symbol",
        "issued_on",
        "issuer_name",
        "issuer_code",
        "subject",
        "signer_name",
        "signer_position",
        "signer_prefix",
        "urgency",
        "secrecy",
        "grant_to",  # one checkbox per leader: here the director only
        "received_on",
        "handling_due_on",
        "main_file",
        "allow_duplicate",
    ]
    assert re.search(r'<select name="type_code"[^>]*autofocus', html)
    assert '<option value="quyet_dinh">Quyết định (QĐ)</option>' in html
    assert '<option value="Ủy ban nhân dân huyện Hải Hậu (000.00.35.H40)">' in html
    assert 'hx-get="/documents/incoming/duplicates/"' in html
    assert f'value="{timezone.localdate().isoformat()}"' in html  # received today by default


def test_clerk_registers_a_paper_document_and_sees_the_incoming_number(agency, login):
    client = login(agency.clerk)
    response = client.post(reverse("documents:register_paper"), paper_form())
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('documents:register_paper')}?registered={document.pk}"
    assert (document.state, document.arrival_number, document.channel) == (IncomingState.REGISTERED, 1, "paper")
    assert (document.issuer_name, document.issuer_code) == ("Ủy ban nhân dân tỉnh Nam Định", "000.00.00.H40")
    assert (document.number_text, document.symbol, document.urgency) == ("125", "UBND-VP", "urgent")
    assert document.files.get().original_name == "ban-quet.pdf"
    page = client.get(response["Location"])
    assert "Đã vào sổ văn bản đến Số đến 1 năm" in text_of(page)
    assert 'id="arrival-number">1</strong>' in page.content.decode()


def test_bad_registration_shows_errors_by_the_fields_and_saves_nothing(agency, login):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = login(agency.clerk).post(
        reverse("documents:register_paper"),
        paper_form(number_symbol="125 / UBND VP", issued_on=tomorrow, main_file=scan(data=b"not a pdf at all")),
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["issued_on"] == ["Ngày ban hành không thể sau hôm nay."]
    assert set(form.errors) == {"number_symbol", "issued_on", "main_file"}
    html = response.content.decode()
    assert '<a href="#id_issued_on">Ngày ban hành: Ngày ban hành không thể sau hôm nay.</a>' in html
    assert 'id="id_issued_on_error"' in html
    assert "Chọn lại tệp bản quét" in html
    assert Document.objects.count() == 0
    assert DocumentFile.objects.count() == 0


def test_missing_fields_are_refused_by_the_form(agency, login):
    response = login(agency.clerk).post(
        reverse("documents:register_paper"), paper_form(subject="", type_code="", main_file="")
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"subject", "type_code", "main_file"}
    assert Document.objects.count() == 0


def test_duplicate_is_warned_then_registered_when_confirmed(agency, login):
    first = register(agency)
    client = login(agency.clerk)
    response = client.post(reverse("documents:register_paper"), paper_form())
    assert response.status_code == 409
    assert response.context["form"].errors["number_symbol"] == [
        "Văn bản này có thể đã được vào sổ: số đến 1 (125/UBND-VP). Kiểm tra lại, hoặc xác nhận vẫn vào sổ."
    ]
    html = response.content.decode()
    assert 'type="checkbox" name="allow_duplicate"' in html
    assert "Vẫn vào sổ" in html
    assert Document.objects.count() == 1
    response = client.post(reverse("documents:register_paper"), paper_form(allow_duplicate="on"))
    assert response.status_code == 302
    second = Document.objects.exclude(pk=first.pk).get()
    assert second.arrival_number == 2


def test_inline_duplicate_check(agency, login):
    first = register(agency)
    client = login(agency.clerk)
    url = reverse("documents:duplicates")
    query = {"number_symbol": "125/UBND-VP", "issuer_name": "Ủy ban nhân dân tỉnh Nam Định (000.00.00.H40)"}
    response = client.get(url, query, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert [d.pk for d in response.context["found"]] == [first.pk]
    assert f"Số đến 1/{timezone.localdate().year}" in text_of(response)
    assert client.get(url, {**query, "number_symbol": "126/UBND-VP"}).context["found"] == []
    by_code = client.get(
        url, {"number_symbol": "125/UBND-VP", "issuer_name": "UBND tỉnh", "issuer_code": "000.00.00.H40"}
    )
    assert [d.pk for d in by_code.context["found"]] == [first.pk]
    unreadable = client.get(url, {"number_symbol": "125 UBND", "issuer_name": "x"})
    assert unreadable.context["problem"] != ""
    assert "Lưu ý" in text_of(unreadable)


# ---------------------------------------------------------------------------------------------------------------
# Drafting


def draft_form(agency, **overrides) -> dict:
    data = {
        "organisation": agency.org.pk,
        "type_code": "quyet_dinh",
        "subject": "Quyết định ban hành Kế hoạch chuyển đổi số năm 2027",
        "drafting_unit": agency.unit.pk,
        "signer": agency.director.pk,
        "signer_prefix": "",
        "signer_position": "",
        "urgency": "normal",
        "secrecy": "none",
        "place": "Nam Định",
        "description": "",
        "recipients_internal": [agency.recipient_org.pk],
        "external_code_0": "000.00.00.G22",
        "external_name_0": "Bộ Thông tin và Truyền thông",
        "main_file": SimpleUploadedFile("du-thao.pdf", make_pdf("Quyết định"), content_type="application/pdf"),
        "appendices": [SimpleUploadedFile("phu-luc.pdf", make_pdf("Phụ lục"), content_type="application/pdf")],
    }
    data.update(overrides)
    return data


def test_draft_form_offers_the_organisation_s_units_leaders_and_recipients(agency, login):
    response = login(agency.specialist).get(reverse("documents:draft_create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert response.context["organisation"] == agency.org
    assert form.initial["drafting_unit"] == agency.unit.pk
    assert list(form.fields["signer"].queryset) == [agency.director]
    units = [u.name for u in form.fields["drafting_unit"].queryset]
    assert units == ["Sở Thông tin và Truyền thông tỉnh Nam Định", "Văn phòng Sở", "Phòng Công nghệ thông tin"]
    assert agency.org not in form.fields["recipients_internal"].queryset
    assert agency.recipient_org in form.fields["recipients_internal"].queryset


def test_specialist_drafts_with_recipients_and_appendix(agency, login):
    response = login(agency.specialist).post(reverse("documents:draft_create"), draft_form(agency))
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:detail", args=[document.pk])
    assert (document.state, document.signer_name, document.signer_position) == (
        OutgoingState.DRAFT,
        "Nguyễn Văn Dũng",
        "Giám đốc",
    )
    assert [(r.kind, r.organisation_code) for r in document.recipients.all()] == [
        ("internal", "000.00.35.H40"),
        ("external", "000.00.00.G22"),
    ]
    assert sorted(document.files.values_list("role", "original_name")) == [
        ("appendix", "phu-luc.pdf"),
        ("main", "du-thao.pdf"),
    ]


def test_bad_draft_maps_service_errors_to_the_fields(agency, login):
    response = login(agency.specialist).post(
        reverse("documents:draft_create"),
        draft_form(
            agency,
            external_code_1="",
            external_name_1="Một cơ quan không có mã",
            main_file=SimpleUploadedFile("x.pdf", b"%PDF-1.4 broken", content_type="application/pdf"),
        ),
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"external_code_1", "main_file"}
    assert errors["external_code_1"] == ["Nơi nhận ngoài hệ thống cần mã định danh và tên cơ quan."]
    assert "main_file" in errors
    assert Document.objects.count() == 0
    # A signer who is not a leader of the organisation is not even offered.
    response = login(agency.specialist).post(
        reverse("documents:draft_create"), draft_form(agency, signer=agency.unit_head.pk)
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["signer"]
    assert Document.objects.count() == 0


def test_edit_draft_changes_metadata_only_while_draft(agency, login):
    document = create_draft(agency)
    client = login(agency.specialist)
    url = reverse("documents:draft_edit", args=[document.pk])
    page = client.get(url)
    assert page.context["form"].initial["recipients_internal"] == [agency.recipient_org.pk]
    data = draft_form(agency, subject="Quyết định sửa đổi", recipients_internal=[], external_code_0="")
    data.pop("main_file"), data.pop("appendices"), data.update(external_name_0="")
    assert client.post(url, data).status_code == 302
    document.refresh_from_db()
    assert document.subject == "Quyết định sửa đổi"
    assert document.recipients.count() == 0
    Document.objects.filter(pk=document.pk).update(state=OutgoingState.IN_REVIEW)
    refused = client.get(url)
    assert refused.status_code == 409
    assert refused.templates[0].name == "documents/detail.html"
    assert "Chỉ sửa được thông tin khi văn bản là dự thảo." in text_of(refused)


# ---------------------------------------------------------------------------------------------------------------
# The document page and its files


def test_document_page_shows_metadata_findings_timeline_and_logs_the_view(agency, login):
    document = register(agency)
    client = login(agency.clerk)
    response = client.get(reverse("documents:detail", args=[document.pk]))
    assert response.status_code == 200
    page = text_of(response)
    assert "125/UBND-VP: V/v triển khai nền tảng số tại địa phương" in page
    assert "Số đến 1 /" in page
    assert "Cơ quan ban hành Ủy ban nhân dân tỉnh Nam Định (000.00.00.H40)" in page
    assert "Người ký KT. Chủ tịch Phạm Đình Nghị" in page
    assert "Độ khẩn Khẩn" in page
    assert "Chưa ký số Tệp văn bản chính không có chữ ký số." in page
    assert "Chuyển sang “Đã vào sổ, chờ phân công”" in page
    assert "Kiểm tra thể thức" in page  # the clerk's button
    log = AccessLog.objects.get()
    assert (log.person, log.action, log.file) == (agency.clerk, "view", None)


def test_download_serves_the_pdf_and_logs_it(agency, login):
    document = register(agency)
    row = document.files.get()
    response = login(agency.clerk).get(reverse("documents:file", args=[document.pk, row.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="scan.pdf"'
    assert b"".join(response.streaming_content) == SCAN
    log = AccessLog.objects.get()
    assert (log.action, log.file_id) == ("download", row.pk)
    other = create_draft(agency).files.get()
    assert login(agency.clerk).get(reverse("documents:file", args=[document.pk, other.pk])).status_code == 404


def test_signature_report_of_a_signed_file(agency, login, settings):
    from egov.documents.services.issuing import document_sign
    from egov.documents.tests.factories import PIN, approved_draft

    document = document_sign(actor=actor(agency.director), document=approved_draft(agency), pin=PIN)
    response = login(agency.director).get(reverse("documents:detail", args=[document.pk]))
    report = response.context["signatures"]
    assert [(s.signer_common_name, s.intact, s.trusted, s.is_organisation) for s in report.signatures] == [
        ("Nguyễn Văn Dũng", True, True, False)
    ]
    page = text_of(response)
    assert "Chữ ký số của cá nhân: Nguyễn Văn Dũng Nguyên vẹn Chứng thư tin cậy" in page
    assert "Phạm vi ký Toàn bộ tệp hiện tại" in page
    assert "Thay đổi sau khi ký Không có thay đổi" in page


def test_navigation_offers_documents_to_staff_only(agency, login):
    from egov.accounts.tests.factories import make_person

    page = login(agency.specialist).get(reverse("documents:home")).content.decode()
    labels = re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', page)
    assert labels.index("/documents/") == labels.index("/plans/") + 1
    assert 'href="/documents/" aria-current="true"' in page
    citizen = make_person("citizen", None, "applicant", kind="applicant")
    assert 'href="/documents/"' not in login(citizen).get("/").content.decode()
