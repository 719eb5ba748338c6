"""received, received/<Id>, ack, sent and count: each system sees and acknowledges only its own deliveries."""

from __future__ import annotations

import base64
import hashlib

import pytest

from egov.exchange.edxml import StatusCode
from egov.hub.models import HubDelivery, HubMessage
from egov.hub.tests.conftest import A1, A2, B1, C1, make_edoc, make_status

pytestmark = pytest.mark.django_db


def _send(hub, keys, system, sender, to, **kwargs):
    body, doc = make_edoc(keys, sender, to, **kwargs)
    reply = hub[system].post_xml("edocs", body).json()
    return body, doc, reply["DocId"]


def test_received_lists_waiting_deliveries_oldest_first(hub, keys):
    body1, doc1, id1 = _send(hub, keys, "sys-a", A1, [B1, C1])
    body2, doc2, id2 = _send(hub, keys, "sys-c", C1, [B1])
    status = make_status(keys, B1, A1, doc1, code=StatusCode.REFUSED)
    status_id = hub["sys-b"].post_xml("statuses", status).json()["DocId"]

    data = hub["sys-b"].get("received").json()

    first, second = HubDelivery.objects.filter(recipient_organ=B1).order_by("id")
    assert data["status"] == "OK"
    assert data["data"] == [
        {
            "Id": first.id,
            "DocId": id1,
            "MessageType": "edoc",
            "From": A1,
            "To": B1,
            "DocumentId": doc1,
            "BusinessDocType": 0,
            "Size": len(body1),
            "Sha256": hashlib.sha256(body1).hexdigest(),
            "ReceivedAt": first.message.received_at.isoformat(),
        },
        {
            "Id": second.id,
            "DocId": id2,
            "MessageType": "edoc",
            "From": C1,
            "To": B1,
            "DocumentId": doc2,
            "BusinessDocType": 0,
            "Size": len(body2),
            "Sha256": hashlib.sha256(body2).hexdigest(),
            "ReceivedAt": second.message.received_at.isoformat(),
        },
    ]
    # sys-a gets the status back for A1.
    rows = hub["sys-a"].get("received").json()["data"]
    assert [(r["DocId"], r["MessageType"], r["From"], r["To"], r["StatusCode"]) for r in rows] == [
        (status_id, "status", B1, A1, "02")
    ]
    assert "BusinessDocType" not in rows[0]


def test_received_with_bodies_and_limit(hub, keys):
    body1, _doc1, _id1 = _send(hub, keys, "sys-a", A1, [B1])
    body2, _doc2, _id2 = _send(hub, keys, "sys-a", A2, [B1])

    rows = hub["sys-b"].get("received", {"limit": 1, "include_body": 1}).json()["data"]
    assert [base64.b64decode(row["Body"]) for row in rows] == [body1]

    rows = hub["sys-b"].get("received", {"include_body": 1}).json()["data"]
    assert [base64.b64decode(row["Body"]) for row in rows] == [body1, body2]
    assert all("Body" not in row for row in hub["sys-b"].get("received").json()["data"])


def test_bodies_in_one_reply_are_capped(hub, keys, settings):
    body1, _doc1, _id1 = _send(hub, keys, "sys-a", A1, [B1])
    _send(hub, keys, "sys-a", A2, [B1])
    settings.EGOV_HUB_RECEIVED_BODY_CAP = len(body1) + 10

    rows = hub["sys-b"].get("received", {"include_body": 1}).json()["data"]

    # One body fits; the second waits for the next call. A single body over the cap still comes alone.
    assert len(rows) == 1
    settings.EGOV_HUB_RECEIVED_BODY_CAP = 10
    assert len(hub["sys-b"].get("received", {"include_body": 1}).json()["data"]) == 1


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 201}, {"limit": "x"}, {"include_body": 2}])
def test_received_parameters_are_checked(hub, params):
    response = hub["sys-b"].get("received", params)

    assert response.status_code == 400
    assert response.json()["ErrorCode"] == "BAD_REQUEST"
    assert response.json()["Field"] == next(iter(params))


def test_get_one_delivery(hub, keys):
    body, _doc, doc_id = _send(hub, keys, "sys-a", A1, [B1])
    delivery = HubDelivery.objects.get()

    response = hub["sys-b"].get(f"received/{delivery.id}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response.content == body
    assert (response["X-Doc-Id"], response["X-Message-Type"]) == (doc_id, "edoc")
    assert response["X-Sha256"] == hashlib.sha256(body).hexdigest()


def test_another_system_can_neither_see_nor_fetch_nor_ack_my_deliveries(hub, keys):
    _send(hub, keys, "sys-a", A1, [B1])
    delivery = HubDelivery.objects.get()

    assert hub["sys-c"].get("received").json()["data"] == []
    assert hub["sys-a"].get("received").json()["data"] == []
    response = hub["sys-c"].get(f"received/{delivery.id}")
    assert response.status_code == 404
    assert response.json() == {"status": "FAIL", "ErrorCode": "NOT_FOUND", "ErrorDesc": "Không tìm thấy gói tin."}
    response = hub["sys-c"].post_json("received/ack", {"ids": [delivery.id]})
    assert response.json() == {
        "status": "OK",
        "ErrorCode": "0",
        "ErrorDesc": "",
        "Acknowledged": 0,
        "NotFound": [delivery.id],
    }
    delivery.refresh_from_db()
    assert (delivery.state, delivery.acked_at) == ("waiting", None)


def test_ack_is_idempotent_and_reports_foreign_ids(hub, keys):
    _send(hub, keys, "sys-a", A1, [B1])
    _send(hub, keys, "sys-a", A1, [B1])
    mine = list(HubDelivery.objects.order_by("id").values_list("id", flat=True))

    first = hub["sys-b"].post_json("received/ack", {"ids": [mine[0], 999999]}).json()
    acked_at = HubDelivery.objects.get(id=mine[0]).acked_at
    again = hub["sys-b"].post_json("received/ack", {"ids": [mine[0], mine[1]]}).json()

    assert (first["Acknowledged"], first["NotFound"]) == (1, [999999])
    assert again == {"status": "OK", "ErrorCode": "0", "ErrorDesc": "", "Acknowledged": 2}
    assert HubDelivery.objects.get(id=mine[0]).acked_at == acked_at  # the first acknowledgement is kept
    assert hub["sys-b"].get("received").json()["data"] == []
    # An acknowledged message can still be fetched again until its body is purged.
    assert hub["sys-b"].get(f"received/{mine[0]}").status_code == 200


def test_ack_one_by_path(hub, keys):
    _send(hub, keys, "sys-a", A1, [B1])
    delivery = HubDelivery.objects.get()

    response = hub["sys-b"].client.post(f"/hub/v1/received/{delivery.id}/ack", **hub["sys-b"].system.headers)

    assert response.json()["Acknowledged"] == 1
    delivery.refresh_from_db()
    assert delivery.state == "acknowledged"


@pytest.mark.parametrize(
    "payload", [{"ids": "1"}, {"ids": [1, "2"]}, {"ids": [True]}, {"ids": [0]}, {"id": [1]}, [1, 2], "x"]
)
def test_ack_payload_is_checked(hub, payload):
    response = hub["sys-b"].post_json("received/ack", payload)

    assert response.status_code == 400
    assert response.json()["ErrorCode"] == "BAD_REQUEST"


def test_ack_body_must_be_json(hub):
    response = hub["sys-b"].post_xml("received/ack", b"{not json")

    assert (response.status_code, response.json()["ErrorCode"]) == (400, "BAD_REQUEST")


def test_each_recipient_is_held_until_it_acknowledges(hub, keys):
    _send(hub, keys, "sys-a", A1, [B1, C1])
    to_b = HubDelivery.objects.get(recipient_organ=B1)

    hub["sys-b"].post_json("received/ack", {"ids": [to_b.id]})

    assert hub["sys-b"].get("received").json()["data"] == []
    assert [row["To"] for row in hub["sys-c"].get("received").json()["data"]] == [C1]
    sent = hub["sys-a"].get("sent").json()["data"]
    to_b.refresh_from_db()
    assert sent[0]["Recipients"] == [
        {"To": B1, "State": "acknowledged", "AcknowledgedAt": to_b.acked_at.isoformat()},
        {"To": C1, "State": "waiting", "AcknowledgedAt": None},
    ]


def test_sent_lists_my_messages_after_a_doc_id_or_sequence(hub, keys):
    _b1, doc1, id1 = _send(hub, keys, "sys-a", A1, [B1])
    _b2, _doc2, id2 = _send(hub, keys, "sys-a", A2, [C1])
    _send(hub, keys, "sys-b", B1, [C1])
    first = HubMessage.objects.get(doc_id=id1)

    data = hub["sys-a"].get("sent").json()["data"]

    assert data[0] == {
        "Sequence": first.id,
        "DocId": id1,
        "MessageType": "edoc",
        "DocumentId": doc1,
        "From": A1,
        "SentAt": first.received_at.isoformat(),
        "Recipients": [{"To": B1, "State": "waiting", "AcknowledgedAt": None}],
    }
    assert [row["DocId"] for row in data] == [id1, id2]
    assert [row["DocId"] for row in hub["sys-a"].get("sent", {"after": id1}).json()["data"]] == [id2]
    assert [row["DocId"] for row in hub["sys-a"].get("sent", {"after": str(first.id)}).json()["data"]] == [id2]
    assert [row["DocId"] for row in hub["sys-a"].get("sent", {"limit": 1}).json()["data"]] == [id1]
    # Another system's DocId is no anchor for me.
    other = HubMessage.objects.get(sender_organ=B1).doc_id
    response = hub["sys-a"].get("sent", {"after": str(other)})
    assert (response.status_code, response.json()["Field"]) == (400, "after")
    assert hub["sys-a"].get("sent", {"after": "nonsense"}).status_code == 400


def test_count(hub, keys):
    _b, doc, _id = _send(hub, keys, "sys-a", A1, [B1, C1])
    _send(hub, keys, "sys-c", C1, [B1])
    hub["sys-b"].post_xml("statuses", make_status(keys, B1, A1, doc))

    assert hub["sys-b"].get("count").json() == {
        "status": "OK",
        "ErrorCode": "0",
        "ErrorDesc": "",
        "Waiting": 2,
        "Edoc": 2,
        "Status": 0,
    }
    assert hub["sys-a"].get("count").json()["Waiting"] == 1
    assert hub["sys-a"].get("count").json()["Status"] == 1


def test_received_takes_a_fixed_number_of_queries(hub, keys, django_assert_max_num_queries):
    for _ in range(5):
        _send(hub, keys, "sys-a", A1, [B1])
    hub["sys-b"].get("count")  # credentials cached

    with django_assert_max_num_queries(1):
        rows = hub["sys-b"].get("received", {"include_body": 1}).json()["data"]
    assert len(rows) == 5
