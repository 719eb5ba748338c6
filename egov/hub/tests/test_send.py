"""POST hub/v1/edocs and hub/v1/statuses: what is accepted, and every refusal."""

from __future__ import annotations

import hashlib

import pytest

from egov.exchange.edxml import BusinessDocType, StatusCode
from egov.hub.models import HubDelivery, HubMessage, HubRejection
from egov.hub.services import system_set_active
from egov.hub.tests.conftest import A1, A2, B1, C1, UNREGISTERED, make_edoc, make_status

pytestmark = pytest.mark.django_db


def _nothing_stored():
    return HubMessage.objects.count() == 0 and HubDelivery.objects.count() == 0


def test_edoc_is_stored_once_for_each_recipient(hub, keys, systems):
    body, doc = make_edoc(keys, A1, [B1, C1, B1], doc_type=BusinessDocType.UPDATE)

    response = hub["sys-a"].post_xml("edocs", body)

    assert response.status_code == 201
    message = HubMessage.objects.get()
    assert response.json() == {
        "status": "OK",
        "ErrorCode": "0",
        "ErrorDesc": "",
        "DocId": str(message.doc_id),
        "Recipients": [B1, C1],
    }
    assert (message.kind, message.sender_organ, message.document_id) == ("edoc", A1, doc)
    assert (message.business_doc_type, message.status_code) == (2, "")
    assert message.sender_system_id == systems["sys-a"].pk
    assert message.sha256 == hashlib.sha256(body).hexdigest()
    assert (message.size, bytes(message.body)) == (len(body), body)
    deliveries = list(HubDelivery.objects.order_by("id").values_list("recipient_organ", "recipient_system_id", "state"))
    assert deliveries == [(B1, systems["sys-b"].pk, "waiting"), (C1, systems["sys-c"].pk, "waiting")]
    assert HubRejection.objects.count() == 0


def test_status_goes_back_to_the_system_of_the_original_sender(hub, keys, systems):
    body, doc = make_edoc(keys, A2, [B1, C1])
    original = hub["sys-a"].post_xml("edocs", body).json()["DocId"]
    status = make_status(keys, B1, A2, doc, code=StatusCode.RECEIVED)

    response = hub["sys-b"].post_xml("statuses", status)

    assert response.status_code == 201
    message = HubMessage.objects.get(kind="status")
    assert response.json() == {"status": "OK", "ErrorCode": "0", "ErrorDesc": "", "DocId": str(message.doc_id)}
    assert (message.sender_organ, message.document_id, message.status_code) == (B1, doc, "03")
    assert str(message.original.doc_id) == original
    assert list(message.deliveries.values_list("recipient_organ", "recipient_system_id")) == [(A2, systems["sys-a"].pk)]


def test_status_for_a_document_never_sent_is_refused(hub, keys):
    status = make_status(keys, B1, A1, "000.00.31.H40,2025/03/14,999/UBND-VP")

    response = hub["sys-b"].post_xml("statuses", status)

    assert response.status_code == 404
    assert response.json() == {
        "status": "FAIL",
        "ErrorCode": "UNKNOWN_DOCUMENT",
        "ErrorDesc": "Không có văn bản 000.00.31.H40,2025/03/14,999/UBND-VP gửi tới đơn vị 000.00.00.G22 "
        "qua trục liên thông.",
        "Field": "ResponseFor.DocumentId",
    }
    assert _nothing_stored()
    assert list(HubRejection.objects.values_list("system_label", "operation", "code")) == [
        ("sys-b", "status", "UNKNOWN_DOCUMENT")
    ]


def test_status_from_an_organisation_the_package_was_not_addressed_to_is_refused(hub, keys):
    body, doc = make_edoc(keys, A1, [B1])
    hub["sys-a"].post_xml("edocs", body)

    response = hub["sys-c"].post_xml("statuses", make_status(keys, C1, A1, doc))

    assert response.status_code == 404
    assert response.json()["ErrorCode"] == "UNKNOWN_DOCUMENT"
    assert HubMessage.objects.filter(kind="status").count() == 0


def test_status_from_an_organisation_the_caller_does_not_own_is_refused(hub, keys):
    body, doc = make_edoc(keys, A1, [B1])
    hub["sys-a"].post_xml("edocs", body)

    response = hub["sys-c"].post_xml("statuses", make_status(keys, B1, A1, doc))

    assert response.status_code == 403
    assert response.json()["ErrorCode"] == "SENDER_NOT_OWNED"
    assert HubMessage.objects.filter(kind="status").count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_X_SYSTEM_ID": "sys-a"},
        {"HTTP_X_SYSTEM_ID": "sys-a", "HTTP_X_SYSTEM_SECRET": "wrong"},
        {"HTTP_X_SYSTEM_ID": "sys-zzz", "HTTP_X_SYSTEM_SECRET": "wrong"},
    ],
    ids=["no headers", "no secret", "wrong secret", "unknown system"],
)
def test_unauthenticated_calls_are_refused(client, systems, keys, headers):
    body, _doc = make_edoc(keys, A1, [B1])

    response = client.generic("POST", "/hub/v1/edocs", body, content_type="application/xml", **headers)

    assert response.status_code == 401
    assert response.json() == {
        "status": "FAIL",
        "ErrorCode": "UNAUTHORIZED",
        "ErrorDesc": "Mã hệ thống hoặc mật khẩu kết nối không đúng.",
    }
    assert _nothing_stored()
    assert list(HubRejection.objects.values_list("system", "code", "remote_address")) == [
        (None, "UNAUTHORIZED", "127.0.0.1")
    ]


def test_a_system_taken_out_of_service_cannot_call(hub, keys, systems):
    from egov.hub.models import HubSystem

    system_set_active(system=HubSystem.objects.get(system_id="sys-a"), active=False)
    body, _doc = make_edoc(keys, A1, [B1])

    assert hub["sys-a"].post_xml("edocs", body).status_code == 401
    assert hub["sys-a"].get("count").status_code == 401
    assert _nothing_stored()


def test_sender_not_registered_to_the_system(hub, keys):
    body, _doc = make_edoc(keys, B1, [C1])

    response = hub["sys-a"].post_xml("edocs", body)

    assert response.status_code == 403
    assert response.json() == {
        "status": "FAIL",
        "ErrorCode": "SENDER_NOT_OWNED",
        "ErrorDesc": "Đơn vị gửi 000.00.00.G22 không thuộc hệ thống sys-a.",
        "Field": "From.OrganId",
    }
    assert _nothing_stored()


def test_unknown_recipient_refuses_the_whole_package(hub, keys):
    body, _doc = make_edoc(keys, A1, [B1, UNREGISTERED])

    response = hub["sys-a"].post_xml("edocs", body)

    assert response.status_code == 422
    assert response.json() == {
        "status": "FAIL",
        "ErrorCode": "UNKNOWN_RECIPIENT",
        "ErrorDesc": "Đơn vị nhận 000.00.99.H99 chưa kết nối với trục liên thông.",
        "Field": "To.OrganId",
        "OrganId": UNREGISTERED,
    }
    assert _nothing_stored()


def test_recipient_of_an_inactive_system_is_unknown(hub, keys):
    from egov.hub.models import HubSystem

    system_set_active(system=HubSystem.objects.get(system_id="sys-c"), active=False)
    body, _doc = make_edoc(keys, A1, [C1])

    response = hub["sys-a"].post_xml("edocs", body)

    assert (response.status_code, response.json()["OrganId"]) == (422, C1)


def test_the_same_bytes_twice_are_stored_once(hub, keys):
    body, _doc = make_edoc(keys, A1, [B1])
    first = hub["sys-a"].post_xml("edocs", body).json()

    response = hub["sys-a"].post_xml("edocs", body)

    assert response.status_code == 409
    assert response.json() == {
        "status": "FAIL",
        "ErrorCode": "DUPLICATE",
        "ErrorDesc": "Hệ thống đã gửi đúng gói tin này trước đây; gói tin không được lưu lại lần nữa.",
        "DocId": first["DocId"],
    }
    assert (HubMessage.objects.count(), HubDelivery.objects.count()) == (1, 1)
    assert HubRejection.objects.count() == 0


def test_a_status_posted_as_an_edoc_is_refused(hub, keys):
    body, doc = make_edoc(keys, A1, [B1])
    hub["sys-a"].post_xml("edocs", body)

    response = hub["sys-b"].post_xml("edocs", make_status(keys, B1, A1, doc))

    assert response.status_code == 400
    assert response.json()["ErrorCode"] == "WRONG_MESSAGE_TYPE"
    assert HubMessage.objects.count() == 1


def test_malformed_xml(hub):
    response = hub["sys-a"].post_xml("edocs", b"<edXML><unclosed>")

    assert response.status_code == 400
    assert response.json() == {
        "status": "FAIL",
        "ErrorCode": "malformed",
        "ErrorDesc": "Gói tin không đúng định dạng XML.",
    }
    assert _nothing_stored()
    rejection = HubRejection.objects.get()
    assert (rejection.system_label, rejection.operation, rejection.code) == ("sys-a", "edoc", "malformed")
    assert (rejection.size, rejection.sha256) == (17, hashlib.sha256(b"<edXML><unclosed>").hexdigest())


def test_empty_body(hub):
    response = hub["sys-a"].post_xml("edocs", b"")

    assert (response.status_code, response.json()["ErrorCode"]) == (400, "malformed")


def test_entity_bomb_is_refused_before_expansion(hub):
    lols = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY l0 "lol">{lols}]>'
        '<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">&l9;</edXML:edXML>'
    ).encode()

    response = hub["sys-a"].post_xml("edocs", bomb)

    assert response.status_code == 400
    assert response.json()["ErrorCode"] == "forbidden_dtd"
    assert _nothing_stored()


def test_tampered_package_fails_its_signature(hub, keys):
    body, _doc = make_edoc(keys, A1, [B1])
    tampered = body.replace("Về việc thử nghiệm".encode(), "Về việc sửa đổi".encode())
    assert tampered != body

    response = hub["sys-a"].post_xml("edocs", tampered)

    assert response.status_code == 400
    assert response.json()["ErrorCode"] == "signature_invalid"
    assert _nothing_stored()


def test_unsigned_package(hub, keys):
    from egov.exchange.edxml import build_package, read_message

    body, _doc = make_edoc(keys, A1, [B1])
    unsigned = build_package(read_message(body, trust=None).package)

    response = hub["sys-a"].post_xml("edocs", unsigned)

    assert (response.status_code, response.json()["ErrorCode"]) == (400, "signature_missing")


def test_package_signed_under_an_untrusted_ca(hub, keys):
    body, _doc = make_edoc(keys, A1, [B1], signer=keys.rogue[A1])

    response = hub["sys-a"].post_xml("edocs", body)

    assert (response.status_code, response.json()["ErrorCode"]) == (400, "untrusted")
    assert _nothing_stored()


def test_package_signed_with_another_organisations_certificate(hub, keys):
    body, _doc = make_edoc(keys, A1, [B1], signer=keys.signers[A2])

    response = hub["sys-a"].post_xml("edocs", body)

    assert (response.status_code, response.json()["ErrorCode"]) == (400, "signer_mismatch")


def test_oversize_body_is_refused(hub, keys, settings):
    settings.EGOV_HUB_MAX_BYTES = 2048
    body, _doc = make_edoc(keys, A1, [B1], content="x" * 3000)

    response = hub["sys-a"].post_xml("edocs", body)

    assert response.status_code == 413
    assert response.json() == {
        "status": "FAIL",
        "ErrorCode": "too_large",
        "ErrorDesc": "Gói tin vượt quá dung lượng cho phép (2048 byte).",
    }
    assert _nothing_stored()
    assert HubRejection.objects.get().code == "too_large"


def test_declared_length_is_checked_before_reading(hub, settings):
    settings.EGOV_HUB_MAX_BYTES = 2048

    response = hub["sys-a"].post_xml("edocs", b"<x/>", CONTENT_LENGTH="4096")

    assert (response.status_code, response.json()["ErrorCode"]) == (413, "too_large")


def test_wrong_method(hub):
    response = hub["sys-a"].get("edocs")

    assert response.status_code == 405
    assert response.json()["ErrorCode"] == "METHOD_NOT_ALLOWED"


def test_no_trust_anchor_configured_means_service_unavailable(hub, keys, settings):
    settings.EGOV_HUB_TRUST_PEM = ""
    settings.EGOV_PKI_DIR = ""
    body, _doc = make_edoc(keys, A1, [B1])

    response = hub["sys-a"].post_xml("edocs", body)

    assert (response.status_code, response.json()["ErrorCode"]) == (503, "NO_TRUST")


def test_demo_pki_is_trusted_when_nothing_is_configured(hub, keys, settings):
    settings.EGOV_HUB_TRUST_PEM = ""
    settings.EGOV_PKI_DIR = str(keys.ca_dir)
    body, _doc = make_edoc(keys, A1, [B1])

    assert hub["sys-a"].post_xml("edocs", body).status_code == 201


def test_accepting_a_package_takes_a_fixed_number_of_queries(hub, keys):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hub["sys-a"].get("count")  # credentials cached
    body, _doc = make_edoc(keys, A1, [B1, C1])

    with CaptureQueriesContext(connection) as queries:
        assert hub["sys-a"].post_xml("edocs", body).status_code == 201

    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert [s for s in statements if s in ("SELECT", "INSERT", "UPDATE", "DELETE")] == [
        "SELECT",  # same bytes sent before?
        "SELECT",  # the recipients' systems
        "INSERT",  # the message
        "INSERT",  # its deliveries, in one statement
    ]
