"""Signing, numbering, dispatch to a recipient on the platform, the sender's view of it, and recall."""

import subprocess

import pytest
from django.utils import timezone

from egov.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from egov.documents.models import DeliveryState, IncomingState, OutgoingState
from egov.documents.selectors.documents import document_get, to_register
from egov.documents.services.assignments import assignment_complete, assignment_start, document_assign
from egov.documents.services.incoming import document_register, document_return
from egov.documents.services.issuing import document_issue, document_recall, document_sign
from egov.documents.signing.validate import validate_pdf
from egov.documents.tests.factories import PIN, actor, approved_draft
from egov.exchange.testing import run_exchange
from egov.notifications.models import Notification

pytestmark = pytest.mark.django_db


def issued(agency, **overrides):
    document = approved_draft(agency, **overrides)
    document = document_sign(actor=actor(agency.director), document=document, pin=PIN)
    return document_issue(actor=actor(agency.clerk), document=document, pin=PIN)


def main_bytes(document):
    row = document.files.get(role="main", is_current=True)
    with row.file.open("rb") as handle:
        return handle.read()


def test_sign_then_issue_numbers_seals_and_delivers(exchange):
    agency = exchange
    document = approved_draft(agency)
    document = document_sign(actor=actor(agency.director), document=document, pin=PIN)
    assert document.state == OutgoingState.SIGNED
    document = document_issue(actor=actor(agency.clerk), document=document, pin=PIN)
    year = timezone.localdate().year
    assert (document.state, document.year, document.number, document.number_symbol) == (
        OutgoingState.ISSUED,
        year,
        1,
        "01/QĐ-STTTT",
    )
    assert document.series == "ordinary"
    report = validate_pdf(main_bytes(document))
    assert [(s.signer_common_name, s.intact, s.trusted, s.is_organisation) for s in report.signatures] == [
        ("Nguyễn Văn Dũng", True, True, False),
        (agency.org.name, True, True, True),  # the seal
        (agency.org.name, True, True, True),  # the number and issuing time
    ]
    assert [f["code"] for f in document.format_findings if f["severity"] == "error"] == []
    # The package waits in the outbox; once the exchange has carried it, the recipient organisation has its copy
    # waiting for registration, and the sender sees it delivered (status 01).
    assert document.recipients.get().delivery_state == DeliveryState.AWAITING_EXCHANGE
    run_exchange()
    recipient = document.recipients.get()
    assert recipient.delivery_state == DeliveryState.DELIVERED
    copy = recipient.delivered_copy
    assert (copy.organisation, copy.state, copy.number_symbol, copy.source_id) == (
        agency.recipient_org,
        IncomingState.ARRIVED,
        "01/QĐ-STTTT",
        document.pk,
    )
    assert list(to_register(actor(agency.recipient_clerk))) == [copy]
    assert Notification.objects.filter(user=agency.recipient_clerk, topic="documents.arrived").count() == 1


def test_issue_text_shows_the_number_in_the_pdf(agency):
    document = issued(agency)
    text = subprocess.run(["pdftotext", "-", "-"], input=main_bytes(document), capture_output=True, check=True)
    assert "01/QĐ-STTTT" in text.stdout.decode()


def test_numbers_run_per_series(agency):
    first = issued(agency)
    second = issued(agency, type_code="cong_van", subject="V/v báo cáo tình hình chuyển đổi số")
    normative = issued(agency, legal_normative=True, subject="Quyết định ban hành Quy chế")
    year = timezone.localdate().year
    assert [d.number_symbol for d in (first, second, normative)] == [
        "01/QĐ-STTTT",
        "02/STTTT-CNTT",
        f"01/{year}/QĐ-STTTT",
    ]


def test_only_the_designated_signer_signs_with_the_right_pin(agency):
    document = approved_draft(agency)
    with pytest.raises(PermissionDenied):
        document_sign(actor=actor(agency.unit_head), document=document, pin=PIN)
    with pytest.raises(ValidationFailed) as caught:
        document_sign(actor=actor(agency.director), document=document, pin="sai-ma-pin")
    assert list(caught.value.errors) == ["pin"]
    document.refresh_from_db()
    assert document.state == OutgoingState.APPROVED
    assert document.files.filter(stage="signed").count() == 0


def test_a_failed_issue_takes_no_number(agency):
    document = approved_draft(agency)
    document = document_sign(actor=actor(agency.director), document=document, pin=PIN)
    with pytest.raises(ValidationFailed):
        document_issue(actor=actor(agency.clerk), document=document, pin="sai-ma-pin")
    document.refresh_from_db()
    assert (document.state, document.number) == (OutgoingState.SIGNED, None)
    again = document_issue(actor=actor(agency.clerk), document=document, pin=PIN)
    assert again.number == 1


def test_the_specialist_cannot_issue(agency):
    document = document_sign(actor=actor(agency.director), document=approved_draft(agency), pin=PIN)
    with pytest.raises((PermissionDenied, NotFound)):
        document_issue(actor=actor(agency.specialist), document=document, pin=PIN)
    with pytest.raises(InvalidTransition):
        document_issue(actor=actor(agency.clerk), document=approved_draft(agency), pin=PIN)


def test_the_sender_follows_registration_assignment_completion(exchange):
    agency = exchange
    document = issued(agency)
    run_exchange()
    copy = document.recipients.get().delivered_copy
    registered = document_register(actor=actor(agency.recipient_clerk), document=copy)
    assert registered.arrival_number == 1
    run_exchange()
    assert document.recipients.get().delivery_state == DeliveryState.RECEIVED
    rows = document_assign(
        actor=actor(agency.recipient_leader),
        document=copy,
        values={"lead": f"person:{agency.recipient_specialist.pk}"},
    )
    run_exchange()
    assert document.recipients.get().delivery_state == DeliveryState.HANDLING
    assignment_start(actor=actor(agency.recipient_specialist), assignment=rows[0])
    assignment_complete(actor=actor(agency.recipient_specialist), assignment=rows[0], result="Đã triển khai")
    run_exchange()
    assert document.recipients.get().delivery_state == DeliveryState.COMPLETED
    kinds = [e.kind for e in document.events.order_by("at", "pk") if e.kind.startswith("recipient.")]
    assert kinds == [
        "recipient.delivered",  # 01
        "recipient.received",  # 03
        "recipient.handling",  # 04
        "recipient.handling",  # 05
        "recipient.completed",  # 06
    ]


def test_returned_to_sender_with_reason(exchange):
    agency = exchange
    document = issued(agency)
    run_exchange()
    copy = document.recipients.get().delivered_copy
    with pytest.raises(ValidationFailed):
        document_return(actor=actor(agency.recipient_clerk), document=copy, reason=" ")
    document_return(actor=actor(agency.recipient_clerk), document=copy, reason="Gửi nhầm nơi nhận")
    run_exchange()
    recipient = document.recipients.get()
    assert (recipient.delivery_state, recipient.note) == (DeliveryState.RETURNED, "Gửi nhầm nơi nhận")


def test_recall_freezes_the_outgoing_and_destroys_the_copy(exchange):
    agency = exchange
    document = issued(agency)
    run_exchange()
    copy = document.recipients.get().delivered_copy
    document_register(actor=actor(agency.recipient_clerk), document=copy)
    with pytest.raises(ValidationFailed):
        document_recall(actor=actor(agency.director), document=document, reason="")
    document_recall(actor=actor(agency.director), document=document, reason="Sai thẩm quyền ban hành")
    run_exchange()
    document.refresh_from_db()
    copy.refresh_from_db()
    assert (document.state, document.recall_reason) == (OutgoingState.RECALLED, "Sai thẩm quyền ban hành")
    assert document.files.filter(is_current=True).count() == 1  # the outgoing keeps its files, frozen
    assert (copy.state, copy.subject, copy.files.count()) == (
        IncomingState.RECALLED,
        "(Văn bản đã bị thu hồi)",
        0,
    )
    assert (copy.arrival_number, copy.number_symbol) == (1, "01/QĐ-STTTT")  # the recall's record stays
    with pytest.raises(InvalidTransition):
        document_recall(actor=actor(agency.director), document=document, reason="lần hai")
    assert document_get(actor(agency.recipient_clerk), copy.pk).state == IncomingState.RECALLED
