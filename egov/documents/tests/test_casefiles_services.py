"""Hồ sơ services: opening, editing and closing files; filing documents without copies, in chronological order."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from egov.accounts.actor import Actor
from egov.accounts.tests.factories import make_person
from egov.audit.models import AuditEvent
from egov.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from egov.documents.models import (
    AccessGrant,
    CaseFile,
    CaseFileItem,
    CaseFileState,
    Document,
    DocumentEvent,
    FileRole,
    FileStage,
    IncomingState,
)
from egov.documents.services import casefiles, common
from egov.documents.services.casefiles import (
    casefile_add_document,
    casefile_close,
    casefile_create,
    casefile_remove_document,
    casefile_set_archive_due,
    casefile_update,
)
from egov.documents.tests.test_registers_rows import at, make_incoming, make_outgoing

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")


def pdf_bytes(title: str, pages: int = 1) -> bytes:
    """A real PDF of `pages` pages, the first one headed by `title`."""
    from weasyprint import HTML

    body = "".join(
        f'<p style="page-break-after: always">{title} — trang {n}</p>' if n < pages else f"<p>{title} — trang {n}</p>"
        for n in range(1, pages + 1)
    )
    return HTML(string=f'<html lang="vi"><body style="font-family: Noto Serif">{body}</body></html>').write_pdf()


def attach(document: Document, title: str, pages: int = 1, *, role: str = FileRole.MAIN, position: int = 0):
    return common.store_file(
        document,
        pdf_bytes(title, pages),
        name=f"{title}.pdf",
        role=role,
        stage=FileStage.ISSUED,
        actor=SYSTEM,
        page_count=pages,
        position=position,
    )


VALUES = {"year": "2024", "notation": "01.CNTT", "title": "Hồ sơ triển khai chuyển đổi số", "maintenance": "20 năm"}


@pytest.fixture
def org(tree):
    return tree["nd_stttt"]


@pytest.fixture
def docs(org, people):
    """Three documents of Sở TT&TT in 2024, visible to the specialist (drafted or assigned) and the clerk."""
    specialist = people["nd_specialist"]
    march = make_outgoing(
        org, number=7, issued_on=dt.date(2024, 3, 1), subject="Kế hoạch chuyển đổi số", created_by=specialist
    )
    january = make_outgoing(
        org, number=2, issued_on=dt.date(2024, 1, 15), subject="Thành lập tổ công tác", created_by=specialist
    )
    incoming = make_incoming(
        org,
        arrival_number=5,
        received_at=at(dt.date(2024, 2, 2)),
        subject="Hướng dẫn chuyển đổi số",
        created_by=specialist,
    )
    return {"march": march, "january": january, "incoming": incoming}


def open_file(actor, org, **values) -> CaseFile:
    return casefile_create(actor=actor, organisation=org, values={**VALUES, **values})


def test_specialist_opens_a_file_in_their_unit(org, people, actor_for, tree):
    case_file = open_file(actor_for(people["nd_specialist"]), org)
    assert case_file.unit == tree["nd_stttt_cntt"]
    assert case_file.creator == people["nd_specialist"]
    assert case_file.file_code == "000.00.12.H40.2024.01.CNTT"
    assert (case_file.state, case_file.language, case_file.rights) == (CaseFileState.OPEN, "Tiếng Việt", "")
    event = AuditEvent.objects.get(action="documents.casefile.create")
    assert (event.object_id, event.scope_org_id) == (str(case_file.pk), org.pk)
    assert event.after["notation"] == "01.CNTT"


def test_clerk_opens_a_catalogue_file_with_its_archive_due_date(org, people, actor_for):
    case_file = open_file(
        actor_for(people["nd_clerk"]),
        org,
        notation="02/VP",
        archive_due_on="31/03/2026",
        start_date="2024-01-01",
        rights="Hạn chế",
        description="Lưu tại Văn phòng",
    )
    assert (case_file.unit, case_file.archive_due_on, case_file.start_date) == (
        None,
        dt.date(2026, 3, 31),
        dt.date(2024, 1, 1),
    )
    assert (case_file.rights, case_file.description) == ("Hạn chế", "Lưu tại Văn phòng")


def test_only_clerks_set_the_archive_due_date(org, people, actor_for):
    with pytest.raises(ValidationFailed) as caught:
        open_file(actor_for(people["nd_specialist"]), org, archive_due_on="2026-03-31")
    assert caught.value.errors == {"archive_due_on": ["Chỉ văn thư cơ quan được đặt hạn nộp lưu hồ sơ."]}
    assert not CaseFile.objects.exists()


def test_every_bad_field_is_reported_and_nothing_saved(org, people, actor_for, tree):
    with pytest.raises(ValidationFailed) as caught:
        casefile_create(
            actor=actor_for(people["nd_clerk"]),
            organisation=org,
            values={
                "year": "1900",
                "notation": "X" * 21,
                "title": "T" * 501,
                "maintenance": "",
                "rights": "R" * 31,
                "language": "L" * 51,
                "start_date": "2024-05-01",
                "end_date": "2024-04-30",
                "unit": str(tree["qt_stttt"].pk),
            },
        )
    assert caught.value.errors == {
        "year": [f"Năm hình thành hồ sơ phải từ 1945 đến {timezone.localdate().year + 1}."],
        "notation": ["Tối đa 20 ký tự (đang có 21)."],
        "title": ["Tối đa 500 ký tự (đang có 501)."],
        "maintenance": ["Trường này là bắt buộc."],
        "rights": ["Tối đa 30 ký tự (đang có 31)."],
        "language": ["Tối đa 50 ký tự (đang có 51)."],
        "unit": ["Đơn vị lập hồ sơ phải thuộc Sở Thông tin và Truyền thông tỉnh Nam Định."],
        "end_date": ["Thời gian kết thúc không thể trước thời gian bắt đầu."],
    }
    with pytest.raises(ValidationFailed) as caught:
        open_file(actor_for(people["nd_clerk"]), org, notation="01 VP", year="hai nghìn", title=" ")
    assert caught.value.errors == {
        "year": ["Năm hình thành hồ sơ phải là số có 4 chữ số."],
        "title": ["Trường này là bắt buộc."],
        "notation": ["Số và ký hiệu hồ sơ chỉ gồm chữ, số và các dấu . - / _ (không có khoảng trắng), ví dụ 01.VP."],
    }
    assert not CaseFile.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="documents.casefile").exists()


def test_notation_is_unique_per_organisation_and_year(org, people, actor_for, tree):
    clerk = actor_for(people["nd_clerk"])
    open_file(clerk, org)
    with pytest.raises(ValidationFailed) as caught:
        open_file(clerk, org)
    assert caught.value.errors == {
        "notation": ["Năm 2024 đã có hồ sơ số 01.CNTT trong danh mục của Sở Thông tin và Truyền thông tỉnh Nam Định."]
    }
    assert open_file(clerk, org, year="2023").file_code == "000.00.12.H40.2023.01.CNTT"
    other = open_file(actor_for(people["qt_clerk"]), tree["qt_stttt"])
    assert other.file_code == "000.00.12.H50.2024.01.CNTT"
    assert CaseFile.objects.count() == 3


@pytest.mark.parametrize("who", ["anonymous", "qt_clerk", "applicant"])
def test_outsiders_cannot_open_files(org, people, actor_for, who):
    actor = Actor() if who == "anonymous" else actor_for(people[who])
    with pytest.raises(PermissionDenied) as caught:
        open_file(actor, org)
    assert caught.value.message == "Bạn không có quyền lập hồ sơ của Sở Thông tin và Truyền thông tỉnh Nam Định."
    assert not CaseFile.objects.exists()


def test_update_by_creator_keeps_fields_not_given(org, people, actor_for):
    actor = actor_for(people["nd_specialist"])
    case_file = open_file(actor, org, rights="Công khai")
    updated = casefile_update(actor=actor, case_file=case_file, values={"title": "Hồ sơ chuyển đổi số năm 2024"})
    assert (updated.title, updated.notation, updated.rights, updated.maintenance) == (
        "Hồ sơ chuyển đổi số năm 2024",
        "01.CNTT",
        "Công khai",
        "20 năm",
    )
    event = AuditEvent.objects.get(action="documents.casefile.update")
    assert (event.before, event.after) == (
        {"title": "Hồ sơ triển khai chuyển đổi số"},
        {"title": "Hồ sơ chuyển đổi số năm 2024"},
    )


def test_update_refused_to_colleagues_and_other_organisations(org, people, actor_for, tree):
    case_file = open_file(actor_for(people["nd_specialist"]), org)
    colleague = make_person("nd.colleague", tree["nd_stttt_cntt"], "specialist")
    for actor in (actor_for(colleague), actor_for(people["qt_clerk"]), Actor()):
        with pytest.raises(PermissionDenied):
            casefile_update(actor=actor, case_file=case_file, values={"title": "Đổi"})
    case_file.refresh_from_db()
    assert case_file.title == "Hồ sơ triển khai chuyển đổi số"
    # The clerks keep the catalogue: they may correct anyone's file and set its archive date.
    casefile_update(actor=actor_for(people["nd_clerk"]), case_file=case_file, values={"archive_due_on": "2026-01-15"})
    case_file.refresh_from_db()
    assert case_file.archive_due_on == dt.date(2026, 1, 15)


def test_new_archive_date_means_a_new_notice(org, people, actor_for):
    clerk = actor_for(people["nd_clerk"])
    case_file = open_file(clerk, org, archive_due_on="2026-01-15")
    CaseFile.objects.filter(pk=case_file.pk).update(archive_notice_sent_at=at(dt.date(2025, 12, 16)))
    casefile_update(actor=clerk, case_file=case_file, values={"description": "Bổ sung"})
    case_file.refresh_from_db()
    assert case_file.archive_notice_sent_at is not None
    casefile_update(actor=clerk, case_file=case_file, values={"archive_due_on": "2026-06-30"})
    case_file.refresh_from_db()
    assert case_file.archive_notice_sent_at is None


def test_documents_are_numbered_in_the_order_they_came_into_being(org, people, actor_for, docs):
    actor = actor_for(people["nd_specialist"])
    case_file = open_file(actor, org)
    first = casefile_add_document(actor=actor, case_file=case_file, document=docs["march"])
    assert first.ordinal == 1
    second = casefile_add_document(actor=actor, case_file=case_file, document=docs["january"])
    assert second.ordinal == 1
    third = casefile_add_document(actor=actor, case_file=case_file, document=docs["incoming"])
    assert third.ordinal == 2
    assert list(case_file.items.values_list("document__subject", "ordinal")) == [
        ("Thành lập tổ công tác", 1),
        ("Hướng dẫn chuyển đổi số", 2),
        ("Kế hoạch chuyển đổi số", 3),
    ]
    event = DocumentEvent.objects.get(document=docs["march"], kind="casefile.added")
    assert event.note == "000.00.12.H40.2024.01.CNTT"


def test_one_document_in_files_of_different_people_without_copies(org, people, actor_for, docs):
    specialist, clerk = actor_for(people["nd_specialist"]), actor_for(people["nd_clerk"])
    mine = open_file(specialist, org)
    catalogue = open_file(clerk, org, notation="05.VP")
    casefile_add_document(actor=specialist, case_file=mine, document=docs["january"])
    casefile_add_document(actor=clerk, case_file=catalogue, document=docs["january"])
    assert Document.objects.count() == 3
    assert sorted(
        CaseFileItem.objects.filter(document=docs["january"]).values_list("case_file__notation", flat=True)
    ) == [
        "01.CNTT",
        "05.VP",
    ]


def test_a_document_is_filed_once_per_file(org, people, actor_for, docs):
    actor = actor_for(people["nd_specialist"])
    case_file = open_file(actor, org)
    casefile_add_document(actor=actor, case_file=case_file, document=docs["march"])
    with pytest.raises(Conflict) as caught:
        casefile_add_document(actor=actor, case_file=case_file, document=docs["march"])
    assert caught.value.message == "Văn bản 07/QĐ-STTTT đã có trong hồ sơ 000.00.12.H40.2024.01.CNTT."
    assert case_file.items.count() == 1


def test_a_document_the_actor_may_not_see_is_refused(org, people, actor_for, docs):
    actor = actor_for(people["nd_specialist"])
    case_file = open_file(actor, org)
    secret = make_outgoing(
        org, number=1, series="secret", issued_on=dt.date(2024, 2, 1), subject="Mật", secrecy="secret"
    )
    unseen = make_outgoing(org, number=30, issued_on=dt.date(2024, 2, 1), subject="Không được giao")
    for document in (secret, unseen):
        with pytest.raises(NotFound) as caught:
            casefile_add_document(actor=actor, case_file=case_file, document=document)
        assert caught.value.message == "Không tìm thấy văn bản."
    assert case_file.items.count() == 0
    AccessGrant.objects.create(document=secret, person=people["nd_specialist"], reason="Được giao")
    assert casefile_add_document(actor=actor, case_file=case_file, document=secret).ordinal == 1


def test_documents_of_another_organisation_or_destroyed_by_recall_are_refused(org, people, actor_for, tree, docs):
    # The provincial leader sees the province's documents too, and opens a file in the department's catalogue.
    leader = actor_for(people["nd_leader"])
    case_file = open_file(leader, org)
    foreign = make_outgoing(tree["nd"], number=3, issued_on=dt.date(2024, 1, 2), subject="Của tỉnh")
    with pytest.raises(ValidationFailed) as caught:
        casefile_add_document(actor=leader, case_file=case_file, document=foreign)
    assert caught.value.errors == {
        "document": ["Văn bản không thuộc sổ văn bản của Sở Thông tin và Truyền thông tỉnh Nam Định."]
    }
    Document.objects.filter(pk=docs["incoming"].pk).update(state=IncomingState.RECALLED)
    with pytest.raises(ValidationFailed) as caught:
        casefile_add_document(actor=leader, case_file=case_file, document=docs["incoming"])
    assert caught.value.errors == {"document": ["Văn bản đến đã bị hủy do nơi gửi thu hồi, không đưa vào hồ sơ."]}
    assert case_file.items.count() == 0


def test_filing_is_refused_to_someone_who_may_not_edit_the_file(org, people, actor_for, docs, tree):
    case_file = open_file(actor_for(people["nd_clerk"]), org)
    with pytest.raises(PermissionDenied) as caught:
        casefile_add_document(actor=actor_for(people["nd_specialist"]), case_file=case_file, document=docs["march"])
    assert caught.value.message == (
        "Chỉ người lập hồ sơ hoặc văn thư của Sở Thông tin và Truyền thông tỉnh Nam Định được thay đổi hồ sơ này."
    )
    assert case_file.items.count() == 0


def test_a_file_holds_at_most_999_documents(org, people, actor_for, docs, monkeypatch):
    actor = actor_for(people["nd_specialist"])
    case_file = open_file(actor, org)
    monkeypatch.setattr(casefiles, "ORDINAL_MAX", 2)
    casefile_add_document(actor=actor, case_file=case_file, document=docs["march"])
    casefile_add_document(actor=actor, case_file=case_file, document=docs["january"])
    with pytest.raises(ValidationFailed) as caught:
        casefile_add_document(actor=actor, case_file=case_file, document=docs["incoming"])
    assert caught.value.errors == {"document": ["Một hồ sơ có tối đa 2 văn bản."]}


def test_removing_a_document_closes_the_gap(org, people, actor_for, docs):
    actor = actor_for(people["nd_specialist"])
    case_file = open_file(actor, org)
    for document in docs.values():
        casefile_add_document(actor=actor, case_file=case_file, document=document)
    casefile_remove_document(actor=actor, case_file=case_file, document=docs["january"])
    assert list(case_file.items.values_list("document__subject", "ordinal")) == [
        ("Hướng dẫn chuyển đổi số", 1),
        ("Kế hoạch chuyển đổi số", 2),
    ]
    assert Document.objects.filter(pk=docs["january"].pk).exists()  # the document itself stays
    with pytest.raises(ValidationFailed) as caught:
        casefile_remove_document(actor=actor, case_file=case_file, document=docs["january"])
    assert caught.value.errors == {"document": ["Văn bản không có trong hồ sơ 000.00.12.H40.2024.01.CNTT."]}
    event = AuditEvent.objects.get(action="documents.casefile.remove_document")
    assert event.before == {"document": docs["january"].pk, "ordinal": 1}


def test_close_takes_the_dates_of_the_first_and_last_document(org, people, actor_for, docs):
    actor = actor_for(people["nd_specialist"])
    case_file = open_file(actor, org)
    with pytest.raises(ValidationFailed) as caught:
        casefile_close(actor=actor, case_file=case_file)
    assert caught.value.errors == {"__all__": ["Hồ sơ chưa có văn bản nào, không thể kết thúc."]}
    for document in docs.values():
        casefile_add_document(actor=actor, case_file=case_file, document=document)
    closed = casefile_close(actor=actor, case_file=case_file)
    assert (closed.state, closed.start_date, closed.end_date) == (
        CaseFileState.CLOSED,
        dt.date(2024, 1, 15),
        dt.date(2024, 3, 1),
    )
    event = AuditEvent.objects.get(action="documents.casefile.close")
    assert event.after == {"state": "closed", "start_date": "2024-01-15", "end_date": "2024-03-01", "documents": 3}


def test_a_closed_file_is_fixed(org, people, actor_for, docs):
    actor = actor_for(people["nd_specialist"])
    case_file = open_file(actor, org)
    casefile_add_document(actor=actor, case_file=case_file, document=docs["march"])
    casefile_close(actor=actor, case_file=case_file, end_date=dt.date(2024, 12, 31))
    message = "Hồ sơ 000.00.12.H40.2024.01.CNTT đang ở trạng thái “Đã kết thúc”, không thay đổi được."
    attempts = [
        lambda: casefile_add_document(actor=actor, case_file=case_file, document=docs["january"]),
        lambda: casefile_remove_document(actor=actor, case_file=case_file, document=docs["march"]),
        lambda: casefile_update(actor=actor, case_file=case_file, values={"title": "Khác"}),
        lambda: casefile_close(actor=actor, case_file=case_file),
    ]
    for attempt in attempts:
        with pytest.raises(InvalidTransition) as caught:
            attempt()
        assert caught.value.message == message
    case_file.refresh_from_db()
    assert (case_file.end_date, case_file.items.count(), case_file.title) == (
        dt.date(2024, 12, 31),
        1,
        "Hồ sơ triển khai chuyển đổi số",
    )


def test_close_refuses_an_end_before_the_start(org, people, actor_for, docs):
    actor = actor_for(people["nd_specialist"])
    case_file = open_file(actor, org)
    casefile_add_document(actor=actor, case_file=case_file, document=docs["march"])
    with pytest.raises(ValidationFailed) as caught:
        casefile_close(actor=actor, case_file=case_file, end_date=dt.date(2024, 2, 1))
    assert caught.value.errors == {"end_date": ["Thời gian kết thúc không thể trước thời gian bắt đầu."]}
    case_file.refresh_from_db()
    assert case_file.state == CaseFileState.OPEN


def test_the_clerk_sets_the_archive_due_date_of_a_closed_file(org, people, actor_for, docs):
    specialist = actor_for(people["nd_specialist"])
    case_file = open_file(specialist, org)
    casefile_add_document(actor=specialist, case_file=case_file, document=docs["march"])
    casefile_close(actor=specialist, case_file=case_file)
    with pytest.raises(PermissionDenied):
        casefile_set_archive_due(actor=specialist, case_file=case_file, archive_due_on="2027-03-31")
    with pytest.raises(ValidationFailed) as caught:
        casefile_set_archive_due(actor=actor_for(people["nd_clerk"]), case_file=case_file, archive_due_on="31/13/2027")
    assert list(caught.value.errors) == ["archive_due_on"]
    updated = casefile_set_archive_due(
        actor=actor_for(people["nd_clerk"]), case_file=case_file, archive_due_on="2027-03-31"
    )
    assert (updated.state, updated.archive_due_on) == (CaseFileState.CLOSED, dt.date(2027, 3, 31))
    event = AuditEvent.objects.get(action="documents.casefile.archive_due")
    assert (event.before, event.after) == ({"archive_due_on": None}, {"archive_due_on": "2027-03-31"})
