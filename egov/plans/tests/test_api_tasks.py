"""Tasks API: create, edit, delete, progress reports, review, urging, deadline changes, dropping, history, my tasks."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from egov.accounts.roles import Perm
from egov.accounts.services import api_key_issue
from egov.audit.models import AuditEvent
from egov.plans.models import ProgressEvidence, ProgressReport, Task, Urge
from egov.plans.tests.api_support import API, as_, bvh_people_fixture, patch, post, state  # noqa: F401
from egov.plans.tests.factories import SYSTEM, issued_plan, make_plan, make_section, make_task, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(tree):
    issued, tasks = issued_plan(tree)
    return issued, tasks


@pytest.fixture
def draft(tree):
    plan = make_plan(tree["bvh"], title="Kế hoạch chuyển đổi số")
    section = make_section(plan, "Phát triển hạ tầng số")
    return plan, section


def _task_body(**extra):
    return {
        "title": "Nâng cấp Trung tâm dữ liệu",
        "lead_unit": "000.00.02.G16",
        "deadline": "Quý II/2020",
        **extra,
    }


# --- create, edit, delete -------------------------------------------------------------------------------------


def test_create_task_in_a_draft(client, login, bvh_people, draft, tree):
    plan, section = draft
    c = login(bvh_people["secretary"])
    response = post(
        c,
        f"{API}/{plan.pk}/tasks",
        _task_body(
            parent=section.pk,
            cooperating_units=["000.00.00.G16"],
            responsible_leader="bvh.leader",
            priority="high",
            product="Trung tâm dữ liệu đạt cấp độ 3",
        ),
    )
    assert response.status_code == 201
    task = Task.objects.get(title="Nâng cấp Trung tâm dữ liệu")
    assert response.json() == {
        "id": task.pk,
        "plan": plan.pk,
        "parent": section.pk,
        "kind": "task",
        "depth": 2,
        "number": "1.1",
        "title": "Nâng cấp Trung tâm dữ liệu",
        "product": "Trung tâm dữ liệu đạt cấp độ 3",
        "lead_unit": "000.00.02.G16",
        "lead_unit_name": "Trung tâm Công nghệ thông tin",
        "cooperating_units": ["000.00.00.G16"],
        "responsible_leader": "bvh.leader",
        "priority": "high",
        "deadline": "Quý II/2020",
        "deadline_kind": "quarter",
        "due_date": "2020-06-30",
        "percent": 0,
        "status": "overdue",
        "last_report_on": None,
        "completion_requested": False,
        "completed_on": None,
        "dropped_on": None,
        "dropped_reason": "",
    }
    assert (task.lead_unit, task.responsible_leader) == (tree["bvh_cntt"], bvh_people["leader"])


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"deadline": "Năm 2030"}, "deadline"),  # outside 2019–2025
        ({"deadline": "hôm nào đó"}, "deadline"),
        ({"cooperating_units": ["000.00.02.G16"]}, "cooperating_units"),  # the lead unit itself
        ({"cooperating_units": ["000.99.99.X99"]}, "cooperating_units"),
        ({"lead_unit": "000.99.99.X99"}, "lead_unit"),
        ({"lead_unit": None}, "lead_unit"),
        ({"parent": 999999}, "parent"),
        ({"responsible_leader": "nobody"}, "responsible_leader"),
        ({"priority": "urgent"}, "priority"),
        ({"title": "  "}, "title"),
        ({"kind": "chapter"}, "kind"),
    ],
)
def test_create_task_bad_input(client, login, bvh_people, draft, extra, field):
    plan, _ = draft
    before = state()
    response = post(login(bvh_people["secretary"]), f"{API}/{plan.pk}/tasks", _task_body(**extra))
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (422, "validation_error", field)
    assert state() == before


def test_a_parent_from_another_plan_is_refused(client, login, bvh_people, draft, plan):
    other_section = plan[1]["portal"].parent
    before = state()
    response = post(login(bvh_people["secretary"]), f"{API}/{draft[0].pk}/tasks", _task_body(parent=other_section.pk))
    assert (response.status_code, response.json()["field"]) == (422, "parent")
    assert state() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("viewer", 403), ("leader", 403)],
)
def test_create_task_denied_changes_nothing(client, login, bvh_people, draft, persona, status):
    before = state()
    response = post(as_(login, client, bvh_people, persona), f"{API}/{draft[0].pk}/tasks", _task_body())
    assert response.status_code == status
    assert state() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("viewer", 200), ("specialist", 200)],
)
def test_get_task_matrix(client, login, bvh_people, plan, persona, status):
    task = plan[1]["digitise"]
    response = as_(login, client, bvh_people, persona).get(f"{API}/tasks/{task.pk}")
    assert response.status_code == status
    if status == 200:
        assert (response.json()["title"], response.json()["status"], response.json()["due_date"]) == (
            "Số hóa dữ liệu và cung cấp danh mục dữ liệu",
            "overdue",
            "2019-12-31",
        )


def test_edit_and_delete_in_a_draft(client, login, bvh_people, draft, tree):
    plan, section = draft
    c = login(bvh_people["secretary"])
    task = make_task(plan, tree["bvh_cntt"], parent=section, deadline="Năm 2020")
    edited = patch(
        c,
        f"{API}/tasks/{task.pk}",
        {"deadline": "Tháng 3/2020", "parent": None, "cooperating_units": ["000.00.00.G16"], "title": "Đổi tên"},
    )
    assert edited.status_code == 200
    assert {k: edited.json()[k] for k in ("deadline", "due_date", "parent", "depth", "cooperating_units", "title")} == {
        "deadline": "Tháng 3/2020",
        "due_date": "2020-03-31",
        "parent": None,
        "depth": 1,
        "cooperating_units": ["000.00.00.G16"],
        "title": "Đổi tên",
    }
    bad = patch(c, f"{API}/tasks/{task.pk}", {"cooperating_units": ["000.00.02.G16"]})
    assert (bad.status_code, bad.json()["field"]) == (422, "cooperating_units")
    back = patch(c, f"{API}/tasks/{task.pk}", {"parent": section.pk})
    assert (back.status_code, back.json()["parent"], back.json()["number"]) == (200, section.pk, "1.1")
    before = state()
    loop = patch(c, f"{API}/tasks/{section.pk}", {"parent": task.pk})
    assert (loop.status_code, loop.json()["field"]) == (422, "parent")
    busy = c.delete(f"{API}/tasks/{section.pk}")
    assert (busy.status_code, busy.json()["code"]) == (409, "invalid_transition")
    assert state() == before
    assert c.delete(f"{API}/tasks/{task.pk}").status_code == 204
    assert c.delete(f"{API}/tasks/{section.pk}").status_code == 204
    assert not Task.objects.filter(pk__in=[task.pk, section.pk]).exists()
    assert AuditEvent.objects.filter(action="plans.task.delete", object_id=str(section.pk)).count() == 1
    assert c.get(f"{API}/tasks/{task.pk}").status_code == 404


def test_issued_plan_rules(client, login, bvh_people, plan):
    c = login(bvh_people["secretary"])
    task = plan[1]["portal"]
    before = state()
    deadline = patch(c, f"{API}/tasks/{task.pk}", {"deadline": "Tháng 12/2019"})
    assert (deadline.status_code, deadline.json()["field"]) == (422, "deadline")
    deleted = c.delete(f"{API}/tasks/{task.pk}")
    assert (deleted.status_code, deleted.json()["code"]) == (409, "invalid_transition")
    assert state() == before
    renamed = patch(c, f"{API}/tasks/{task.pk}", {"product": "Cổng dịch vụ công của Bộ"})
    assert (renamed.status_code, renamed.json()["product"], renamed.json()["deadline"]) == (
        200,
        "Cổng dịch vụ công của Bộ",
        "Tháng 9/2019",
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("viewer", 403), ("specialist", 403)],
)
def test_edit_and_delete_denied_change_nothing(client, login, bvh_people, draft, tree, persona, status):
    task = make_task(draft[0], tree["bvh_cntt"])
    c = as_(login, client, bvh_people, persona)
    before = state()
    assert patch(c, f"{API}/tasks/{task.pk}", {"title": "Đổi"}).status_code == status
    assert c.delete(f"{API}/tasks/{task.pk}").status_code == status
    assert state() == before


# --- progress -------------------------------------------------------------------------------------------------


def _report_body(**extra):
    return {"unit": "000.00.02.G16", "percent": 40, "narrative": "Đã hoàn thành thiết kế.", **extra}


def test_report_progress_and_list(client, login, bvh_people, plan):
    task = plan[1]["portal"]
    c = login(bvh_people["specialist"])
    response = post(
        c, f"{API}/tasks/{task.pk}/reports", _report_body(reported_on="2019-06-03", products="Bản thiết kế")
    )
    assert response.status_code == 201
    saved = ProgressReport.objects.get(task=task)
    assert response.json() == {
        "id": saved.pk,
        "task": task.pk,
        "kind": "lead",
        "unit": "000.00.02.G16",
        "unit_name": "Trung tâm Công nghệ thông tin",
        "percent": 40,
        "previous_percent": 0,
        "narrative": "Đã hoàn thành thiết kế.",
        "products": "Bản thiết kế",
        "reason": "",
        "requests_completion": False,
        "reported_on": "2019-06-03",
        "submitted_by": "bvh.cntt",
        "submitted_at": response.json()["submitted_at"],
        "evidence": [],
    }
    # Times come out as ISO 8601 in UTC, to the millisecond.
    at = saved.submitted_at
    assert dt.datetime.fromisoformat(response.json()["submitted_at"]) == at.replace(
        microsecond=at.microsecond // 1000 * 1000
    )
    task.refresh_from_db()
    assert (task.percent, task.last_report_on) == (40, dt.date(2019, 6, 3))
    listed = c.get(f"{API}/tasks/{task.pk}/reports").json()
    assert [(r["id"], r["percent"]) for r in listed] == [(saved.pk, 40)]
    assert c.get(f"{API}/tasks/{task.pk}").json()["percent"] == 40


def test_report_with_evidence_as_multipart(client, login, bvh_people, plan):
    task = plan[1]["portal"]
    c = login(bvh_people["specialist"])
    url = f"{API}/tasks/{task.pk}/reports/upload"
    form = {
        "unit": "000.00.02.G16",
        "percent": "60",
        "narrative": "Đã nghiệm thu giai đoạn 1.",
        "reported_on": "2019-07-01",
    }
    before = state()
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/pdf")
    refused = c.post(url, {**form, "evidence": [exe]})
    assert (refused.status_code, refused.json()["field"]) == (422, "evidence")
    assert state() == before
    pdf = SimpleUploadedFile("Biên bản nghiệm thu.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = c.post(url, {**form, "evidence": [pdf]})
    assert response.status_code == 201
    evidence = ProgressEvidence.objects.get()
    assert response.json()["percent"] == 60
    assert response.json()["evidence"] == [
        {
            "id": evidence.pk,
            "name": "Biên bản nghiệm thu.pdf",
            "content_type": "application/pdf",
            "size": 13,
            "sha256": hashlib.sha256(b"%PDF-1.4 test").hexdigest(),
        }
    ]
    without_files = c.post(url, {**form, "percent": "70"})
    assert (without_files.status_code, without_files.json()["evidence"]) == (201, [])
    over = c.post(url, {**form, "percent": "150"})
    assert (over.status_code, over.json()["field"]) == (422, "percent")


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"percent": 150}, 422, "percent"),
        ({"percent": 10}, 422, "reason"),  # falls from 40% without a reason
        ({"percent": "nhiều"}, 422, "percent"),
        ({"narrative": ""}, 422, "narrative"),
        ({"reported_on": "2019-01-01"}, 422, "reported_on"),  # before the plan was issued
        ({"unit": "000.99.99.X99"}, 422, "unit"),
        ({"unit": ""}, 422, "unit"),
        ({"unit": "000.00.00.G16"}, 403, "unit"),  # the ministry is not assigned this task
        ({"percent": 80, "requests_completion": True}, 422, "percent"),
    ],
)
def test_report_bad_input(client, login, bvh_people, plan, body, status, field):
    task = plan[1]["portal"]
    report(task, plan[1]["portal"].lead_unit, percent=40, on=dt.date(2019, 5, 2))
    before = state()
    response = post(login(bvh_people["specialist"]), f"{API}/tasks/{task.pk}/reports", _report_body(**body))
    assert (response.status_code, response.json()["field"]) == (status, field)
    assert state() == before


def test_falling_percent_with_a_reason_and_a_contribution(client, login, bvh_people, plan, tree):
    task = plan[1]["portal"]
    report(task, tree["bvh_cntt"], percent=40, on=dt.date(2019, 5, 2))
    c = login(bvh_people["specialist"])
    fell = post(c, f"{API}/tasks/{task.pk}/reports", _report_body(percent=30, reason="Phải làm lại phần thiết kế"))
    assert (fell.status_code, fell.json()["previous_percent"], fell.json()["percent"]) == (201, 40, 30)
    # Bộ VHTTDL cooperates once the secretary adds it; its leader reports a contribution without a percent.
    assert (
        patch(
            login(bvh_people["secretary"]), f"{API}/tasks/{task.pk}", {"cooperating_units": ["000.00.00.G16"]}
        ).status_code
        == 200
    )
    contribution = post(
        login(bvh_people["leader"]), f"{API}/tasks/{task.pk}/reports", _report_body(unit="000.00.00.G16", percent=None)
    )
    assert (contribution.status_code, contribution.json()["kind"], contribution.json()["percent"]) == (
        201,
        "contribution",
        None,
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("viewer", 403), ("secretary", 403)],
)
def test_report_denied_changes_nothing(client, login, bvh_people, plan, persona, status):
    task = plan[1]["portal"]
    before = state()
    response = post(as_(login, client, bvh_people, persona), f"{API}/tasks/{task.pk}/reports", _report_body())
    assert response.status_code == status
    assert state() == before


def test_reports_list_matrix(client, login, bvh_people, plan):
    task = plan[1]["portal"]
    report(task, task.lead_unit, percent=20, on=dt.date(2019, 4, 1))
    assert client.get(f"{API}/tasks/{task.pk}/reports").status_code == 401
    assert login(bvh_people["qt_admin"]).get(f"{API}/tasks/{task.pk}/reports").status_code == 404
    assert [r["percent"] for r in login(bvh_people["viewer"]).get(f"{API}/tasks/{task.pk}/reports").json()] == [20]


def _request_completion(task):
    return report(task, task.lead_unit, percent=100, on=dt.date(2019, 9, 20), requests_completion=True)


def test_review_confirms_completion(client, login, bvh_people, plan):
    task = plan[1]["portal"]
    c = login(bvh_people["leader"])
    early = post(c, f"{API}/tasks/{task.pk}/review", {"decision": "confirmed"})
    assert (early.status_code, early.json()["code"]) == (409, "invalid_transition")
    completion = _request_completion(task)
    returned_without_comment = post(c, f"{API}/tasks/{task.pk}/review", {"decision": "returned"})
    assert (returned_without_comment.status_code, returned_without_comment.json()["field"]) == (422, "comment")
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    in_future = post(c, f"{API}/tasks/{task.pk}/review", {"decision": "confirmed", "completed_on": future})
    assert (in_future.status_code, in_future.json()["field"]) == (422, "completed_on")
    bogus = post(c, f"{API}/tasks/{task.pk}/review", {"decision": "maybe"})
    assert (bogus.status_code, bogus.json()["field"]) == (422, "decision")
    confirmed = post(c, f"{API}/tasks/{task.pk}/review", {"decision": "confirmed", "comment": "Đạt yêu cầu"})
    assert confirmed.status_code == 201
    body = confirmed.json()
    assert {k: body[k] for k in ("task", "report", "decision", "completed_on", "comment", "by")} == {
        "task": task.pk,
        "report": completion.pk,
        "decision": "confirmed",
        "completed_on": "2019-09-20",
        "comment": "Đạt yêu cầu",
        "by": "bvh.leader",
    }
    detail = c.get(f"{API}/tasks/{task.pk}").json()
    assert (detail["status"], detail["completed_on"], detail["percent"]) == ("completed_on_time", "2019-09-20", 100)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("applicant", 404),
        ("qt_admin", 404),
        ("viewer", 403),
        ("specialist", 403),
        ("secretary", 403),
    ],
)
def test_review_denied_changes_nothing(client, login, bvh_people, plan, persona, status):
    task = plan[1]["portal"]
    _request_completion(task)
    before = state()
    response = post(as_(login, client, bvh_people, persona), f"{API}/tasks/{task.pk}/review", {"decision": "confirmed"})
    assert response.status_code == status
    assert state() == before


def test_urge_the_lead_unit(client, login, bvh_people, plan):
    task = plan[1]["digitise"]
    response = post(login(bvh_people["secretary"]), f"{API}/tasks/{task.pk}/urge", {"message": "Đề nghị khẩn trương."})
    assert response.status_code == 201
    urge = Urge.objects.get(task=task)
    body = response.json()
    assert {k: body[k] for k in ("id", "task", "kind", "to_unit", "recipients", "message", "by")} == {
        "id": urge.pk,
        "task": task.pk,
        "kind": "manual",
        "to_unit": "000.00.02.G16",
        "recipients": ["Người dùng bvh.cntt"],
        "message": "Đề nghị khẩn trương.",
        "by": "bvh.secretary",
    }
    empty = post(login(bvh_people["leader"]), f"{API}/tasks/{task.pk}/urge", {"message": "  "})
    assert (empty.status_code, empty.json()["field"]) == (422, "message")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("viewer", 403), ("specialist", 403)],
)
def test_urge_denied_changes_nothing(client, login, bvh_people, plan, persona, status):
    task = plan[1]["digitise"]
    before = state()
    response = post(as_(login, client, bvh_people, persona), f"{API}/tasks/{task.pk}/urge", {"message": "Nhanh lên"})
    assert response.status_code == status
    assert state() == before


def test_change_deadline(client, login, bvh_people, plan):
    task = plan[1]["portal"]
    c = login(bvh_people["leader"])
    before = state()
    for body, field in (
        ({"deadline": "Năm 2030", "reason": "Chậm vốn"}, "deadline"),
        ({"deadline": "Tháng 9/2019", "reason": "Giữ nguyên"}, "deadline"),
        ({"deadline": "Quý II/2020", "reason": ""}, "reason"),
        ({"deadline": "Quý II/2020"}, "reason"),
    ):
        response = post(c, f"{API}/tasks/{task.pk}/deadline", body)
        assert (response.status_code, response.json()["field"]) == (422, field), body
    assert state() == before
    changed = post(c, f"{API}/tasks/{task.pk}/deadline", {"deadline": "Quý II/2020", "reason": "Chờ bố trí vốn"})
    assert changed.status_code == 201
    body = changed.json()
    assert {k: body[k] for k in ("task", "old_deadline", "old_due_date", "new_deadline", "new_due_date", "reason")} == {
        "task": task.pk,
        "old_deadline": "Tháng 9/2019",
        "old_due_date": "2019-09-30",
        "new_deadline": "Quý II/2020",
        "new_due_date": "2020-06-30",
        "reason": "Chờ bố trí vốn",
    }
    assert c.get(f"{API}/tasks/{task.pk}").json()["deadline"] == "Quý II/2020"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("viewer", 403), ("specialist", 403)],
)
def test_deadline_and_drop_denied_change_nothing(client, login, bvh_people, plan, persona, status):
    task = plan[1]["portal"]
    c = as_(login, client, bvh_people, persona)
    before = state()
    r1 = post(c, f"{API}/tasks/{task.pk}/deadline", {"deadline": "Quý II/2020", "reason": "Chậm"})
    r2 = post(c, f"{API}/tasks/{task.pk}/drop", {"reason": "Không còn phù hợp"})
    assert (r1.status_code, r2.status_code) == (status, status)
    assert state() == before


def test_drop_and_history(client, login, bvh_people, plan):
    task = plan[1]["digitise"]
    c = login(bvh_people["secretary"])
    assert post(c, f"{API}/tasks/{task.pk}/drop", {"reason": " "}).json()["field"] == "reason"
    dropped = post(c, f"{API}/tasks/{task.pk}/drop", {"reason": "Đã giao cho dự án khác"})
    assert dropped.status_code == 200
    body = dropped.json()
    assert (body["status"], body["dropped_on"], body["dropped_reason"]) == (
        "dropped",
        timezone.localdate().isoformat(),
        "Đã giao cho dự án khác",
    )
    again = post(c, f"{API}/tasks/{task.pk}/drop", {"reason": "Lần nữa"})
    assert (again.status_code, again.json()["message"]) == (422, "Đầu việc đã kết thúc.")
    history = c.get(f"{API}/tasks/{task.pk}/history").json()
    assert [(e["kind"], e["summary"], e["by"]) for e in history] == [
        ("created", "Tạo đầu việc “Số hóa dữ liệu và cung cấp danh mục dữ liệu”.", "tests"),
        ("dropped", "Dừng thực hiện: Đã giao cho dự án khác", "Người dùng bvh.secretary (bvh.secretary)"),
    ]
    assert client.get(f"{API}/tasks/{task.pk}/history").status_code == 200
    client.logout()
    assert client.get(f"{API}/tasks/{task.pk}/history").status_code == 401
    assert login(bvh_people["qt_admin"]).get(f"{API}/tasks/{task.pk}/history").status_code == 404


# --- my tasks -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status", "count"),
    [
        ("anonymous", 401, None),
        ("applicant", 403, None),
        ("qt_admin", 200, 0),
        ("specialist", 200, 3),
        ("leader", 200, 3),  # acting for the ministry: its units' tasks too
    ],
)
def test_my_tasks_matrix(client, login, bvh_people, plan, persona, status, count):
    response = as_(login, client, bvh_people, persona).get(f"{API}/my-tasks")
    assert response.status_code == status
    if count is not None:
        assert response.json()["count"] == count


def test_my_tasks_order_filters_and_api_key(client, login, bvh_people, plan, tree):
    tasks = plan[1]
    c = login(bvh_people["specialist"])
    body = c.get(f"{API}/my-tasks").json()
    # Soonest due first.
    assert [t["id"] for t in body["items"]] == [tasks["portal"].pk, tasks["digitise"].pk, tasks["recurring"].pk]
    assert [t["id"] for t in c.get(f"{API}/my-tasks", {"search": "so hoa"}).json()["items"]] == [tasks["digitise"].pk]
    bad = c.get(f"{API}/my-tasks", {"status": "sleeping"})
    assert (bad.status_code, bad.json()["field"]) == (422, "status")
    key, full = api_key_issue(
        actor=SYSTEM,
        organisation=tree["bvh_cntt"],
        system_name="Hệ thống báo cáo",
        scopes=[Perm.ORG_VIEW, Perm.PLANS_VIEW, Perm.PLANS_REPORT],
    )
    client.logout()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {full}"}
    by_key = client.get(f"{API}/my-tasks", **auth).json()
    assert [t["id"] for t in by_key["items"]] == [tasks["portal"].pk, tasks["digitise"].pk, tasks["recurring"].pk]
    reported = post(client, f"{API}/tasks/{tasks['portal'].pk}/reports", _report_body(reported_on="2019-07-01"), **auth)
    assert (reported.status_code, reported.json()["submitted_by"]) == (201, None)
    event = AuditEvent.objects.get(action="plans.task.report")
    assert (event.api_key_id, event.acting_org_id) == (key.pk, tree["bvh_cntt"].pk)
    # The key carries no plans.manage: writing the tree is refused and nothing changes.
    before = state()
    assert patch(client, f"{API}/tasks/{tasks['portal'].pk}", {"title": "X"}, **auth).status_code == 403
    assert state() == before


def test_my_tasks_query_count(client, login, bvh_people, plan, tree, django_assert_max_num_queries):
    for i in range(8):
        make_task(
            plan[0],
            tree["bvh_cntt"],
            title=f"Đầu việc bổ sung {i}",
            deadline="Năm 2020",
            cooperating_units=[tree["bvh"]],
        )
    c = login(bvh_people["specialist"])
    c.get(f"{API}/my-tasks")  # warm the session and the acting unit
    with django_assert_max_num_queries(12):
        body = c.get(f"{API}/my-tasks").json()
    assert body["count"] == 11
    assert [t["cooperating_units"] for t in body["items"]].count(["000.00.00.G16"]) == 8
