"""The task pages: create/edit/delete, the detail page and its action forms, evidence download, the unit's list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from egov.accounts.tests.factories import make_person
from egov.organisations.tests.factories import make_org
from egov.plans import selectors, services
from egov.plans.models import (
    CompletionReview,
    DeadlineChange,
    ProgressEvidence,
    ProgressReport,
    Task,
    TaskLink,
    Urge,
)
from egov.plans.status import derive_status
from egov.plans.tests.factories import SYSTEM, issued_plan, make_plan, make_section, make_task, report

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(tree):
    """Bộ VHTTDL's issued plan, a draft plan, and people in each role of the ministry and of another province."""
    plan, tasks = issued_plan(tree)
    draft = make_plan(tree["bvh"], title="Kế hoạch chuyển đổi số năm 2020")
    draft_task = make_task(draft, tree["bvh_cntt"], title="Xây dựng kho dữ liệu")
    return {
        "tree": tree,
        "plan": plan,
        "tasks": tasks,
        "section": Task.objects.get(pk=tasks["portal"].parent_id),
        "draft": draft,
        "draft_task": draft_task,
        "secretary": make_person("bvh.thuky", tree["bvh"], "plan_secretary"),
        "leader": make_person("bvh.lanhdao", tree["bvh"], "leader"),
        "specialist": make_person("bvh.cntt", tree["bvh_cntt"], "specialist"),
        "outsider": make_person("qt.thuky", tree["qt"], "plan_secretary"),
        "applicant": make_person("congdan", None, "applicant", kind="applicant"),
    }


def _state() -> tuple:
    """Everything a task page could change, to assert that a refused request changed nothing."""
    return (
        list(
            Task.objects.order_by("pk").values_list(
                "pk", "title", "parent_id", "percent", "deadline_text", "dropped_on", "completed_on", "lead_unit_id"
            )
        ),
        ProgressReport.objects.count(),
        ProgressEvidence.objects.count(),
        CompletionReview.objects.count(),
        DeadlineChange.objects.count(),
        Urge.objects.count(),
        TaskLink.objects.count(),
    )


def _errors(response, form_name: str | None = None) -> dict:
    context = response.context
    form = context["form"] if form_name is None else context["failed_form"]
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


def _task_data(tree, **extra) -> dict:
    return {
        "kind": "task",
        "title": "Triển khai hệ thống quản lý văn bản",
        "lead_unit": tree["bvh_cntt"].pk,
        "deadline": "Quý II/2020",
        "priority": "normal",
        **extra,
    }


def _report_data(unit, **extra) -> dict:
    data = {"report-unit": unit.pk, "report-narrative": "Đã hoàn thành kiểm thử và vận hành thử."}
    data.update({f"report-{key}": value for key, value in extra.items()})
    return data


# ---------------------------------------------------------------------------------------------------------------
# Create and edit


def test_create_task_in_draft_plan(world, login):
    client = login(world["secretary"])
    tree = world["tree"]
    section = make_section(world["draft"], title="Phát triển dữ liệu")
    data = _task_data(
        tree,
        parent=section.pk,
        cooperating_units=[tree["bvh"].pk],
        responsible_leader=world["leader"].pk,
        priority="high",
        product="Hệ thống được đưa vào sử dụng",
    )
    response = client.post(reverse("plans:task_create", args=[world["draft"].pk]), data)
    task = Task.objects.get(title="Triển khai hệ thống quản lý văn bản")
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:task_detail", args=[task.pk])
    assert task.parent_id == section.pk
    assert task.deadline_text == "Quý II/2020"
    assert task.due_date == dt.date(2020, 6, 30)
    assert task.priority == "high"
    assert task.responsible_leader_id == world["leader"].pk
    assert list(task.cooperating_units.values_list("pk", flat=True)) == [tree["bvh"].pk]


def test_create_form_shows_deadline_hint(world, login):
    response = login(world["secretary"]).get(reverse("plans:task_create", args=[world["draft"].pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "30/6/2019, Tháng 9/2019, Quý II/2019, Năm 2019, 2019–2020, Thường xuyên đến năm 2025" in content
    assert 'name="cooperating_units"' in content


def test_create_cooperating_unit_equal_to_lead_is_refused(world, login):
    tree = world["tree"]
    before = _state()
    response = login(world["secretary"]).post(
        reverse("plans:task_create", args=[world["draft"].pk]),
        _task_data(tree, cooperating_units=[tree["bvh_cntt"].pk]),
    )
    assert response.status_code == 400
    assert _errors(response) == {
        "cooperating_units": ["Đơn vị chủ trì (Trung tâm Công nghệ thông tin) không thể đồng thời là đơn vị phối hợp."]
    }
    assert 'href="#id_cooperating_units_0"' in response.content.decode()
    assert _state() == before


def test_create_unreadable_deadline(world, login):
    before = _state()
    response = login(world["secretary"]).post(
        reverse("plans:task_create", args=[world["draft"].pk]), _task_data(world["tree"], deadline="càng sớm càng tốt")
    )
    assert response.status_code == 400
    assert list(_errors(response)) == ["deadline"]
    assert _errors(response)["deadline"][0].startswith("Không đọc được thời gian hoàn thành “càng sớm càng tốt”.")
    assert 'href="#id_deadline"' in response.content.decode()
    assert _state() == before


def test_create_deadline_outside_plan_period(world, login):
    before = _state()
    response = login(world["secretary"]).post(
        reverse("plans:task_create", args=[world["draft"].pk]), _task_data(world["tree"], deadline="Năm 2030")
    )
    assert response.status_code == 400
    assert _errors(response) == {
        "deadline": ["Thời gian hoàn thành “Năm 2030” nằm ngoài giai đoạn của kế hoạch (2019–2025)."]
    }
    assert _state() == before


def test_edit_parent_loop_is_refused(world, login):
    section, portal = world["section"], world["tasks"]["portal"]
    before = _state()
    response = login(world["secretary"]).post(
        reverse("plans:task_edit", args=[section.pk]),
        {"kind": "section", "title": section.title, "priority": "normal", "parent": portal.pk},
    )
    assert response.status_code == 400
    assert list(_errors(response)) == ["parent"]
    assert "vòng lặp" in _errors(response)["parent"][0]
    assert _state() == before
    assert Task.objects.get(pk=section.pk).parent_id is None


def test_edit_issued_task_keeps_deadline_and_saves(world, login):
    portal = world["tasks"]["portal"]
    client = login(world["secretary"])
    page = client.get(reverse("plans:task_edit", args=[portal.pk]))
    assert page.status_code == 200
    assert 'name="deadline"' not in page.content.decode()
    assert 'id="deadline-locked"' in page.content.decode()
    response = client.post(
        reverse("plans:task_edit", args=[portal.pk]),
        {
            "kind": "task",
            "title": "Xây dựng Cổng dịch vụ công của Bộ",
            "lead_unit": world["tree"]["bvh_cntt"].pk,
            "parent": portal.parent_id,
            "priority": "high",
        },
    )
    assert response.status_code == 302
    portal.refresh_from_db()
    assert (portal.title, portal.priority, portal.deadline_text) == (
        "Xây dựng Cổng dịch vụ công của Bộ",
        "high",
        "Tháng 9/2019",
    )


def test_delete_draft_task(world, login):
    draft_task = world["draft_task"]
    response = login(world["secretary"]).post(reverse("plans:task_delete", args=[draft_task.pk]))
    assert response.status_code == 302
    assert not Task.objects.filter(pk=draft_task.pk).exists()


def test_delete_issued_task_is_refused(world, login):
    portal = world["tasks"]["portal"]
    before = _state()
    response = login(world["secretary"]).post(reverse("plans:task_delete", args=[portal.pk]))
    assert response.status_code == 400
    assert "Kế hoạch đã ban hành: không xóa đầu việc, hãy dừng thực hiện và ghi lý do." in response.content.decode()
    assert _state() == before


# ---------------------------------------------------------------------------------------------------------------
# Progress reports


def test_report_above_100_percent(world, login):
    portal = world["tasks"]["portal"]
    before = _state()
    response = login(world["specialist"]).post(
        reverse("plans:task_report", args=[portal.pk]), _report_data(world["tree"]["bvh_cntt"], percent=150)
    )
    assert response.status_code == 400
    assert _errors(response, "report") == {"percent": ["Tiến độ phải từ 0 đến 100% (đã nhập 150%)."]}
    assert 'href="#id_report-percent"' in response.content.decode()
    assert _state() == before


def test_report_percent_falling_needs_reason(world, login):
    portal = world["tasks"]["portal"]
    unit = world["tree"]["bvh_cntt"]
    report(portal, unit, percent=60, on=dt.date(2019, 6, 1))
    before = _state()
    response = login(world["specialist"]).post(
        reverse("plans:task_report", args=[portal.pk]), _report_data(unit, percent=40)
    )
    assert response.status_code == 400
    assert _errors(response, "report") == {"reason": ["Tiến độ giảm từ 60% xuống 40%: cần ghi lý do."]}
    assert 'href="#id_report-reason"' in response.content.decode()
    assert _state() == before
    response = login(world["specialist"]).post(
        reverse("plans:task_report", args=[portal.pk]),
        _report_data(unit, percent=40, reason="Phải làm lại phần tích hợp thanh toán."),
    )
    assert response.status_code == 302
    assert Task.objects.get(pk=portal.pk).percent == 40


def test_report_for_unassigned_unit_is_forbidden(world, login):
    tree = world["tree"]
    portal = world["tasks"]["portal"]
    before = _state()
    response = login(world["specialist"]).post(
        reverse("plans:task_report", args=[portal.pk]), _report_data(tree["bvh"], percent=30)
    )
    assert response.status_code == 403
    assert _state() == before


def test_report_by_unit_assigned_elsewhere_in_the_plan_is_forbidden(world, login):
    tree = world["tree"]
    vu = make_org("000.00.03.G16", "Vụ Kế hoạch, Tài chính", "unit", tree["bvh"])
    services.task_update(actor=SYSTEM, task=world["tasks"]["digitise"], values={"cooperating_units": [vu]})
    person = make_person("bvh.khtc", vu, "specialist")
    portal = world["tasks"]["portal"]
    before = _state()
    client = login(person)
    assert client.get(reverse("plans:task_detail", args=[portal.pk])).status_code == 200
    for unit in (vu, tree["bvh_cntt"]):
        response = client.post(reverse("plans:task_report", args=[portal.pk]), _report_data(unit, percent=30))
        assert response.status_code == 403
    assert _state() == before


def test_evidence_must_be_pdf_or_office(world, login):
    portal = world["tasks"]["portal"]
    before = _state()
    data = _report_data(world["tree"]["bvh_cntt"], percent=30)
    data["report-evidence"] = [SimpleUploadedFile("ghi-chú.txt", b"chi la van ban thuong", "text/plain")]
    response = login(world["specialist"]).post(reverse("plans:task_report", args=[portal.pk]), data)
    assert response.status_code == 400
    assert _errors(response, "report") == {
        "evidence": ["Tệp “ghi-chú.txt” không phải PDF, văn bản Office, ảnh PNG/JPEG hay tệp nén ZIP."]
    }
    assert _state() == before


@pytest.mark.parametrize(
    ("reported_on", "status"),
    [
        (dt.date(2019, 5, 10), "completed_early"),
        (dt.date(2019, 9, 16), "completed_on_time"),
        (dt.date(2019, 10, 15), "completed_late"),
    ],
)
def test_complete_and_confirm(world, login, reported_on, status):
    """Tháng 9/2019: the window opens 1/9/2019 and the task is due 30/9/2019."""
    portal = world["tasks"]["portal"]
    unit = world["tree"]["bvh_cntt"]
    data = _report_data(unit, percent=100, requests_completion="on", reported_on=reported_on.isoformat())
    data["report-evidence"] = [SimpleUploadedFile("Biên bản nghiệm thu.pdf", PDF, "application/pdf")]
    response = login(world["specialist"]).post(reverse("plans:task_report", args=[portal.pk]), data)
    assert response.status_code == 302
    task = Task.objects.get(pk=portal.pk)
    assert (task.percent, task.completion_requested, task.last_report_on) == (100, True, reported_on)
    evidence = ProgressEvidence.objects.get(report__task=portal)
    assert evidence.original_name == "Biên bản nghiệm thu.pdf"

    client = login(world["leader"])
    page = client.get(reverse("plans:task_detail", args=[portal.pk])).content.decode()
    assert f'action="/plans/tasks/{portal.pk}/review/"' in page
    response = client.post(reverse("plans:task_review", args=[portal.pk]), {"review-decision": "confirmed"})
    assert response.status_code == 302
    task = selectors.task_get(actor=SYSTEM, pk=portal.pk)
    assert (task.status, task.completed_on, task.completion_requested) == (status, reported_on, False)
    review = CompletionReview.objects.get(task=portal)
    assert (review.decision, review.by_id) == ("confirmed", world["leader"].pk)

    page = client.get(reverse("plans:task_detail", args=[portal.pk])).content.decode()
    labels = {
        "completed_early": "Hoàn thành trước hạn",
        "completed_on_time": "Hoàn thành đúng hạn",
        "completed_late": "Hoàn thành quá hạn",
    }
    colours = {"completed_early": "green", "completed_on_time": "green", "completed_late": "orange"}
    assert f'<strong class="govuk-tag govuk-tag--{colours[status]}" id="task-status">{labels[status]}</strong>' in page
    assert '<span id="percent-text">100%</span>' in page
    assert reverse("plans:evidence", args=[evidence.pk]) in page


def test_review_return_needs_comment(world, login):
    portal = world["tasks"]["portal"]
    report(portal, world["tree"]["bvh_cntt"], percent=100, requests_completion=True, on=dt.date(2019, 9, 20))
    before = _state()
    response = login(world["leader"]).post(
        reverse("plans:task_review", args=[portal.pk]), {"review-decision": "returned"}
    )
    assert response.status_code == 400
    assert _errors(response, "review") == {"comment": ["Trường này là bắt buộc."]}
    assert _state() == before


def test_evidence_download_with_vietnamese_name(world, login):
    portal = world["tasks"]["portal"]
    submitted = services.progress_report_submit(
        actor=SYSTEM,
        task=portal,
        unit=world["tree"]["bvh_cntt"],
        values={"percent": 20, "narrative": "Khảo sát xong.", "reported_on": dt.date(2019, 5, 2)},
        files=[SimpleUploadedFile("Báo cáo tiến độ.pdf", PDF, "application/pdf")],
    )
    evidence = submitted.evidence.get()
    response = login(world["specialist"]).get(reverse("plans:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''B%C3%A1o%20c%C3%A1o%20ti%E1%BA%BFn%20%C4%91%E1%BB%99.pdf"
    )
    assert b"".join(response.streaming_content) == PDF


# ---------------------------------------------------------------------------------------------------------------
# Urge, deadline, drop, link


def test_urge_records_who_whom_message(world, login):
    portal = world["tasks"]["portal"]
    message = "Đề nghị Trung tâm báo cáo tiến độ trước ngày 15/9/2019."
    client = login(world["leader"])
    response = client.post(reverse("plans:task_urge", args=[portal.pk]), {"urge-message": message})
    assert response.status_code == 302
    urge = Urge.objects.get(task=portal)
    assert (urge.kind, urge.by_id, urge.to_unit_id, urge.message) == (
        "manual",
        world["leader"].pk,
        world["tree"]["bvh_cntt"].pk,
        message,
    )
    page = client.get(reverse("plans:task_detail", args=[portal.pk])).content.decode()
    assert message in page
    assert "Người dùng bvh.lanhdao" in page


def test_urge_without_message(world, login):
    portal = world["tasks"]["portal"]
    before = _state()
    response = login(world["leader"]).post(reverse("plans:task_urge", args=[portal.pk]), {"urge-message": ""})
    assert response.status_code == 400
    assert list(_errors(response, "urge")) == ["message"]
    assert 'href="#id_urge-message"' in response.content.decode()
    assert _state() == before
    # The failed action's folded section is the one that opens; the others stay closed.
    html = response.content.decode()
    assert '<details class="govuk-details" id="urge" open>' in html
    assert '<details class="govuk-details" id="deadline-change">' in html
    assert '<details class="govuk-details" id="drop">' in html
    assert f'action="{reverse("plans:task_urge", args=[portal.pk])}"' in html


def test_change_deadline(world, login):
    portal = world["tasks"]["portal"]
    response = login(world["leader"]).post(
        reverse("plans:task_deadline", args=[portal.pk]),
        {"deadline-deadline": "Quý IV/2019", "deadline-reason": "Chờ hướng dẫn kết nối Cổng quốc gia."},
    )
    assert response.status_code == 302
    change = DeadlineChange.objects.get(task=portal)
    assert (change.old_text, change.new_text, change.new_due_date) == (
        "Tháng 9/2019",
        "Quý IV/2019",
        dt.date(2019, 12, 31),
    )


def test_change_deadline_unreadable(world, login):
    portal = world["tasks"]["portal"]
    before = _state()
    response = login(world["leader"]).post(
        reverse("plans:task_deadline", args=[portal.pk]), {"deadline-deadline": "sau Tết", "deadline-reason": "Chậm"}
    )
    assert response.status_code == 400
    assert list(_errors(response, "deadline")) == ["deadline"]
    assert 'href="#id_deadline-deadline"' in response.content.decode()
    assert _state() == before


def test_drop_task(world, login):
    portal = world["tasks"]["portal"]
    response = login(world["secretary"]).post(
        reverse("plans:task_drop", args=[portal.pk]), {"drop-reason": "Đã được Cổng dịch vụ công quốc gia thay thế."}
    )
    assert response.status_code == 302
    task = selectors.task_get(actor=SYSTEM, pk=portal.pk)
    assert (task.status, task.dropped_reason) == ("dropped", "Đã được Cổng dịch vụ công quốc gia thay thế.")


def test_link_document(world, login):
    portal = world["tasks"]["portal"]
    client = login(world["secretary"])
    response = client.post(
        reverse("plans:task_link", args=[portal.pk]),
        {
            "link-document_number": "2508/QĐ-BVHTTDL",
            "link-document_date": "2019-08-15",
            "link-title": "Phê duyệt dự án Cổng dịch vụ công",
            "link-url": "https://vanban.example.vn/2508",
        },
    )
    assert response.status_code == 302
    link = TaskLink.objects.get(task=portal)
    assert (link.document_number, link.document_date, link.url) == (
        "2508/QĐ-BVHTTDL",
        dt.date(2019, 8, 15),
        "https://vanban.example.vn/2508",
    )
    page = client.get(reverse("plans:task_detail", args=[portal.pk])).content.decode()
    assert '<a class="govuk-link" href="https://vanban.example.vn/2508" rel="noopener">2508/QĐ-BVHTTDL</a>' in page


def test_link_bad_number(world, login):
    portal = world["tasks"]["portal"]
    before = _state()
    response = login(world["secretary"]).post(
        reverse("plans:task_link", args=[portal.pk]), {"link-document_number": "quyết định", "link-title": "Dự án"}
    )
    assert response.status_code == 400
    assert list(_errors(response, "link")) == ["document_number"]
    assert _state() == before


# ---------------------------------------------------------------------------------------------------------------
# Detail page and the unit's list


def test_detail_shows_everything(world, login):
    portal = world["tasks"]["portal"]
    report(portal, world["tree"]["bvh_cntt"], percent=45, on=dt.date(2019, 6, 3))
    response = login(world["specialist"]).get(reverse("plans:task_detail", args=[portal.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<dd class="govuk-summary-list__value" id="lead-unit">Trung tâm Công nghệ thông tin</dd>' in page
    assert '<strong id="due-date">30/09/2019</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--red" id="task-status">Quá hạn</strong>' in page
    assert '<progress max="100" value="45"' in page
    assert "Hoàn thiện hạ tầng kỹ thuật" in page  # the section, in the breadcrumb
    assert "Trung tâm Công nghệ thông tin báo cáo tiến độ 45%." in page  # the timeline
    # The specialist reports but neither confirms, urges, changes deadlines nor manages.
    assert f'action="/plans/tasks/{portal.pk}/report/"' in page
    for name in ("review", "urge", "deadline", "drop", "link", "edit"):
        assert f'action="/plans/tasks/{portal.pk}/{name}/"' not in page
    assert 'id="edit-task"' not in page


def test_detail_forms_for_leader_and_secretary(world, login):
    portal = world["tasks"]["portal"]
    page = login(world["leader"]).get(reverse("plans:task_detail", args=[portal.pk])).content.decode()
    for name in ("report", "urge", "deadline", "drop"):
        assert f'action="/plans/tasks/{portal.pk}/{name}/"' in page
    assert f'action="/plans/tasks/{portal.pk}/link/"' not in page
    page = login(world["secretary"]).get(reverse("plans:task_detail", args=[portal.pk])).content.decode()
    for name in ("urge", "deadline", "drop", "link"):
        assert f'action="/plans/tasks/{portal.pk}/{name}/"' in page
    assert f'action="/plans/tasks/{portal.pk}/report/"' not in page
    assert 'id="edit-task"' in page


def test_my_tasks_lists_the_units_tasks_by_due_date(world, login):
    tree = world["tree"]
    tasks = world["tasks"]
    response = login(world["specialist"]).get(reverse("plans:my_tasks"))
    assert response.status_code == 200
    # Recurring work runs to the plan's last year (2025): its status depends on today, so ask the rule itself.
    recurring = derive_status(Task.objects.get(pk=tasks["recurring"].pk), timezone.localdate())
    rows = [(t.pk, t.status) for t in response.context["page_obj"].object_list]
    assert rows == [
        (tasks["portal"].pk, "overdue"),
        (tasks["digitise"].pk, "overdue"),
        (tasks["recurring"].pk, recurring),
    ]
    assert response.context["overdue"] == 2 + (recurring == "overdue")
    page = response.content.decode()
    assert f'data-task="{tasks["portal"].pk}" data-status="overdue"' in page
    assert tree["bvh_cntt"].name in page


def test_my_tasks_filters(world, login):
    tasks = world["tasks"]
    client = login(world["specialist"])
    response = client.get(reverse("plans:my_tasks"), {"q": "so hoa du lieu"})
    assert [t.pk for t in response.context["page_obj"].object_list] == [tasks["digitise"].pk]
    services.task_drop(actor=SYSTEM, task=tasks["digitise"], reason="Gộp vào đầu việc khác.")
    response = client.get(reverse("plans:my_tasks"), {"status": "dropped"})
    assert [t.pk for t in response.context["page_obj"].object_list] == [tasks["digitise"].pk]
    assert '<option value="dropped" selected>' in response.content.decode()
    response = client.get(reverse("plans:my_tasks"), {"status": "completed_early"})
    assert list(response.context["page_obj"].object_list) == []
    assert 'id="no-tasks"' in response.content.decode()


def test_my_tasks_of_another_organisation_is_empty(world, login):
    response = login(world["outsider"]).get(reverse("plans:my_tasks"))
    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == []


def test_cooperating_unit_contributes_without_percent(world, login):
    tree = world["tree"]
    vu = make_org("000.00.03.G16", "Vụ Kế hoạch, Tài chính", "unit", tree["bvh"])
    portal = world["tasks"]["portal"]
    services.task_update(actor=SYSTEM, task=portal, values={"cooperating_units": [vu]})
    client = login(make_person("bvh.khtc", vu, "specialist"))
    page = client.get(reverse("plans:task_detail", args=[portal.pk])).content.decode()
    assert f'<option value="{vu.pk}">Vụ Kế hoạch, Tài chính</option>' in page
    assert 'name="report-percent"' not in page
    assert 'name="report-requests_completion"' not in page
    response = client.post(reverse("plans:task_report", args=[portal.pk]), _report_data(vu))
    assert response.status_code == 302
    contribution = ProgressReport.objects.get(task=portal)
    assert (contribution.kind, contribution.unit_id, contribution.percent) == ("contribution", vu.pk, None)
    assert Task.objects.get(pk=portal.pk).percent == 0
