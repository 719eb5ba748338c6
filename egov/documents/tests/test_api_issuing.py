"""Documents API, signing and issuing: the signer's signature, number and seal, dispatch, recall — real signatures."""

from __future__ import annotations

import pytest
from django.utils import timezone

from egov.documents.models import Document, NumberSequence
from egov.documents.services.issuing import document_issue, document_sign
from egov.documents.tests.factories import PIN, actor, approved_draft
from egov.documents.tests.test_api_support import API, as_, draft, post, state
from egov.exchange.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _draft_extra(agency):
    return {"recipients": [agency.recipient_org.pk, {"code": "000.00.00.G09", "name": "Bộ Nội vụ"}]}


@pytest.fixture
def approved(agency):
    return approved_draft(agency, **_draft_extra(agency))


@pytest.fixture
def signed(agency, approved):
    return document_sign(actor=actor(agency.director), document=approved, pin=PIN)


@pytest.fixture
def issued(agency, signed):
    return document_issue(actor=actor(agency.clerk), document=signed, pin=PIN)


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("anonymous", 401),
        ("outsider", 404),
        ("other_specialist", 404),
        ("clerk", 403),
        ("unit_head", 403),  # sees the unit's draft but is not its signer
        ("director", 200),
    ],
)
def test_sign_matrix(client, agency, approved, name, status):
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/{approved.pk}/sign", {"pin": PIN})
    assert response.status_code == status
    approved.refresh_from_db()
    if status == 200:
        body = response.json()
        assert (body["state"], approved.state) == ("signed", "signed")
        assert [(f["role"], f["stage"], f["version"], f["is_current"]) for f in body["files"]] == [
            ("main", "signed", 2, True),
            ("main", "draft", 1, False),
        ]
        assert body["timeline"][-1]["kind"] == "state.signed"
    else:
        assert (state(), approved.state) == (before, "approved")


def test_signature_report_after_signing(client, agency, signed):
    report = as_(client, agency, "clerk").get(f"{API}/{signed.pk}/signatures").json()
    current = signed.files.get(is_current=True, role="main")
    assert (report["file"], report["signed"], report["all_valid"], report["error"]) == (current.pk, True, True, "")
    assert [
        (s["signer_common_name"], s["is_organisation"], s["intact"], s["trusted"]) for s in report["signatures"]
    ] == [("Nguyễn Văn Dũng", False, True, True)]


@pytest.mark.parametrize(
    ("pin", "status", "code", "field"),
    [
        ("sai-mat-khau", 422, "validation_error", "pin"),
        ("", 422, "validation_error", "pin"),
    ],
)
def test_sign_with_a_bad_pin_changes_nothing(client, agency, approved, pin, status, code, field):
    c = as_(client, agency, "director")
    before = state()
    response = post(c, f"{API}/{approved.pk}/sign", {"pin": pin})
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (status, code, field)
    assert state() == before


def test_sign_needs_a_pin_and_an_approved_document(client, agency):
    document = draft(agency)
    c = as_(client, agency, "director")
    missing = post(c, f"{API}/{document.pk}/sign", {})
    assert (missing.status_code, missing.json()["field"]) == (422, "pin")
    early = post(c, f"{API}/{document.pk}/sign", {"pin": PIN})
    assert (early.status_code, early.json()["code"]) == (409, "invalid_transition")


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("outsider", 404), ("director", 403), ("unit_head", 403), ("clerk", 200)],
)
def test_issue_matrix(client, agency, signed, name, status):
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/{signed.pk}/issue", {"pin": PIN})
    assert response.status_code == status
    signed.refresh_from_db()
    if status == 200:
        body = response.json()
        year = timezone.localdate().year
        assert (body["state"], body["number_symbol"], body["year"], body["issued_on"]) == (
            "issued",
            "01/QĐ-STTTT",
            year,
            timezone.localdate().isoformat(),
        )
        # Every recipient, on the platform or not, is queued for the exchange in the issuing transaction.
        assert [(r["organisation"], r["delivery_state"]) for r in body["recipients"]] == [
            ("000.00.35.H40", "awaiting_exchange"),
            ("000.00.00.G09", "awaiting_exchange"),
        ]
        assert next((f["stage"], f["is_current"]) for f in body["files"] if f["role"] == "main") == ("issued", True)
        assert sorted(OutboxMessage.objects.values_list("to_codes", flat=True)) == [
            ["000.00.00.G09"],
            ["000.00.35.H40"],
        ]
        assert not Document.objects.filter(organisation=agency.recipient_org).exists()
    else:
        assert (state(), signed.state) == (before, "signed")


def test_issue_with_a_wrong_pin_takes_no_number(client, agency, signed):
    c = as_(client, agency, "clerk")
    before = state()
    response = post(c, f"{API}/{signed.pk}/issue", {"pin": "sai-mat-khau"})
    assert (response.status_code, response.json()["field"]) == (422, "pin")
    assert response.json()["message"].startswith("Mật khẩu của tệp khóa ký số không đúng")
    assert state() == before
    assert list(NumberSequence.objects.values_list("last_number", flat=True)) == []
    issued = post(c, f"{API}/{signed.pk}/issue", {"pin": PIN})
    assert (issued.status_code, issued.json()["number_text"]) == (200, "01")


def test_issue_before_signing_is_a_conflict(client, agency, approved):
    response = post(as_(client, agency, "clerk"), f"{API}/{approved.pk}/issue", {"pin": PIN})
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")


def test_signature_report_after_issue_has_the_seal(client, agency, issued):
    report = as_(client, agency, "director").get(f"{API}/{issued.pk}/signatures").json()
    assert report["all_valid"] is True
    # The signer's, then the organisation's seal, then its invisible signature carrying the number and time.
    assert [(s["signer_common_name"], s["is_organisation"], s["intact"]) for s in report["signatures"]] == [
        ("Nguyễn Văn Dũng", False, True),
        ("Sở Thông tin và Truyền thông tỉnh Nam Định", True, True),
        ("Sở Thông tin và Truyền thông tỉnh Nam Định", True, True),
    ]
    assert [s["covers_whole_file"] for s in report["signatures"]] == [False, False, True]


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("outsider", 404), ("clerk", 403), ("specialist", 403), ("director", 200)],
)
def test_recall_matrix(client, agency, issued, name, status):
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/{issued.pk}/recall", {"reason": "Sai căn cứ pháp lý"})
    assert response.status_code == status
    issued.refresh_from_db()
    if status == 200:
        body = response.json()
        assert (body["state"], body["recall_reason"], body["recalled_at"] is not None) == (
            "recalled",
            "Sai căn cứ pháp lý",
            True,
        )
        assert {r["delivery_state"] for r in body["recipients"]} == {"recalled"}
    else:
        assert (state(), issued.state) == (before, "issued")


def test_recall_needs_a_reason_and_an_issued_document(client, agency, issued):
    c = as_(client, agency, "director")
    for body in ({"reason": "  "}, {"reason": "x" * 501}, {}):
        response = post(c, f"{API}/{issued.pk}/recall", body)
        assert (response.status_code, response.json()["field"]) == (422, "reason")
    early = post(c, f"{API}/{draft(agency).pk}/recall", {"reason": "Thu hồi"})
    assert (early.status_code, early.json()["code"]) == (409, "invalid_transition")
