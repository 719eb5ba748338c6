"""Incoming documents: paper registration, incoming numbers, duplicates, assignment, handling, completion."""

import datetime as dt

import pytest
from django.utils import timezone

from egov.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from egov.documents.models import Assignment, AssignmentState, Document, IncomingState
from egov.documents.selectors.documents import deadline_lists, document_get, my_work, to_assign
from egov.documents.services.assignments import (
    assignment_complete,
    assignment_forward,
    assignment_start,
    document_assign,
    document_urge,
)
from egov.documents.services.incoming import document_register_paper
from egov.documents.tests.factories import actor, make_pdf, paper_values
from egov.notifications.models import Notification

pytestmark = pytest.mark.django_db


def register(agency, **overrides):
    return document_register_paper(
        actor=actor(agency.clerk),
        organisation=agency.org,
        values=paper_values(**overrides),
        main_file=("scan.pdf", make_pdf("Công văn triển khai nền tảng số")),
    )


def next_working_day(days=3):
    from egov.calendar.workdays import add_working_days

    return add_working_days(timezone.localdate(), days)


def test_paper_document_gets_continuous_incoming_numbers(agency):
    first = register(agency)
    second = register(agency, number_symbol="126/UBND-VP")
    year = timezone.localdate().year
    assert (first.arrival_year, first.arrival_number, first.state) == (year, 1, IncomingState.REGISTERED)
    assert (second.arrival_number, second.number_text, second.symbol) == (2, "126", "UBND-VP")
    assert first.type_name == "Công văn"
    assert first.channel == "paper"
    assert first.files.get().stage == "received"


def test_duplicate_number_symbol_and_issuer_is_warned_then_allowed(agency):
    register(agency)
    with pytest.raises(Conflict) as caught:
        register(agency)
    assert caught.value.field == "number_symbol"
    assert caught.value.code == "duplicate"
    assert "số đến 1 (125/UBND-VP)" in caught.value.message
    assert Document.objects.count() == 1
    again = document_register_paper(
        actor=actor(agency.clerk), organisation=agency.org, values=paper_values(), allow_duplicate=True
    )
    assert again.arrival_number == 2


def test_bad_number_symbol_and_dates_are_refused(agency):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(ValidationFailed) as caught:
        register(agency, number_symbol="125 / UBND VP", issued_on=tomorrow, issuer_name="")
    assert set(caught.value.errors) == {"number_symbol", "issued_on", "issuer_name"}
    assert caught.value.errors["issued_on"] == ["Ngày ban hành không thể sau hôm nay."]
    assert Document.objects.count() == 0


def test_only_the_clerk_registers(agency):
    with pytest.raises(PermissionDenied):
        document_register_paper(actor=actor(agency.specialist), organisation=agency.org, values=paper_values())
    assert Document.objects.count() == 0


def test_leader_assigns_specialist_completes(agency):
    document = register(agency)
    assert list(to_assign(actor(agency.director))) == [document]
    due = next_working_day()
    rows = document_assign(
        actor=actor(agency.director),
        document=document,
        values={
            "lead": f"unit:{agency.unit.pk}",
            "cooperate": [f"unit:{agency.tree['nd_stttt_vp'].pk}"],
            "inform": [f"person:{agency.clerk.pk}"],
            "due_on": due.isoformat(),
            "instructions": "Phòng CNTT chủ trì, tham mưu văn bản trả lời",
        },
    )
    assert [(r.role, r.due_on) for r in rows] == [("lead", due), ("cooperate", due), ("inform", None)]
    document.refresh_from_db()
    assert (document.state, document.handling_due_on) == (IncomingState.ASSIGNED, due)
    # The unit head gives it to the specialist, who then sees it in "my documents".
    lead = rows[0]
    child = assignment_forward(
        actor=actor(agency.unit_head), assignment=lead, values={"to": f"person:{agency.specialist.pk}"}
    )
    work = my_work(actor(agency.specialist))
    # The unit's assignment and the specialist's own, same deadline (not due soon: 3 working days away).
    assert [(w.assignment.pk, w.overdue, w.due_soon) for w in work] == [
        (lead.pk, False, False),
        (child.pk, False, False),
    ]
    assignment_start(actor=actor(agency.specialist), assignment=child)
    assignment_complete(actor=actor(agency.specialist), assignment=child, result="Đã dự thảo công văn trả lời")
    document.refresh_from_db()
    assert document.state == IncomingState.COMPLETED
    states = dict(Assignment.objects.values_list("pk", "state"))
    assert states[lead.pk] == AssignmentState.DONE
    assert states[child.pk] == AssignmentState.DONE
    assert states[rows[1].pk] == AssignmentState.OPEN


def test_assignment_to_another_organisation_is_refused(agency):
    document = register(agency)
    with pytest.raises(ValidationFailed) as caught:
        document_assign(
            actor=actor(agency.director),
            document=document,
            values={"lead": f"unit:{agency.tree['qt_stttt'].pk}", "cooperate": [f"person:{agency.outsider.pk}"]},
        )
    assert caught.value.errors == {
        "lead": [f"Chỉ giao cho đơn vị thuộc {agency.org.name}."],
        "cooperate.0": [f"Chỉ giao cho cán bộ của {agency.org.name}."],
    }
    assert Assignment.objects.count() == 0
    document.refresh_from_db()
    assert document.state == IncomingState.REGISTERED


def test_deadline_on_a_day_off_is_refused(agency):
    document = register(agency)
    day = timezone.localdate() + dt.timedelta(days=1)
    while day.weekday() != 6:
        day += dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as caught:
        document_assign(
            actor=actor(agency.director),
            document=document,
            values={"lead": f"person:{agency.specialist.pk}", "due_on": day.isoformat()},
        )
    assert caught.value.errors["due_on"] == [f"Ngày {day:%d/%m/%Y} là ngày nghỉ; chọn một ngày làm việc."]


def test_specialist_cannot_assign_and_others_cannot_complete(agency):
    document = register(agency)
    with pytest.raises(NotFound):  # not assigned to them yet: for them the document does not exist
        document_assign(actor=actor(agency.specialist), document=document, values={"lead": f"unit:{agency.unit.pk}"})
    with pytest.raises(PermissionDenied):  # the clerk sees it but does not assign
        document_assign(actor=actor(agency.clerk), document=document, values={"lead": f"unit:{agency.unit.pk}"})
    rows = document_assign(
        actor=actor(agency.director), document=document, values={"lead": f"person:{agency.specialist.pk}"}
    )
    with pytest.raises(PermissionDenied):
        assignment_complete(actor=actor(agency.other_specialist), assignment=rows[0], result="xong")
    with pytest.raises(ValidationFailed):
        assignment_complete(actor=actor(agency.specialist), assignment=rows[0], result="")
    assignment_complete(actor=actor(agency.specialist), assignment=rows[0], result="xong")
    with pytest.raises(InvalidTransition):
        assignment_complete(actor=actor(agency.specialist), assignment=rows[0], result="xong lần nữa")


def test_overdue_and_due_soon_lists_and_urge(agency):
    overdue = register(agency)
    soon = register(agency, number_symbol="127/UBND-VP")
    for document in (overdue, soon):
        document_assign(
            actor=actor(agency.director), document=document, values={"lead": f"person:{agency.specialist.pk}"}
        )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Document.objects.filter(pk=overdue.pk).update(handling_due_on=yesterday)
    Assignment.objects.filter(document=overdue).update(due_on=yesterday)
    Document.objects.filter(pk=soon.pk).update(handling_due_on=timezone.localdate())
    Assignment.objects.filter(document=soon).update(due_on=timezone.localdate())
    lists = deadline_lists(actor(agency.director), agency.org)
    assert [d.pk for d in lists["overdue"]] == [overdue.pk]
    assert [d.pk for d in lists["due_soon"]] == [soon.pk]
    work = my_work(actor(agency.specialist))
    assert [(w.assignment.document_id, w.overdue, w.due_soon) for w in work] == [
        (overdue.pk, True, False),
        (soon.pk, False, True),
    ]
    told = document_urge(actor=actor(agency.director), document=overdue, message="Đề nghị khẩn trương")
    assert told == 1
    urge = Notification.objects.filter(user=agency.specialist, topic="documents.urge").get()
    assert urge.body == "Đề nghị khẩn trương"


def test_specialist_of_another_unit_does_not_see_the_document(agency):
    document = register(agency)
    document_assign(actor=actor(agency.director), document=document, values={"lead": f"unit:{agency.unit.pk}"})
    assert document_get(actor(agency.specialist), document.pk).pk == document.pk
    with pytest.raises(NotFound):
        document_get(actor(agency.other_specialist), document.pk)
    with pytest.raises(NotFound):
        document_get(actor(agency.outsider), document.pk)


def test_duplicate_issuer_is_compared_without_case_or_diacritics(agency):
    register(agency, issuer_code="")
    with pytest.raises(Conflict):
        register(agency, issuer_code="", issuer_name="ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH")
    register(agency, issuer_code="", issuer_name="Ủy ban nhân dân tỉnh Nam Định", number_symbol="125/UBND-KT")
    assert Document.objects.count() == 2
