"""Documents API, handling incoming documents: assignment, start, forward, complete, urge, my work and the queues."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from egov.calendar.workdays import add_working_days, is_working_day
from egov.documents.models import Assignment, Document
from egov.documents.services.assignments import document_assign
from egov.documents.services.outgoing import document_submit
from egov.documents.tests.factories import actor
from egov.documents.tests.test_api_support import API, arrival, as_, draft, post, registered, state
from egov.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _assign_body(**overrides) -> dict:
    body = {
        "lead": {"unit": "000.02.12.H40"},
        "cooperate": [{"person": "vp.specialist"}],
        "inform": [{"unit": "000.01.12.H40"}],
        "due_in_days": 5,
        "instructions": "Phòng CNTT chủ trì, tham mưu văn bản trả lời.",
    }
    body.update(overrides)
    return body


def _holiday_free_weekend() -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=1)
    while is_working_day(day):
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def paper(agency):
    return registered(agency)


def _assigned_to_specialist(agency, document) -> Assignment:
    [row] = document_assign(
        actor=actor(agency.director),
        document=document,
        values={"lead": f"person:{agency.specialist.pk}", "due_in_days": 3, "instructions": "Xử lý"},
    )
    return row


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("anonymous", 401),
        ("outsider", 404),
        ("specialist", 404),  # not yet assigned: the registered document is not theirs to see
        ("clerk", 403),
        ("director", 201),
    ],
)
def test_assign_matrix(client, agency, paper, name, status):
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/{paper.pk}/assign", _assign_body())
    assert response.status_code == status
    paper.refresh_from_db()
    if status == 201:
        due = add_working_days(timezone.localdate(), 5)
        assert [(a["role"], a["unit"], a["person"], a["due_on"], a["state"]) for a in response.json()] == [
            ("lead", "000.02.12.H40", None, due.isoformat(), "open"),
            ("cooperate", None, "vp.specialist", due.isoformat(), "open"),
            ("inform", "000.01.12.H40", None, None, "open"),
        ]
        assert response.json()[0]["instructions"] == "Phòng CNTT chủ trì, tham mưu văn bản trả lời."
        assert response.json()[0]["assigned_by"] == "stttt.director"
        assert (paper.state, paper.handling_due_on) == ("assigned", due)
    else:
        assert (state(), paper.state) == (before, "registered")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lead": {"unit": "000.00.12.H50"}}, "lead"),  # a unit of another province
        ({"lead": {"person": "qt.specialist"}}, "lead"),  # a person of another province
        ({"lead": {"unit": "000.99.99.X99"}}, "lead"),
        ({"lead": {"unit": "000.02.12.H40", "person": "cntt.specialist"}}, "lead"),
        ({"lead": {}}, "lead"),
        ({"lead": None}, "lead"),
        ({"cooperate": [{"unit": "000.01.12.H40"}, {"unit": "000.00.12.H50"}]}, "cooperate.1"),
        ({"inform": [{"person": "nobody.here"}]}, "inform.0"),
        ({"due_in_days": 0}, "due_in_days"),
        ({"due_on": "2020-01-02", "due_in_days": None}, "due_on"),
        ({"due_on": "ngày mai", "due_in_days": None}, "due_on"),
        ({"instructions": "x" * 2001}, "instructions"),
    ],
)
def test_assign_bad_input_changes_nothing(client, agency, paper, overrides, field):
    c = as_(client, agency, "director")
    before = state()
    response = post(c, f"{API}/{paper.pk}/assign", _assign_body(**overrides))
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (422, "validation_error", field)
    assert state() == before


def test_assign_due_on_a_day_off_is_refused(client, agency, paper):
    day_off = _holiday_free_weekend()
    response = post(
        as_(client, agency, "director"), f"{API}/{paper.pk}/assign", _assign_body(due_on=day_off.isoformat())
    )
    assert (response.status_code, response.json()["field"]) == (422, "due_on")
    assert response.json()["message"] == f"Ngày {day_off:%d/%m/%Y} là ngày nghỉ; chọn một ngày làm việc."


def test_secret_document_is_assigned_to_people_only(client, agency):
    secret = registered(agency, number_symbol="7/UBND-VP", secrecy="secret")
    c = as_(client, agency, "director")
    before = state()
    refused = post(c, f"{API}/{secret.pk}/assign", _assign_body(cooperate=[], inform=[]))
    assert (refused.status_code, refused.json()["field"]) == (422, "lead")
    assert state() == before
    body = _assign_body(lead={"person": "cntt.specialist"}, cooperate=[], inform=[])
    assert post(c, f"{API}/{secret.pk}/assign", body).status_code == 201
    # Being assigned is what lets the specialist see it, and nobody else of the unit.
    assert as_(client, agency, "specialist").get(f"{API}/{secret.pk}").status_code == 200
    assert as_(client, agency, "unit_head").get(f"{API}/{secret.pk}").status_code == 404


def test_assign_an_unregistered_arrival_is_a_conflict(client, agency):
    document = arrival(agency)
    response = post(as_(client, agency, "recipient_leader"), f"{API}/{document.pk}/assign", _assign_body())
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("outsider", 404), ("other_specialist", 404), ("clerk", 403), ("specialist", 200)],
)
def test_start_matrix(client, agency, paper, name, status):
    row = _assigned_to_specialist(agency, paper)
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/assignments/{row.pk}/start")
    assert response.status_code == status
    row.refresh_from_db()
    if status == 200:
        assert (response.json()["state"], row.state) == ("in_progress", "in_progress")
        again = post(c, f"{API}/assignments/{row.pk}/start")
        assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
    else:
        assert (state(), row.state) == (before, "open")


def test_unknown_assignment_is_not_found(client, agency):
    response = post(as_(client, agency, "specialist"), f"{API}/assignments/999999/start")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("outsider", 404), ("clerk", 403), ("director", 403), ("unit_head", 201)],
)
def test_forward_matrix(client, agency, paper, name, status):
    [lead] = document_assign(
        actor=actor(agency.director), document=paper, values={"lead": f"unit:{agency.unit.pk}", "due_in_days": 5}
    )
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/assignments/{lead.pk}/forward", {"to": {"person": "cntt.specialist"}})
    assert response.status_code == status
    lead.refresh_from_db()
    if status == 201:
        body = response.json()
        assert (body["parent"], body["person"], body["role"], body["due_on"]) == (
            lead.pk,
            "cntt.specialist",
            "lead",
            lead.due_on.isoformat(),
        )
        assert lead.state == "in_progress"
    else:
        assert (state(), lead.state) == (before, "open")


def test_forward_bad_input(client, agency, paper):
    [lead] = document_assign(
        actor=actor(agency.director), document=paper, values={"lead": f"unit:{agency.unit.pk}", "due_in_days": 5}
    )
    c = as_(client, agency, "unit_head")
    later = add_working_days(lead.due_on, 3).isoformat()
    before = state()
    for body, field in (
        ({"to": {"person": "qt.specialist"}}, "to"),
        ({"to": {"unit": "000.00.12.H50"}}, "to"),
        ({"to": {}}, "to"),
        ({"to": {"person": "cntt.specialist"}, "due_on": later}, "due_on"),
        ({}, "to"),
    ):
        response = post(c, f"{API}/assignments/{lead.pk}/forward", body)
        assert (response.status_code, response.json()["field"]) == (422, field)
    assert state() == before


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("outsider", 404), ("clerk", 403), ("director", 403), ("specialist", 200)],
)
def test_complete_matrix(client, agency, paper, name, status):
    row = _assigned_to_specialist(agency, paper)
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/assignments/{row.pk}/complete", {"result": "Đã có văn bản trả lời số 15/STTTT-CNTT"})
    assert response.status_code == status
    paper.refresh_from_db()
    if status == 200:
        body = response.json()
        assert (body["state"], body["result"], body["completed_by"]) == (
            "done",
            "Đã có văn bản trả lời số 15/STTTT-CNTT",
            "cntt.specialist",
        )
        assert paper.state == "completed"
    else:
        assert (state(), paper.state) == (before, "assigned")


def test_complete_needs_a_result(client, agency, paper):
    row = _assigned_to_specialist(agency, paper)
    before = state()
    response = post(as_(client, agency, "specialist"), f"{API}/assignments/{row.pk}/complete", {"result": " "})
    assert (response.status_code, response.json()["field"]) == (422, "result")
    assert state() == before


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("outsider", 404), ("clerk", 403), ("specialist", 403), ("director", 200)],
)
def test_urge_matrix(client, agency, paper, name, status):
    _assigned_to_specialist(agency, paper)
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/{paper.pk}/urge", {"message": "Đề nghị khẩn trương trả lời"})
    assert response.status_code == status
    urges = Notification.objects.filter(topic="documents.urge")
    if status == 200:
        assert response.json() == {"document": paper.pk, "notified": 1}
        assert [(n.user, n.body) for n in urges] == [(agency.specialist, "Đề nghị khẩn trương trả lời")]
    else:
        assert state() == before
        assert urges.count() == 0


def test_urge_with_nothing_open(client, agency, paper):
    response = post(as_(client, agency, "director"), f"{API}/{paper.pk}/urge", {})
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (422, "validation_error", None)


def test_my_work_lists_open_assignments_overdue_first(client, agency):
    first = registered(agency)
    second = registered(agency, number_symbol="126/UBND-VP")
    soon = _assigned_to_specialist(agency, first)
    late = _assigned_to_specialist(agency, second)
    Assignment.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    c = as_(client, agency, "specialist")
    body = c.get(f"{API}/work").json()
    assert [(w["assignment"]["id"], w["document"]["id"], w["overdue"]) for w in body] == [
        (late.pk, second.pk, True),
        (soon.pk, first.pk, False),
    ]
    assert body[1]["document"]["number_symbol"] == "125/UBND-VP"
    assert as_(client, agency, "other_specialist").get(f"{API}/work").json() == []
    assert as_(client, agency, "anonymous").get(f"{API}/work").status_code == 401
    assert as_(client, agency, "applicant").get(f"{API}/work").status_code == 403


def test_queues(client, agency, paper):
    waiting = arrival(agency)
    in_review = document_submit(actor=actor(agency.specialist), document=draft(agency))
    body = as_(client, agency, "director").get(f"{API}/queues").json()
    assert (body["to_assign"]["count"], [d["id"] for d in body["to_assign"]["items"]]) == (1, [paper.pk])
    assert (body["to_register"]["count"], body["to_issue"]["count"]) == (0, 0)
    # The director reviews drafts of every unit of the organisation.
    assert [d["id"] for d in body["to_review"]["items"]] == [in_review.pk]
    clerk = as_(client, agency, "recipient_clerk").get(f"{API}/queues").json()
    assert (clerk["to_register"]["count"], [d["id"] for d in clerk["to_register"]["items"]]) == (1, [waiting.pk])
    assert clerk["to_assign"]["count"] == 0
    limited = as_(client, agency, "director").get(f"{API}/queues", {"limit": 0}).json()
    assert (limited["to_assign"]["count"], limited["to_assign"]["items"]) == (1, [])
    assert as_(client, agency, "anonymous").get(f"{API}/queues").status_code == 401
    assert Document.objects.count() == 4
