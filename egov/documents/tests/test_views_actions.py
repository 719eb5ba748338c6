"""The document page's actions through the test client: each moves the document on, or shows why not and changes
nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from egov.documents.models import (
    AccessGrant,
    Assignment,
    AssignmentState,
    Comment,
    DeliveryState,
    Document,
    DocumentFile,
    IncomingState,
    OutgoingState,
)
from egov.documents.services.assignments import document_assign
from egov.documents.services.incoming import document_register_paper
from egov.documents.services.issuing import document_issue, document_sign
from egov.documents.tests.factories import PIN, actor, approved_draft, create_draft, make_pdf, paper_values
from egov.documents.tests.test_views_pages import register, text_of
from egov.exchange.testing import run_exchange

pytestmark = pytest.mark.django_db


def url(name: str, document) -> str:
    return reverse(f"documents:{name}", args=[document.pk])


def state_of(document) -> str:
    return Document.objects.values_list("state", flat=True).get(pk=document.pk)


def working_day(days: int = 5) -> dt.date:
    from egov.calendar.workdays import add_working_days

    return add_working_days(timezone.localdate(), days)


# ---------------------------------------------------------------------------------------------------------------
# Outgoing


def test_draft_goes_through_review_approval_signature_and_issue(exchange, login):
    agency = exchange
    document = create_draft(agency)
    specialist = login(agency.specialist)
    page = specialist.get(url("detail", document))
    assert page.context["may"]["submit"] is True and page.context["may"]["review"] is False
    response = specialist.post(url("submit", document), {"submit-note": "Kính trình"})
    assert response.status_code == 302 and response["Location"] == url("detail", document)
    assert state_of(document) == OutgoingState.IN_REVIEW

    head = login(agency.unit_head)
    assert "Lãnh đạo đơn vị duyệt dự thảo" in text_of(head.get(url("detail", document)))
    assert head.post(url("review", document), {"review-decision": "approve"}).status_code == 302
    assert state_of(document) == OutgoingState.AWAITING_APPROVAL

    director = login(agency.director)
    assert director.post(url("approve", document), {"approve-decision": "approve"}).status_code == 302
    assert state_of(document) == OutgoingState.APPROVED
    home = director.get(reverse("documents:home"))
    assert [d.pk for d in home.context["to_sign"]["rows"]] == [document.pk]
    assert director.post(url("sign", document), {"sign-pin": PIN}).status_code == 302
    assert state_of(document) == OutgoingState.SIGNED

    clerk = login(agency.clerk)
    assert [d.pk for d in clerk.get(reverse("documents:home")).context["to_issue"]["rows"]] == [document.pk]
    response = clerk.post(url("issue", document), {"issue-pin": PIN})
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.state, document.number_symbol) == (OutgoingState.ISSUED, "01/QĐ-STTTT")
    page = text_of(clerk.get(url("detail", document)))
    assert "Đã cấp số 01/QĐ-STTTT, ký số của cơ quan và phát hành." in page
    line = "Ủy ban nhân dân huyện Hải Hậu 000.00.35.H40 Đơn vị, cơ quan trên hệ thống"
    assert f"{line} Chờ gửi qua trục liên thông" in page
    run_exchange()
    page = text_of(clerk.get(url("detail", document)))
    assert f"{line} Đã gửi đến nơi nhận" in page


def test_return_needs_a_reason_shown_next_to_the_note(agency, login):
    document = create_draft(agency)
    login(agency.specialist).post(url("submit", document), {})
    head = login(agency.unit_head)
    response = head.post(url("review", document), {"review-decision": "return", "review-note": "  "})
    assert response.status_code == 422
    assert response.context["failed_form"].errors == {"note": ["Nêu lý do trả lại dự thảo."]}
    html = response.content.decode()
    assert '<a href="#id_review-note">Ý kiến: Nêu lý do trả lại dự thảo.</a>' in html
    assert 'id="id_review-note_error"' in html
    assert state_of(document) == OutgoingState.IN_REVIEW
    response = head.post(url("review", document), {"review-decision": "return", "review-note": "Sửa căn cứ"})
    assert response.status_code == 302
    assert state_of(document) == OutgoingState.DRAFT


def test_wrong_pin_is_shown_on_the_pin_field_and_nothing_is_signed(agency, login):
    document = approved_draft(agency)
    files = DocumentFile.objects.count()
    response = login(agency.director).post(url("sign", document), {"sign-pin": "sai-ma-pin"})
    assert response.status_code == 422
    assert response.context["failed_form"].errors == {
        "pin": ["Mật khẩu của tệp khóa ký số không đúng, hoặc tệp không chứa khóa bí mật và chứng thư số."]
    }
    assert state_of(document) == OutgoingState.APPROVED
    assert DocumentFile.objects.count() == files


def test_a_step_out_of_turn_is_a_409_with_the_reason(agency, login):
    document = create_draft(agency)
    response = login(agency.director).post(url("approve", document), {"approve-decision": "approve"})
    assert response.status_code == 409
    assert response.context["failed_form"].non_field_errors() == ["Văn bản không ở bước chờ phê duyệt."]
    assert state_of(document) == OutgoingState.DRAFT


def test_recall_freezes_and_tells_the_recipient(agency, login):
    document = document_issue(
        actor=actor(agency.clerk),
        document=document_sign(actor=actor(agency.director), document=approved_draft(agency), pin=PIN),
        pin=PIN,
    )
    director = login(agency.director)
    response = director.post(url("recall", document), {"recall-reason": ""})
    assert response.status_code == 400
    assert state_of(document) == OutgoingState.ISSUED
    response = director.post(url("recall", document), {"recall-reason": "Ban hành nhầm nơi nhận"})
    assert response.status_code == 302
    assert state_of(document) == OutgoingState.RECALLED
    assert document.recipients.get().delivery_state == DeliveryState.RECALLED
    assert "Thu hồi" in text_of(director.get(url("detail", document)))


def test_comment_and_new_version(agency, login):
    document = create_draft(agency)
    head = login(agency.unit_head)
    assert head.post(url("comment", document), {"comment-text": ""}).status_code == 400
    assert Comment.objects.count() == 0
    assert head.post(url("comment", document), {"comment-text": "Bổ sung căn cứ pháp lý"}).status_code == 302
    assert Comment.objects.get().text == "Bổ sung căn cứ pháp lý"
    specialist = login(agency.specialist)
    bad = SimpleUploadedFile("v2.pdf", b"khong phai pdf", content_type="application/pdf")
    response = specialist.post(url("version", document), {"version-file": bad, "version-note": "Sửa"})
    assert response.status_code == 422
    assert list(response.context["failed_form"].errors) == ["file"]
    good = SimpleUploadedFile("v2.pdf", make_pdf("Bản sửa"), content_type="application/pdf")
    assert specialist.post(url("version", document), {"version-file": good, "version-note": "Sửa"}).status_code == 302
    assert list(document.files.filter(role="main").values_list("version", "is_current")) == [(2, True), (1, False)]
    page = text_of(specialist.get(url("detail", document)))
    assert "Cho ý kiến: Bổ sung căn cứ pháp lý" in page
    assert "Thêm phiên bản dự thảo: Sửa" in page


def test_format_check_button_keeps_findings(agency, login):
    document = register(agency)
    Document.objects.filter(pk=document.pk).update(format_findings=[], format_checked_at=None)
    clerk = login(agency.clerk)
    assert "Chưa kiểm tra thể thức." in text_of(clerk.get(url("detail", document)))
    response = clerk.post(url("check", document), {})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.format_checked_at is not None
    page = text_of(clerk.get(url("detail", document)))
    assert "Kiểm tra thể thức:" in page
    for finding in document.format_findings:
        assert finding["message"] in page


# ---------------------------------------------------------------------------------------------------------------
# Incoming


def issued_to_recipient(agency) -> Document:
    """An issued document of the agency, carried by the exchange to UBND huyện Hải Hậu: their copy waiting for
    the register (the test uses the `exchange` fixture)."""
    document = document_sign(actor=actor(agency.director), document=approved_draft(agency), pin=PIN)
    document_issue(actor=actor(agency.clerk), document=document, pin=PIN)
    run_exchange()
    return Document.objects.get(organisation=agency.recipient_org, direction="incoming")


def test_electronic_arrival_is_registered_with_a_deadline(exchange, login):
    agency = exchange
    copy = issued_to_recipient(agency)
    clerk = login(agency.recipient_clerk)
    assert [d.pk for d in clerk.get(reverse("documents:home")).context["to_register"]["rows"]] == [copy.pk]
    due = working_day()
    response = clerk.post(url("register", copy), {"register-handling_due_on": due.isoformat()})
    assert response.status_code == 302
    copy.refresh_from_db()
    assert (copy.state, copy.arrival_number, copy.handling_due_on) == (IncomingState.REGISTERED, 1, due)
    run_exchange()  # status 03 back to the sender
    assert copy.source.recipients.get().delivery_state == DeliveryState.RECEIVED


def test_return_to_sender_needs_a_reason(exchange, login):
    agency = exchange
    copy = issued_to_recipient(agency)
    clerk = login(agency.recipient_clerk)
    response = clerk.post(url("return", copy), {"return-reason": ""})
    assert response.status_code == 400
    assert state_of(copy) == IncomingState.ARRIVED
    assert clerk.post(url("return", copy), {"return-reason": "Gửi nhầm cơ quan"}).status_code == 302
    assert state_of(copy) == IncomingState.RETURNED
    run_exchange()  # status 02 back to the sender
    assert copy.source.recipients.get().delivery_state == DeliveryState.RETURNED


def test_one_click_assignment_from_the_inbox_then_handling(agency, login):
    document = register(agency)
    director = login(agency.director)
    response = director.post(
        url("assign", document), {"assign-lead": f"person:{agency.specialist.pk}", "next": "/documents/"}
    )
    assert response.status_code == 302 and response["Location"] == "/documents/"
    lead = Assignment.objects.get()
    assert (lead.person, lead.role, state_of(document)) == (agency.specialist, "lead", IncomingState.ASSIGNED)

    specialist = login(agency.specialist)
    page = specialist.get(url("detail", document))
    assert [row.pk for row in page.context["assignments"] if row.actionable] == [lead.pk]
    assert specialist.post(reverse("documents:assignment_start", args=[lead.pk]), {}).status_code == 302
    response = specialist.post(
        reverse("documents:assignment_complete", args=[lead.pk]), {f"complete-{lead.pk}-result": ""}
    )
    assert response.status_code == 422
    assert response.context["failed_form"].errors == {"result": ["Trường này là bắt buộc."]}
    assert Assignment.objects.get().state == AssignmentState.IN_PROGRESS
    response = specialist.post(
        reverse("documents:assignment_complete", args=[lead.pk]),
        {f"complete-{lead.pk}-result": "Đã dự thảo công văn trả lời"},
    )
    assert response.status_code == 302
    assert state_of(document) == IncomingState.COMPLETED
    assert "Đã giải quyết xong" in text_of(specialist.get(url("detail", document)))


def test_full_assignment_with_deadline_in_working_days_and_forwarding(agency, login):
    document = register(agency)
    director = login(agency.director)
    response = director.post(
        url("assign", document),
        {
            "assign-lead": f"unit:{agency.unit.pk}",
            "assign-cooperate": [f"unit:{agency.tree['nd_stttt_vp'].pk}"],
            "assign-inform": [f"person:{agency.clerk.pk}"],
            "assign-due_in_days": "5",
            "assign-instructions": "Phòng CNTT chủ trì tham mưu",
        },
    )
    assert response.status_code == 302
    rows = list(Assignment.objects.order_by("pk").values_list("role", "due_on"))
    assert rows == [("lead", working_day(5)), ("cooperate", working_day(5)), ("inform", None)]
    lead = Assignment.objects.get(role="lead")
    head = login(agency.unit_head)
    key = f"forward-{lead.pk}"
    response = head.post(reverse("documents:assignment_forward", args=[lead.pk]), {f"{key}-to": ""})
    assert response.status_code == 400
    response = head.post(
        reverse("documents:assignment_forward", args=[lead.pk]),
        {f"{key}-to": f"person:{agency.specialist.pk}", f"{key}-instructions": "Em xử lý"},
    )
    assert response.status_code == 302
    child = Assignment.objects.get(parent=lead)
    assert (child.person, child.due_on) == (agency.specialist, working_day(5))
    page = login(agency.specialist).get(url("detail", document))
    assert [row.depth for row in page.context["assignments"]] == [0, 1, 0, 0]


def test_assignment_outside_the_organisation_is_shown_on_the_field(agency, login):
    document = register(agency)
    response = login(agency.director).post(
        url("assign", document), {"assign-lead": f"unit:{agency.tree['qt_stttt'].pk}"}
    )
    assert response.status_code == 400  # not one of the offered choices
    assert list(response.context["failed_form"].errors) == ["lead"]
    sunday = timezone.localdate() + dt.timedelta(days=1)
    while sunday.weekday() != 6:
        sunday += dt.timedelta(days=1)
    response = login(agency.director).post(
        url("assign", document), {"assign-lead": f"unit:{agency.unit.pk}", "assign-due_on": sunday.isoformat()}
    )
    assert response.status_code == 422
    assert response.context["failed_form"].errors == {
        "due_on": [f"Ngày {sunday:%d/%m/%Y} là ngày nghỉ; chọn một ngày làm việc."]
    }
    assert Assignment.objects.count() == 0
    assert state_of(document) == IncomingState.REGISTERED


def test_urge_reaches_the_people_still_working(agency, login):
    from egov.notifications.models import Notification

    document = register(agency)
    document_assign(actor=actor(agency.director), document=document, values={"lead": f"person:{agency.specialist.pk}"})
    response = login(agency.director).post(url("urge", document), {"urge-message": "Đề nghị khẩn trương"})
    assert response.status_code == 302
    assert Notification.objects.filter(user=agency.specialist, topic="documents.urge").get().body == (
        "Đề nghị khẩn trương"
    )


# ---------------------------------------------------------------------------------------------------------------
# Access


def test_grant_revoke_and_confirm(agency, login):
    document = register(agency)
    director = login(agency.director)
    response = director.post(
        url("grant_add", document), {"grant-person": agency.other_specialist.pk, "grant-reason": ""}
    )
    assert response.status_code == 400
    assert AccessGrant.objects.count() == 0
    data = {"grant-person": agency.other_specialist.pk, "grant-reason": "Phối hợp tra cứu"}
    assert director.post(url("grant_add", document), data).status_code == 302
    grant = AccessGrant.objects.get()
    page = text_of(director.get(url("detail", document)))
    assert "1 thay đổi quyền truy cập chưa được lãnh đạo xác nhận." in page
    again = director.post(url("grant_add", document), data)
    assert again.status_code == 422
    assert again.context["failed_form"].errors["person"] == [
        f"{agency.other_specialist.full_name} đã có quyền truy cập văn bản này."
    ]
    confirm = reverse("documents:grant_confirm", args=[document.pk, grant.pk])
    assert director.post(confirm, {}).status_code == 302
    grant.refresh_from_db()
    assert grant.confirmed_by == agency.director
    assert login(agency.other_specialist).get(url("detail", document)).status_code == 200
    revoke = reverse("documents:grant_revoke", args=[document.pk, grant.pk])
    assert login(agency.director).post(revoke, {}).status_code == 302
    assert login(agency.other_specialist).get(url("detail", document)).status_code == 404


def test_electronic_duplicate_is_confirmed_with_the_checkbox(exchange, login):
    agency = exchange
    copy = issued_to_recipient(agency)
    document_register_paper(
        actor=actor(agency.recipient_clerk),
        organisation=agency.recipient_org,
        values=paper_values(
            type_code="quyet_dinh",
            number_symbol="01/QĐ-STTTT",
            issued_on=timezone.localdate().isoformat(),
            issuer_name=agency.org.name,
            issuer_code=agency.org.code,
        ),
        main_file=("ban-giay.pdf", make_pdf("Bản giấy")),
    )
    clerk = login(agency.recipient_clerk)
    response = clerk.post(url("register", copy), {})
    assert response.status_code == 409
    assert response.context["failed_form"].errors == {
        "allow_duplicate": [
            "Văn bản này có thể đã được vào sổ: số đến 1 (01/QĐ-STTTT). Kiểm tra lại, hoặc xác nhận vẫn vào sổ."
        ]
    }
    assert 'type="checkbox" name="register-allow_duplicate"' in response.content.decode()
    assert state_of(copy) == IncomingState.ARRIVED
    assert clerk.post(url("register", copy), {"register-allow_duplicate": "on"}).status_code == 302
    copy.refresh_from_db()
    assert (copy.state, copy.arrival_number) == (IncomingState.REGISTERED, 2)
