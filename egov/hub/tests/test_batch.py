"""POST hub/v1/batch: every item verified, the accepted ones stored together, each item answered."""

from __future__ import annotations

import base64
from unittest import mock

import pytest
from django.db import IntegrityError

from egov.hub.models import HubDelivery, HubMessage, HubRejection
from egov.hub.tests.conftest import A1, A2, B1, C1, UNREGISTERED, make_edoc, make_status

pytestmark = pytest.mark.django_db


def _items(*bodies: bytes) -> dict:
    return {"items": [{"body": base64.b64encode(body).decode()} for body in bodies]}


def test_batch_with_good_and_bad_items(hub, keys):
    good1, doc1 = make_edoc(keys, A1, [B1])
    good2, _doc2 = make_edoc(keys, A2, [C1])
    unknown, _doc3 = make_edoc(keys, A1, [UNREGISTERED])
    foreign, _doc4 = make_edoc(keys, B1, [C1])
    status = make_status(keys, B1, A1, doc1)  # B1 is not an organisation of sys-a
    payload = _items(good1, b"<broken", unknown, good2, foreign, good1, status)
    payload["items"].insert(2, {"body": "not base64!"})

    response = hub["sys-a"].post_json("batch", payload)

    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["ErrorCode"], data["ErrorDesc"]) == ("OK", "0", "")
    results = data["results"]
    stored = {str(m.doc_id): m for m in HubMessage.objects.all()}
    assert [(r["HttpStatus"], r["ErrorCode"]) for r in results] == [
        (201, "0"),
        (400, "malformed"),
        (400, "malformed"),
        (422, "UNKNOWN_RECIPIENT"),
        (201, "0"),
        (403, "SENDER_NOT_OWNED"),
        (409, "DUPLICATE"),
        (403, "SENDER_NOT_OWNED"),
    ]
    assert results[0] == {
        "status": "OK",
        "ErrorCode": "0",
        "ErrorDesc": "",
        "DocId": results[0]["DocId"],
        "Recipients": [B1],
        "HttpStatus": 201,
    }
    assert results[2]["Field"] == "body"
    assert results[6]["DocId"] == results[0]["DocId"]
    assert set(stored) == {results[0]["DocId"], results[4]["DocId"]}
    assert bytes(stored[results[0]["DocId"]].body) == good1
    assert HubDelivery.objects.count() == 2
    assert sorted(HubRejection.objects.values_list("code", flat=True)) == [
        "SENDER_NOT_OWNED",
        "SENDER_NOT_OWNED",
        "UNKNOWN_RECIPIENT",
        "malformed",
        "malformed",
    ]


def test_batch_of_statuses_and_edocs_routes_each(hub, keys):
    body, doc = make_edoc(keys, A1, [B1])
    hub["sys-a"].post_xml("edocs", body)
    status = make_status(keys, B1, A1, doc)
    reply, _doc = make_edoc(keys, B1, [A1])

    results = hub["sys-b"].post_json("batch", _items(status, reply)).json()["results"]

    assert [r["HttpStatus"] for r in results] == [201, 201]
    assert "Recipients" not in results[0]
    assert results[1]["Recipients"] == [A1]
    assert [row["MessageType"] for row in hub["sys-a"].get("received").json()["data"]] == ["status", "edoc"]


def test_nothing_is_half_stored_when_the_transaction_fails(hub, keys):
    good1, _doc1 = make_edoc(keys, A1, [B1])
    good2, _doc2 = make_edoc(keys, A1, [C1])

    with (
        mock.patch("egov.hub.services.HubDelivery.objects.bulk_create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        hub["sys-a"].post_json("batch", _items(good1, good2))

    assert (HubMessage.objects.count(), HubDelivery.objects.count()) == (0, 0)


def test_a_race_with_another_request_turns_into_duplicates(hub, keys, systems):
    from egov.hub import auth, services

    good1, _doc1 = make_edoc(keys, A1, [B1])
    good2, _doc2 = make_edoc(keys, A1, [C1])
    caller = auth.lookup("sys-a")
    outcomes = [services.verify(caller=caller, body=good1), services.verify(caller=caller, body=good2)]
    hub["sys-a"].post_xml("edocs", good1)  # lands between verification and storage

    services._store_with_retry(caller, outcomes)

    assert (outcomes[0].http_status, outcomes[1].http_status) == (409, 201)
    assert HubMessage.objects.count() == 2


def test_integrity_error_retry_is_not_swallowed_for_other_reasons(hub, keys):
    from egov.hub import auth, services

    good, _doc = make_edoc(keys, A1, [B1])
    caller = auth.lookup("sys-a")
    outcomes = [services.verify(caller=caller, body=good)]
    with mock.patch("egov.hub.services._store", side_effect=IntegrityError("boom")), pytest.raises(IntegrityError):
        services._store_with_retry(caller, outcomes)


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"items": []}, "items"), ({"things": []}, "items"), ([], "items"), ({"items": "x"}, "items")],
)
def test_batch_shape_is_checked(hub, payload, field):
    response = hub["sys-a"].post_json("batch", payload)

    assert response.status_code == 400
    assert (response.json()["ErrorCode"], response.json()["Field"]) == ("BAD_REQUEST", field)


def test_batch_of_more_than_100_items_is_refused(hub):
    response = hub["sys-a"].post_json("batch", {"items": [{"body": ""}] * 101})

    assert response.status_code == 400
    assert response.json()["ErrorDesc"] == "Mỗi lần gửi tối đa 100 gói tin."


def test_batch_item_over_the_size_limit(hub, keys, settings):
    settings.EGOV_HUB_MAX_BYTES = 2048
    big, _doc = make_edoc(keys, A1, [B1], content="x" * 3000)

    results = hub["sys-a"].post_json("batch", _items(big)).json()["results"]

    assert [(r["HttpStatus"], r["ErrorCode"]) for r in results] == [(413, "too_large")]


def test_batch_body_over_its_limit(hub, settings):
    settings.EGOV_HUB_BATCH_MAX_BYTES = 1024

    response = hub["sys-a"].post_json("batch", {"items": [{"body": "A" * 2000}]})

    assert (response.status_code, response.json()["ErrorCode"]) == (413, "too_large")


def test_batch_needs_json(hub):
    response = hub["sys-a"].post_xml("batch", b"<xml/>")

    assert (response.status_code, response.json()["ErrorCode"]) == (400, "BAD_REQUEST")
