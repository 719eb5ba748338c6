"""Documents API, incoming: paper registration (multipart), electronic arrivals registered or returned, duplicates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from egov.accounts.roles import Perm
from egov.audit.models import AuditEvent
from egov.documents.models import AccessGrant, Document
from egov.documents.services.incoming import document_register_paper
from egov.documents.tests.factories import actor, paper_values
from egov.documents.tests.test_api_support import (
    API,
    arrival,
    as_,
    key_for,
    pdf_upload,
    post,
    registered,
    state,
)

pytestmark = pytest.mark.django_db


def _paper(**overrides) -> dict:
    form = {
        "organisation": "000.00.12.H40",
        "type_code": "cong_van",
        "number_symbol": "125/UBND-VP",
        "issued_on": "2026-11-20",
        "issuer_name": "Ủy ban nhân dân tỉnh Nam Định",
        "issuer_code": "000.00.00.H40",
        "subject": "V/v triển khai nền tảng số tại địa phương",
        "signer_prefix": "KT.",
        "signer_position": "Phó Chủ tịch",
        "signer_name": "Phạm Đình Nghị",
        "urgency": "urgent",
        "main_file": pdf_upload(),
    }
    form.update(overrides)
    return {name: value for name, value in form.items() if value is not None}


def test_clerk_registers_a_paper_document(client, agency):
    response = as_(client, agency, "clerk").post(f"{API}/incoming", _paper(appendices=[pdf_upload("phu-luc.pdf")]))
    assert response.status_code == 201
    body = response.json()
    document = Document.objects.get()
    year = timezone.localdate().year
    assert (body["id"], body["direction"], body["state"], body["channel"]) == (
        document.pk,
        "incoming",
        "registered",
        "paper",
    )
    assert (body["arrival_year"], body["arrival_number"], body["number_symbol"], body["issued_on"]) == (
        year,
        1,
        "125/UBND-VP",
        "2026-11-20",
    )
    assert (body["issuer_code"], body["signer_prefix"], body["signer_position"], body["urgency"]) == (
        "000.00.00.H40",
        "KT.",
        "Phó Chủ tịch",
        "urgent",
    )
    assert [(f["role"], f["stage"], f["name"], f["position"]) for f in body["files"]] == [
        ("appendix", "received", "phu-luc.pdf", 0),
        ("main", "received", "scan.pdf", 0),
    ]
    assert [e["kind"] for e in body["timeline"]] == ["arrived", "state.registered"]
    assert (document.created_by, document.organisation) == (agency.clerk, agency.org)


def test_secret_paper_document_goes_to_the_named_leader(client, agency):
    c = as_(client, agency, "clerk")
    response = c.post(
        f"{API}/incoming", _paper(secrecy="secret", number_symbol="3/UBND-VP", grant_to=["stttt.director"])
    )
    assert response.status_code == 201
    document = Document.objects.get()
    assert sorted(g.person.username for g in AccessGrant.objects.filter(document=document)) == [
        "stttt.clerk",
        "stttt.director",
    ]
    assert as_(client, agency, "director").get(f"{API}/{document.pk}").status_code == 200
    assert as_(client, agency, "deputy").get(f"{API}/{document.pk}").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"main_file": pdf_upload("scan.pdf", data=b"Hello, this is not a PDF at all")}, 422, "main_file"),
        ({"appendices": [pdf_upload("phu-luc.pdf", data=b"%PDF-1.7\n1 0 obj\n<<")]}, 422, "appendices.0"),
        ({"subject": None}, 422, "subject"),
        ({"issuer_name": None}, 422, "issuer_name"),
        ({"issued_on": "20/13/2026"}, 422, "issued_on"),
        ({"number_symbol": "125 / UBND VP"}, 422, "number_symbol"),
        ({"number_symbol": "", "type_code": "quyet_dinh"}, 422, "number_symbol"),
        ({"type_code": "khong_co"}, 422, "type_code"),
        ({"urgency": "rất gấp"}, 422, "urgency"),
        ({"organisation": "000.99.99.X99"}, 422, "organisation"),
        ({"organisation": None}, 422, "organisation"),
        ({"received_on": "2026-11-19"}, 422, "received_on"),  # before it was issued
        ({"secrecy": "secret"}, 422, "grant_to"),
        ({"secrecy": "secret", "grant_to": ["cntt.specialist"]}, 422, "grant_to"),
        ({"secrecy": "secret", "grant_to": ["nobody.here"]}, 422, "grant_to"),
    ],
)
def test_paper_registration_bad_input_changes_nothing(client, agency, overrides, status, field):
    before = state()
    response = as_(client, agency, "clerk").post(f"{API}/incoming", _paper(**overrides))
    assert (response.status_code, response.json()["field"]) == (status, field)
    assert state() == before
    assert Document.objects.count() == 0


def test_future_issue_date_is_refused_with_its_message(client, agency):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = as_(client, agency, "clerk").post(f"{API}/incoming", _paper(issued_on=tomorrow))
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "issued_on", "message": "Ngày ban hành không thể sau hôm nay."}]


def test_duplicate_is_a_409_naming_number_symbol_then_allowed(client, agency):
    c = as_(client, agency, "clerk")
    assert c.post(f"{API}/incoming", _paper()).status_code == 201
    before = state()
    again = c.post(f"{API}/incoming", _paper())
    assert (again.status_code, again.json()["code"], again.json()["field"]) == (409, "duplicate", "number_symbol")
    assert "số đến 1 (125/UBND-VP)" in again.json()["message"]
    assert state() == before
    allowed = c.post(f"{API}/incoming", _paper(allow_duplicate="true"))
    assert (allowed.status_code, allowed.json()["arrival_number"]) == (201, 2)


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("applicant", 403), ("outsider", 403), ("director", 403), ("specialist", 403)],
)
def test_paper_registration_denied_changes_nothing(client, agency, name, status):
    c = as_(client, agency, name)
    before = state()
    response = c.post(f"{API}/incoming", _paper())
    assert response.status_code == status
    assert state() == before


def test_api_key_registers_for_its_organisation(client, agency):
    auth = key_for(agency.org, Perm.DOCS_REGISTER)
    client.logout()
    response = client.post(f"{API}/incoming", _paper(organisation=None), **auth)
    assert response.status_code == 201
    body = response.json()
    assert (body["organisation"], body["arrival_number"], body["created_by"]) == ("000.00.12.H40", 1, None)
    event = AuditEvent.objects.get(action="documents.incoming.create")
    assert (event.api_key_id is not None, event.actor_label.startswith("API: Hệ thống một cửa")) == (True, True)
    view_only = key_for(agency.org, Perm.DOCS_VIEW_ALL)
    before = state()
    # Another organisation's register is not the key's to write.
    other = client.post(f"{API}/incoming", _paper(organisation="000.00.35.H40", number_symbol="1/UBND-VP"), **auth)
    assert other.status_code == 403
    # A key without documents.register may not register.
    assert client.post(f"{API}/incoming", _paper(number_symbol="2/UBND-VP"), **view_only).status_code == 403
    assert state() == before


# --- electronic arrivals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("anonymous", 401),
        ("outsider", 404),
        # UBND huyện Hải Hậu's specialist does not see arrivals before they are assigned.
        ("recipient_specialist", 404),
        ("recipient_leader", 403),
        ("recipient_clerk", 200),
    ],
)
def test_register_arrival_matrix(client, agency, name, status):
    document = arrival(agency)
    before = state()
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = post(as_(client, agency, name), f"{API}/{document.pk}/register", {"handling_due_on": due})
    assert response.status_code == status
    document.refresh_from_db()
    if status == 200:
        body = response.json()
        assert (body["state"], body["arrival_number"], body["handling_due_on"], body["channel"]) == (
            "registered",
            1,
            due,
            "platform",
        )
        assert (document.state, document.arrival_number) == ("registered", 1)
    else:
        assert state() == before
        assert document.state == "arrived"


def test_register_arrival_duplicate_then_allowed(client, agency):
    document = arrival(agency)
    Document.objects.filter(pk=document.pk).update(number_text="12", symbol="QĐ-STTTT")
    document_register_paper(
        actor=actor(agency.recipient_clerk),
        organisation=agency.recipient_org,
        values=paper_values(
            type_code="quyet_dinh", number_symbol="12/QĐ-STTTT", issuer_code="000.00.12.H40", issuer_name="Sở TT&TT"
        ),
    )
    c = as_(client, agency, "recipient_clerk")
    before = state()
    response = post(c, f"{API}/{document.pk}/register")
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        409,
        "duplicate",
        "number_symbol",
    )
    assert state() == before
    allowed = post(c, f"{API}/{document.pk}/register", {"allow_duplicate": True})
    assert (allowed.status_code, allowed.json()["arrival_number"]) == (200, 2)
    # Registered once: a second time is a state conflict.
    twice = post(c, f"{API}/{document.pk}/register", {"allow_duplicate": True})
    assert (twice.status_code, twice.json()["code"]) == (409, "invalid_transition")


def test_register_bad_due_date_names_the_field(client, agency):
    document = arrival(agency)
    response = post(as_(client, agency, "recipient_clerk"), f"{API}/{document.pk}/register", {"handling_due_on": "mai"})
    assert (response.status_code, response.json()["field"]) == (422, "handling_due_on")


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("outsider", 404), ("recipient_leader", 403), ("recipient_clerk", 200)],
)
def test_return_arrival_matrix(client, agency, name, status):
    document = arrival(agency)
    before = state()
    response = post(as_(client, agency, name), f"{API}/{document.pk}/return", {"reason": "Gửi nhầm nơi nhận"})
    assert response.status_code == status
    document.refresh_from_db()
    if status == 200:
        assert (response.json()["state"], document.state) == ("returned", "returned")
        assert response.json()["timeline"][-1]["note"] == "Gửi nhầm nơi nhận"
    else:
        assert (state(), document.state) == (before, "arrived")


def test_return_needs_a_reason_and_an_unregistered_document(client, agency):
    document = arrival(agency)
    c = as_(client, agency, "recipient_clerk")
    for body, field in (({"reason": "   "}, "reason"), ({}, "reason")):
        response = post(c, f"{API}/{document.pk}/return", body)
        assert (response.status_code, response.json()["field"]) == (422, field)
    assert post(c, f"{API}/{document.pk}/register").status_code == 200
    late = post(c, f"{API}/{document.pk}/return", {"reason": "Gửi nhầm"})
    assert (late.status_code, late.json()["code"]) == (409, "invalid_transition")


# --- duplicates ---------------------------------------------------------------------------------------------


def test_duplicates_lookup(client, agency):
    paper = registered(agency)
    secret = registered(agency, number_symbol="7/UBND-VP", secrecy="secret")
    query = {"organisation": "000.00.12.H40", "number_symbol": "125/UBND-VP", "issuer_code": "000.00.00.H40"}
    c = as_(client, agency, "clerk")
    assert [d["id"] for d in c.get(f"{API}/duplicates", query).json()] == [paper.pk]
    by_name = {**query, "issuer_code": "", "issuer_name": "Ủy Ban Nhân Dân Tỉnh Nam Định"}
    assert [d["id"] for d in c.get(f"{API}/duplicates", by_name).json()] == [paper.pk]
    assert c.get(f"{API}/duplicates", {**query, "number_symbol": "126/UBND-VP"}).json() == []
    secret_query = {**query, "number_symbol": "7/UBND-VP"}
    assert [d["id"] for d in c.get(f"{API}/duplicates", secret_query).json()] == [secret.pk]
    # A key that may register but not read the register is told of no secret document, nor any other.
    client.logout()
    auth = key_for(agency.org, Perm.DOCS_REGISTER)
    assert client.get(f"{API}/duplicates", {**secret_query, "organisation": ""}, **auth).json() == []


@pytest.mark.parametrize(
    ("name", "status", "field"),
    [
        ("anonymous", 401, None),
        ("outsider", 403, None),
        ("director", 403, None),
        ("clerk", 200, None),
    ],
)
def test_duplicates_matrix(client, agency, name, status, field):
    registered(agency)
    query = {"organisation": "000.00.12.H40", "number_symbol": "125/UBND-VP", "issuer_code": "000.00.00.H40"}
    response = as_(client, agency, name).get(f"{API}/duplicates", query)
    assert (response.status_code, response.json()["field"] if status != 200 else None) == (status, field)


def test_duplicates_needs_the_organisation_of_a_person(client, agency):
    response = as_(client, agency, "clerk").get(f"{API}/duplicates", {"number_symbol": "125/UBND-VP"})
    assert (response.status_code, response.json()["field"]) == (422, "organisation")
