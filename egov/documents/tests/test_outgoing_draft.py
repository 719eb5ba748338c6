"""Drafting an outgoing document through unit review and leader approval, with its bad inputs."""

import pytest

from egov.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from egov.documents.models import Document, DocumentFile, OutgoingState
from egov.documents.services.outgoing import (
    document_add_version,
    document_approve,
    document_comment,
    document_create_draft,
    document_review,
    document_submit,
    document_update_draft,
)
from egov.documents.tests.factories import actor, create_draft, draft_values, make_pdf

pytestmark = pytest.mark.django_db


def test_draft_keeps_metadata_signer_and_recipients(agency):
    document = create_draft(agency, pages=2)
    assert document.state == OutgoingState.DRAFT
    assert document.type_name == "Quyết định"
    assert document.issuer_code == "000.00.12.H40"
    assert document.issuer_name == agency.org.name
    assert document.signer_name == "Nguyễn Văn Dũng"
    assert document.signer_position == "Giám đốc"
    assert document.page_count == 2
    assert [r.organisation_name for r in document.recipients.all()] == ["Ủy ban nhân dân huyện Hải Hậu"]
    files = list(document.files.all())
    assert [(f.role, f.stage, f.version, f.is_current) for f in files] == [("main", "draft", 1, True)]
    assert [e.kind for e in document.events.all()] == ["created"]


def test_missing_fields_are_all_reported_and_nothing_saved(agency):
    with pytest.raises(ValidationFailed) as caught:
        document_create_draft(
            actor=actor(agency.specialist),
            organisation=agency.org,
            values={"type_code": "khong_co", "subject": "", "signer": agency.specialist.pk, "recipients": [999999]},
        )
    assert set(caught.value.errors) == {"type_code", "subject", "signer", "recipients.0"}
    assert "Người ký phải là lãnh đạo" in caught.value.errors["signer"][0]
    assert Document.objects.count() == 0


def test_subject_over_500_characters_is_refused(agency):
    with pytest.raises(ValidationFailed) as caught:
        create_draft(agency, subject="x" * 501)
    assert caught.value.errors["subject"] == ["Tối đa 500 ký tự (đang có 501)."]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"Hello, this is not a PDF at all", "Tệp không phải là PDF."),
        (b"%PDF-1.7\n1 0 obj\n<<", "Tệp PDF bị hỏng, không đọc được."),
        (b"", "Tệp rỗng."),
    ],
)
def test_main_file_must_be_a_readable_pdf(agency, data, fragment):
    with pytest.raises(ValidationFailed) as caught:
        document_create_draft(
            actor=actor(agency.specialist),
            organisation=agency.org,
            values=draft_values(agency),
            main_file=("du-thao.pdf", data),
        )
    assert list(caught.value.errors) == ["main_file"]
    assert caught.value.errors["main_file"] == [fragment]
    assert Document.objects.count() == 0
    assert DocumentFile.objects.count() == 0


def test_drafting_unit_of_another_organisation_is_refused(agency):
    with pytest.raises(ValidationFailed) as caught:
        create_draft(agency, drafting_unit=agency.tree["qt_stttt"].pk)
    assert caught.value.errors["drafting_unit"] == [f"Đơn vị soạn thảo phải thuộc {agency.org.name}."]


def test_someone_of_another_organisation_cannot_draft_here(agency):
    with pytest.raises(PermissionDenied):
        document_create_draft(actor=actor(agency.outsider), organisation=agency.org, values=draft_values(agency))
    assert Document.objects.count() == 0


def test_review_then_approval_then_ready_to_sign(agency):
    document = create_draft(agency)
    document = document_submit(actor=actor(agency.specialist), document=document)
    assert document.state == OutgoingState.IN_REVIEW
    with pytest.raises(InvalidTransition):
        document_approve(actor=actor(agency.director), document=document, approve=True)
    document = document_review(actor=actor(agency.unit_head), document=document, approve=True, note="Đồng ý")
    assert document.state == OutgoingState.AWAITING_APPROVAL
    document = document_approve(actor=actor(agency.director), document=document, approve=True)
    assert document.state == OutgoingState.APPROVED
    kinds = [e.kind for e in document.events.order_by("at", "pk")]
    assert kinds == ["created", "state.in_review", "state.awaiting_approval", "state.approved"]


def test_review_outside_the_state_is_refused(agency):
    document = create_draft(agency)
    with pytest.raises(PermissionDenied):
        # A specialist does not review drafts.
        document_review(actor=actor(agency.specialist), document=document, approve=True)
    with pytest.raises(InvalidTransition):
        document_review(actor=actor(agency.unit_head), document=document, approve=True)
    document.refresh_from_db()
    assert document.state == OutgoingState.DRAFT


def test_return_needs_a_reason_and_goes_back_to_draft(agency):
    document = document_submit(actor=actor(agency.specialist), document=create_draft(agency))
    with pytest.raises(ValidationFailed) as caught:
        document_review(actor=actor(agency.unit_head), document=document, approve=False, note="  ")
    assert caught.value.errors == {"note": ["Nêu lý do trả lại dự thảo."]}
    document = document_review(actor=actor(agency.unit_head), document=document, approve=False, note="Sửa trích yếu")
    assert document.state == OutgoingState.DRAFT
    assert document.events.last().note == "Sửa trích yếu"


def test_versions_and_comments_are_kept(agency):
    document = create_draft(agency)
    document_comment(actor=actor(agency.unit_head), document=document, text="Bổ sung căn cứ pháp lý")
    row = document_add_version(
        actor=actor(agency.unit_head), document=document, file=("v2.pdf", make_pdf("Bản sửa")), note="Đã sửa"
    )
    assert row.version == 2
    versions = list(document.files.order_by("version").values_list("version", "is_current"))
    assert versions == [(1, False), (2, True)]
    assert [c.text for c in document.comments.all()] == ["Bổ sung căn cứ pháp lý"]


def test_update_only_while_draft(agency):
    document = create_draft(agency)
    document = document_update_draft(
        actor=actor(agency.specialist), document=document, values=draft_values(agency, subject="Trích yếu mới")
    )
    assert document.subject == "Trích yếu mới"
    document_submit(actor=actor(agency.specialist), document=document)
    with pytest.raises(InvalidTransition):
        document_update_draft(actor=actor(agency.specialist), document=document, values=draft_values(agency))


def test_submit_without_a_main_file_is_refused(agency):
    document = document_create_draft(
        actor=actor(agency.specialist), organisation=agency.org, values=draft_values(agency)
    )
    with pytest.raises(ValidationFailed) as caught:
        document_submit(actor=actor(agency.specialist), document=document)
    assert caught.value.errors == {"main_file": ["Dự thảo chưa có tệp văn bản chính (PDF)."]}


def test_a_draft_is_invisible_to_another_organisation(agency):
    document = create_draft(agency)
    with pytest.raises(NotFound):
        document_comment(actor=actor(agency.outsider), document=document, text="xin chào")
