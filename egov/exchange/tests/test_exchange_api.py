"""GET /api/v1/documents/{id}/exchange: the timeline as JSON, to whoever may see the document, and 404 otherwise."""

import datetime as dt

import pytest

from egov.accounts.roles import Perm
from egov.documents.models import Document
from egov.documents.services.incoming import document_register
from egov.documents.services.issuing import document_issue, document_sign
from egov.documents.tests.factories import PIN, actor, approved_draft, create_draft
from egov.documents.tests.test_api_support import as_, key_for
from egov.exchange.models import InboxMessage, SentDocument, StatusEntry
from egov.exchange.testing import run_exchange

pytestmark = pytest.mark.django_db


def url(pk) -> str:
    return f"/api/v1/documents/{pk}/exchange"


def _steps(document) -> list[dict]:
    """The entries as the API gives them: times to the millisecond."""
    return [
        {
            "code": e.code,
            "direction": e.direction,
            "occurred_at": e.occurred_at.replace(microsecond=e.occurred_at.microsecond // 1000 * 1000),
            "description": e.description,
        }
        for e in StatusEntry.objects.filter(document=document).order_by("recorded_at", "pk")
    ]


def _parsed(timeline: list[dict]) -> list[dict]:
    return [
        {
            "code": s["code"],
            "direction": s["direction"],
            "occurred_at": dt.datetime.fromisoformat(s["occurred_at"]),
            "description": s["description"],
        }
        for s in timeline
    ]


def test_shape_and_who_may_read_it(exchange, client):
    document = approved_draft(exchange)
    document = document_sign(actor=actor(exchange.director), document=document, pin=PIN)
    document = document_issue(actor=actor(exchange.clerk), document=document, pin=PIN)
    run_exchange()
    copy = Document.objects.get(organisation=exchange.recipient_org)
    document_register(actor=actor(exchange.recipient_clerk), document=copy, values={})
    run_exchange()
    edxml_id = SentDocument.objects.get().edxml_id
    code = exchange.recipient_org.code

    response = as_(client, exchange, "clerk").get(url(document.pk))
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["document_id", "recipients"]
    assert body["document_id"] == edxml_id
    [recipient] = body["recipients"]
    assert {k: v for k, v in recipient.items() if k != "timeline"} == {
        "organisation": code,
        "organisation_name": "Ủy ban nhân dân huyện Hải Hậu",
        "delivery_state": "received",
    }
    assert [(s["code"], s["label"]) for s in recipient["timeline"]] == [
        ("queued", "Xếp hàng gửi"),
        ("sent", "Đã gửi lên trục liên thông"),
        ("01", "Đã đến"),
        ("03", "Đã tiếp nhận, vào sổ"),
    ]
    assert [sorted(s) for s in recipient["timeline"]] == [
        ["code", "description", "direction", "label", "occurred_at"]
    ] * 4
    assert _parsed(recipient["timeline"]) == _steps(document)
    assert recipient["timeline"][1]["description"] == InboxMessage.objects.get(kind="edoc").hub_doc_id

    # The copy at Hải Hậu: one entry, the sender, with what Hải Hậu sent back.
    response = as_(client, exchange, "recipient_clerk").get(url(copy.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["document_id"] == edxml_id
    [sender] = body["recipients"]
    assert (sender["organisation"], sender["organisation_name"], sender["delivery_state"]) == (
        exchange.org.code,
        "Sở Thông tin và Truyền thông tỉnh Nam Định",
        "received",
    )
    assert [(s["code"], s["direction"], s["label"]) for s in sender["timeline"]] == [
        ("received", "received", "Đã nhận gói tin, đăng ký văn bản đến"),
        ("01", "sent", "Đã đến"),
        ("03", "sent", "Đã tiếp nhận, vào sổ"),
    ]
    assert _parsed(sender["timeline"]) == _steps(copy)

    # An API key of the organisation with the right scope reads it too.
    response = client.get(url(document.pk), **key_for(exchange.org, Perm.DOCS_VIEW_ALL))
    assert (response.status_code, response.json()["document_id"]) == (200, edxml_id)

    # Refusals: nothing about the document leaks.
    not_found = {"code": "not_found", "message": "Không tìm thấy văn bản.", "field": None}
    for name, pk in (("outsider", document.pk), ("recipient_clerk", document.pk), ("clerk", copy.pk)):
        response = as_(client, exchange, name).get(url(pk))
        assert (name, response.status_code, response.json()) == (name, 404, not_found)
    response = as_(client, exchange, "clerk").get(url(999999))
    assert (response.status_code, response.json()) == (404, not_found)
    response = client.get(url(document.pk), **key_for(exchange.tree["qt_stttt"], Perm.DOCS_VIEW_ALL))
    assert (response.status_code, response.json()) == (404, not_found)
    response = as_(client, exchange, "anonymous").get(url(document.pk))
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    response = as_(client, exchange, "applicant").get(url(document.pk))
    assert (response.status_code, response.json()) == (
        403,
        {"code": "permission_denied", "message": "Bạn không có quyền làm việc với văn bản.", "field": None},
    )


def test_a_document_that_never_went_through(agency, client):
    draft = create_draft(agency)
    response = as_(client, agency, "specialist").get(url(draft.pk))
    assert (response.status_code, response.json()) == (200, {"document_id": None, "recipients": []})


def test_listed_in_the_openapi_schema(client, agency):
    response = as_(client, agency, "clerk").get("/api/v1/openapi.json")
    operation = response.json()["paths"]["/api/v1/documents/{id}/exchange"]["get"]
    assert (operation["tags"], operation["summary"]) == (
        ["exchange"],
        "The exchange timeline: each recipient's statuses, in order",
    )
