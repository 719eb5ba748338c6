"""Review meetings API: schedule, agenda, conclusions applied to tasks, concluding, the minutes PDF; who may do what."""

from __future__ import annotations

import datetime as dt

import pytest

from egov.audit.models import AuditEvent
from egov.plans.models import MeetingConclusion, ReviewMeeting, Task
from egov.plans.services import meetings as services_meetings
from egov.plans.tests.api_support import API, patch, post
from egov.plans.tests.meetings_helpers import TODAY, VALUES, build_setup, meeting_state, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree, people):
    return build_setup(tree)


@pytest.fixture
def meeting(setup, actor_for):
    actor = actor_for(setup["secretary"])
    return services_meetings.meeting_create(actor=actor, committee=setup["committee"], values=VALUES, today=TODAY)


def as_(persona, client, login, people, setup):
    if persona == "anonymous":
        client.logout()
        return client
    if persona == "secretary":
        return login(setup["secretary"])
    return login(people[persona])


def everything():
    """Meetings, agenda, conclusions, deadline changes, tasks, and the audit trail: a denied call changes none."""
    return meeting_state(), Task.objects.count(), AuditEvent.objects.count()


BODY = {
    "title": "Họp rà soát quý III/2019",
    "held_at": "2019-09-25T14:00:00",
    "location": "Phòng họp tầng 3, UBND tỉnh",
    "chair_name": "Trần Văn Hùng, Phó Chủ tịch UBND tỉnh",
    "participants": "Thành viên Ban Chỉ đạo",
}

# --- scheduling and reading ---------------------------------------------------------------------------------


def test_create_builds_the_agenda_and_get_shows_it(client, login, people, setup):
    c = login(setup["secretary"])
    response = post(c, f"{API}/committees/{setup['committee'].pk}/meetings", {**BODY, "plan": setup["plan"].pk})
    assert response.status_code == 201
    meeting = ReviewMeeting.objects.get()
    body = response.json()
    t = setup["tasks"]
    assert {k: v for k, v in body.items() if k not in ("agenda", "created_at")} == {
        "id": meeting.pk,
        "committee": setup["committee"].pk,
        "plan": setup["plan"].pk,
        "title": "Họp rà soát quý III/2019",
        # Sent as local time (UTC+7), returned in UTC.
        "held_at": "2019-09-25T07:00:00Z",
        "location": "Phòng họp tầng 3, UBND tỉnh",
        "chair_name": "Trần Văn Hùng, Phó Chủ tịch UBND tỉnh",
        "participants": "Thành viên Ban Chỉ đạo",
        "status": "planned",
        "created_by": "nd.secretary",
        "concluded_at": None,
        "agenda_count": 5,
        "conclusion_count": 0,
        "minutes": "",
        "conclusions": [],
    }
    # Built today (every task of 2019, and the recurring one due 2025, is overdue now), soonest due first;
    # the finished ones are left out.
    assert [
        (i["order"], i["task"], i["plan"], i["number"], i["lead_unit"], i["status_then"], i["due_date_then"])
        for i in body["agenda"]
    ] == [
        (1, t["overdue_early"].pk, setup["plan"].pk, "4", "000.00.01.H40", "overdue", "2019-07-01"),
        (2, t["overdue_late"].pk, setup["plan"].pk, "2", "000.00.35.H40", "overdue", "2019-08-30"),
        (3, t["soon"].pk, setup["plan"].pk, "3", "000.00.12.H40", "overdue", "2019-09-30"),
        (4, t["rest"].pk, setup["plan"].pk, "1.1", "000.00.12.H40", "overdue", "2019-12-31"),
        (5, t["recurring"].pk, setup["plan"].pk, "5", "000.00.12.H40", "overdue", "2025-12-31"),
    ]
    assert body["agenda"][2] | {"id": 0} == {
        "id": 0,
        "order": 3,
        "task": t["soon"].pk,
        "plan": setup["plan"].pk,
        "number": "3",
        "title": "Triển khai Cổng dịch vụ công",
        "lead_unit": "000.00.12.H40",
        "status_then": "overdue",
        "percent_then": 60,
        "due_date_then": "2019-09-30",
        "note": "",
    }
    assert AuditEvent.objects.filter(action="plans.meeting.create", object_id=str(meeting.pk)).count() == 1
    assert c.get(f"{API}/meetings/{meeting.pk}").json() == body
    listed = c.get(f"{API}/committees/{setup['committee'].pk}/meetings").json()
    assert (listed["count"], listed["pages"], [m["id"] for m in listed["items"]]) == (1, 1, [meeting.pk])
    assert listed["items"][0]["agenda_count"] == 5
    assert "agenda" not in listed["items"][0]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"held_at": "hôm qua"}, "held_at"),
        ({"held_at": None}, "held_at"),
        ({"title": "   "}, "title"),
        ({"chair_name": ""}, "chair_name"),
        ({"title": "x" * 301}, "title"),
        ({"plan": 999999}, "plan"),
        ("draft", "plan"),  # a draft plan is not reviewed
        ("other", "plan"),  # Quảng Trị's plan: Nam Định's secretary cannot see it
    ],
)
def test_create_bad_input(client, login, setup, tree, extra, field):
    if extra == "draft":
        extra = {"plan": setup["draft"].pk}
    elif extra == "other":
        extra = {"plan": setup["other_task"].plan_id}
    before = everything()
    response = post(login(setup["secretary"]), f"{API}/committees/{setup['committee'].pk}/meetings", {**BODY, **extra})
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (422, "validation_error", field)
    assert everything() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("nd_specialist", 404), ("nd_leader", 403)],
)
def test_create_denied_changes_nothing(client, login, people, setup, persona, status):
    before = everything()
    c = as_(persona, client, login, people, setup)
    response = post(c, f"{API}/committees/{setup['committee'].pk}/meetings", BODY)
    assert response.status_code == status
    assert everything() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("nd_leader", 200), ("secretary", 200)],
)
def test_reading_matrix(client, login, people, setup, meeting, persona, status):
    c = as_(persona, client, login, people, setup)
    listed = c.get(f"{API}/committees/{setup['committee'].pk}/meetings")
    detail = c.get(f"{API}/meetings/{meeting.pk}")
    pdf = c.get(f"{API}/meetings/{meeting.pk}/minutes.pdf")
    assert (listed.status_code, detail.status_code, pdf.status_code) == (status, status, status)
    if status == 200:
        assert [m["title"] for m in listed.json()["items"]] == ["Họp rà soát quý III/2019"]
        assert (detail.json()["agenda_count"], len(detail.json()["agenda"])) == (5, 5)
        assert pdf["Content-Type"] == "application/pdf"


def test_minutes_pdf_is_the_page_renderer(client, login, setup, meeting):
    response = login(setup["secretary"]).get(f"{API}/meetings/{meeting.pk}/minutes.pdf")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response["Content-Disposition"] == f'inline; filename="bien-ban-hop-{meeting.pk}.pdf"'
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert text == pdf_text(services_meetings.meeting_minutes_pdf(meeting=meeting))
    assert "Họp rà soát quý III/2019" in text
    assert "Ban hành quy chế" in text


# --- details and minutes ------------------------------------------------------------------------------------


def test_edit_details_and_minutes(client, login, setup, meeting):
    c = login(setup["secretary"])
    url = f"{API}/meetings/{meeting.pk}"
    before = everything()
    bad = patch(c, url, {"held_at": "2019-13-45T10:00"})
    assert (bad.status_code, bad.json()["field"]) == (422, "held_at")
    empty = patch(c, url, {"chair_name": " "})
    assert (empty.status_code, empty.json()["field"]) == (422, "chair_name")
    assert everything() == before
    edited = patch(c, url, {"location": "Hội trường A", "minutes": "Các đơn vị báo cáo tiến độ."})
    assert edited.status_code == 200
    body = edited.json()
    # The minutes of a meeting that has taken place mark it held; the rest stays.
    assert (body["location"], body["minutes"], body["status"], body["title"], body["agenda_count"]) == (
        "Hội trường A",
        "Các đơn vị báo cáo tiến độ.",
        "held",
        "Họp rà soát quý III/2019",
        5,
    )
    assert AuditEvent.objects.filter(action="plans.meeting.update", object_id=str(meeting.pk)).count() == 1


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("nd_leader", 403)]
)
def test_edit_denied_changes_nothing(client, login, people, setup, meeting, persona, status):
    before = everything()
    c = as_(persona, client, login, people, setup)
    assert patch(c, f"{API}/meetings/{meeting.pk}", {"minutes": "Sửa trái phép"}).status_code == status
    assert everything() == before


# --- agenda -------------------------------------------------------------------------------------------------


def test_agenda_remove_and_add(client, login, setup, meeting):
    c = login(setup["secretary"])
    task = setup["tasks"]["rest"]
    item = meeting.agenda.get(task=task)
    assert c.delete(f"{API}/meetings/{meeting.pk}/agenda/{item.pk}").status_code == 204
    assert meeting.agenda.count() == 4
    assert c.delete(f"{API}/meetings/{meeting.pk}/agenda/{item.pk}").status_code == 404
    added = post(c, f"{API}/meetings/{meeting.pk}/agenda", {"task": task.pk, "note": "Đề nghị Sở báo cáo"})
    assert added.status_code == 201
    new_item = meeting.agenda.get(task=task)
    assert added.json() == {
        "id": new_item.pk,
        "order": 6,
        "task": task.pk,
        "plan": setup["plan"].pk,
        "number": "1.1",
        "title": "Số hóa hồ sơ lưu trữ",
        "lead_unit": "000.00.12.H40",
        "status_then": "overdue",
        "percent_then": 0,
        "due_date_then": "2019-12-31",
        "note": "Đề nghị Sở báo cáo",
    }
    assert [e.action for e in AuditEvent.objects.filter(object_id=str(meeting.pk)).order_by("seq")][-2:] == [
        "plans.meeting.agenda_remove",
        "plans.meeting.agenda_add",
    ]


@pytest.mark.parametrize(
    ("task", "field"),
    [
        ("rest", "task"),  # already on the agenda
        ("draft", "task"),  # a task of a plan the meeting does not review
        ("other", "task"),  # Quảng Trị's: not even visible
        (999999, "task"),
        ("long_note", "note"),
    ],
)
def test_agenda_add_bad_input(client, login, setup, meeting, task, field):
    note = ""
    if task == "draft":
        task = Task.objects.get(title="Đầu việc của kế hoạch dự thảo").pk
    elif task == "other":
        task = setup["other_task"].pk
    elif task == "long_note":
        meeting.agenda.filter(task=setup["tasks"]["rest"]).delete()
        task, note = setup["tasks"]["rest"].pk, "x" * 1001
    elif task == "rest":
        task = setup["tasks"]["rest"].pk
    before = everything()
    response = post(login(setup["secretary"]), f"{API}/meetings/{meeting.pk}/agenda", {"task": task, "note": note})
    assert (response.status_code, response.json()["field"]) == (422, field)
    assert everything() == before


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("nd_leader", 403)]
)
def test_agenda_denied_changes_nothing(client, login, people, setup, meeting, persona, status):
    item = meeting.agenda.first()
    before = everything()
    c = as_(persona, client, login, people, setup)
    assert c.delete(f"{API}/meetings/{meeting.pk}/agenda/{item.pk}").status_code == status
    added = post(c, f"{API}/meetings/{meeting.pk}/agenda", {"task": setup["tasks"]["rest"].pk})
    assert added.status_code == status
    assert everything() == before


# --- conclusions --------------------------------------------------------------------------------------------


def test_conclusions_are_applied_to_the_tasks(client, login, setup, meeting):
    c = login(setup["secretary"])
    url = f"{API}/meetings/{meeting.pk}/conclusions"
    t = setup["tasks"]
    moved = post(
        c,
        url,
        {
            "kind": "change_deadline",
            "task": t["overdue_late"].pk,
            "new_deadline_text": "Quý II/2020",
            "reason": "Chờ bố trí vốn",
        },
    )
    assert moved.status_code == 201
    conclusion = MeetingConclusion.objects.get()
    assert {k: v for k, v in moved.json().items() if k != "recorded_at"} == {
        "id": conclusion.pk,
        "order": 1,
        "kind": "change_deadline",
        "task": t["overdue_late"].pk,
        "task_title": "Kết nối mạng diện rộng",
        "text": "Điều chỉnh thời hạn đầu việc “Kết nối mạng diện rộng” từ “Tháng 8/2019” sang “Quý II/2020”. "
        "Lý do: Chờ bố trí vốn",
        "new_deadline_text": "Quý II/2020",
        "reason": "Chờ bố trí vốn",
        "recorded_by": "nd.secretary",
    }
    task = Task.objects.get(pk=t["overdue_late"].pk)
    assert (task.deadline_text, task.due_date) == ("Quý II/2020", dt.date(2020, 6, 30))
    added = post(
        c,
        url,
        {
            "kind": "add_task",
            "plan": setup["plan"].pk,
            "title": "Xây dựng kho dữ liệu dùng chung",
            "lead_unit": "000.00.12.H40",
            "cooperating_units": ["000.00.35.H40"],
            "new_deadline_text": "Tháng 12/2020",
            "priority": "high",
        },
    )
    assert added.status_code == 201
    new_task = Task.objects.get(title="Xây dựng kho dữ liệu dùng chung")
    assert (new_task.plan_id, new_task.lead_unit.code, new_task.due_date, new_task.priority) == (
        setup["plan"].pk,
        "000.00.12.H40",
        dt.date(2020, 12, 31),
        "high",
    )
    assert [u.code for u in new_task.cooperating_units.all()] == ["000.00.35.H40"]
    assert (added.json()["order"], added.json()["task"], added.json()["new_deadline_text"]) == (
        2,
        new_task.pk,
        "Tháng 12/2020",
    )
    closed = post(c, url, {"kind": "close_task", "task": t["overdue_early"].pk})
    dropped = post(c, url, {"kind": "drop_task", "task": t["rest"].pk, "reason": "Đã giao cho dự án khác"})
    general = post(c, url, {"kind": "general", "text": "Các sở khẩn trương hoàn thành."})
    assert (closed.status_code, dropped.status_code, general.status_code) == (201, 201, 201)
    assert Task.objects.get(pk=t["overdue_early"].pk).completed_on == dt.date(2019, 9, 25)
    assert Task.objects.get(pk=t["rest"].pk).dropped_on == dt.date(2019, 9, 25)
    detail = c.get(f"{API}/meetings/{meeting.pk}").json()
    assert (detail["status"], detail["conclusion_count"]) == ("held", 5)
    assert [(x["order"], x["kind"]) for x in detail["conclusions"]] == [
        (1, "change_deadline"),
        (2, "add_task"),
        (3, "close_task"),
        (4, "drop_task"),
        (5, "general"),
    ]
    assert detail["conclusions"][4]["text"] == "Các sở khẩn trương hoàn thành."


def _draft_task():
    return Task.objects.get(title="Đầu việc của kế hoạch dự thảo").pk


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "change_deadline", "task": "late", "new_deadline_text": "hôm nào đó", "reason": "Chậm"},
         "new_deadline_text"),
        ({"kind": "change_deadline", "task": "late", "new_deadline_text": "Năm 2030", "reason": "Chậm"},
         "new_deadline_text"),  # after the plan's last year
        ({"kind": "change_deadline", "task": "late", "new_deadline_text": "Quý II/2020", "reason": " "}, "reason"),
        ({"kind": "change_deadline", "task": "draft", "new_deadline_text": "Quý II/2020", "reason": "Chậm"}, "task"),
        ({"kind": "close_task", "task": "other"}, "task"),
        ({"kind": "close_task"}, "task"),
        ({"kind": "drop_task", "task": "late"}, "reason"),
        ({"kind": "general", "text": ""}, "text"),
        ({"kind": "maybe"}, "kind"),
        ({"kind": "add_task", "title": "Việc mới", "lead_unit": "000.99.99.X99", "new_deadline_text": "Năm 2020"},
         "lead_unit"),
        ({"kind": "add_task", "title": "Việc mới", "new_deadline_text": "Năm 2020", "plan": "plan"}, "lead_unit"),
        ({"kind": "add_task", "title": "Việc mới", "lead_unit": "000.00.12.H40", "new_deadline_text": "Năm 2020"},
         "plan"),  # the meeting reviews every active plan: say which
        ({"kind": "add_task", "title": "Việc mới", "lead_unit": "000.00.12.H40", "new_deadline_text": "Năm 2020",
          "plan": "draft_plan"}, "plan"),
        ({"kind": "add_task", "title": "Việc mới", "lead_unit": "000.00.12.H40", "new_deadline_text": "sớm",
          "plan": "plan"},
         "new_deadline_text"),
        ({"kind": "add_task", "title": " ", "lead_unit": "000.00.12.H40", "new_deadline_text": "Năm 2020",
          "plan": "plan"}, "title"),
    ],
)  # fmt: skip
def test_conclusion_bad_input(client, login, setup, meeting, body, field):
    refs = {"late": setup["tasks"]["overdue_late"].pk, "draft": _draft_task(), "other": setup["other_task"].pk}
    plans = {"plan": setup["plan"].pk, "draft_plan": setup["draft"].pk}
    if "task" in body:
        body = {**body, "task": refs[body["task"]]}
    if "plan" in body:
        body = {**body, "plan": plans[body["plan"]]}
    before = everything()
    response = post(login(setup["secretary"]), f"{API}/meetings/{meeting.pk}/conclusions", body)
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (422, "validation_error", field)
    assert everything() == before


def test_a_meeting_to_come_takes_no_conclusion(client, login, setup, actor_for):
    future = services_meetings.meeting_create(
        actor=actor_for(setup["secretary"]),
        committee=setup["committee"],
        values={**VALUES, "held_at": dt.datetime.now() + dt.timedelta(days=30)},
    )
    before = everything()
    c = login(setup["secretary"])
    response = post(c, f"{API}/meetings/{future.pk}/conclusions", {"kind": "general", "text": "Sớm quá"})
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
    assert post(c, f"{API}/meetings/{future.pk}/conclude", {}).status_code == 409
    assert everything() == before


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("nd_leader", 403)]
)
def test_conclusions_denied_change_nothing(client, login, people, setup, meeting, persona, status):
    before = everything()
    c = as_(persona, client, login, people, setup)
    one = {"kind": "close_task", "task": setup["tasks"]["overdue_early"].pk}
    assert post(c, f"{API}/meetings/{meeting.pk}/conclusions", one).status_code == status
    assert post(c, f"{API}/meetings/{meeting.pk}/conclude", {"conclusions": [one]}).status_code == status
    assert everything() == before


# --- concluding ---------------------------------------------------------------------------------------------


def test_conclude_is_all_or_nothing(client, login, setup, meeting):
    c = login(setup["secretary"])
    url = f"{API}/meetings/{meeting.pk}/conclude"
    t = setup["tasks"]
    good = {"kind": "close_task", "task": t["overdue_early"].pk}
    before = everything()
    nothing = post(c, url, {})
    assert (nothing.status_code, nothing.json()["field"]) == (422, "conclusions")
    unknown = post(c, url, {"conclusions": [good, {"kind": "close_task", "task": 999999}]})
    assert (unknown.status_code, unknown.json()["field"]) == (422, "conclusions.1.task")
    unreadable = {"kind": "change_deadline", "task": t["soon"].pk, "new_deadline_text": "sau Tết", "reason": "Chậm"}
    late = post(c, url, {"conclusions": [good, unreadable]})
    assert (late.status_code, late.json()["field"]) == (422, "new_deadline_text")
    bad_kind = post(c, url, {"conclusions": [{"kind": "maybe"}]})
    assert (bad_kind.status_code, bad_kind.json()["field"]) == (422, "conclusions.0.kind")
    # The first conclusion was applied, then undone with the rest: the task is still open.
    assert everything() == before
    done = post(c, url, {"conclusions": [good, {"kind": "general", "text": "Giao Sở TT&TT tổng hợp."}]})
    assert done.status_code == 200
    body = done.json()
    meeting.refresh_from_db()
    assert (body["status"], body["conclusion_count"], body["concluded_at"] is not None) == ("concluded", 2, True)
    assert [(x["kind"], x["task"]) for x in body["conclusions"]] == [
        ("close_task", t["overdue_early"].pk),
        ("general", None),
    ]
    assert Task.objects.get(pk=t["overdue_early"].pk).completed_on == dt.date(2019, 9, 25)
    assert AuditEvent.objects.filter(action="plans.meeting.conclude", object_id=str(meeting.pk)).count() == 1
    # Concluded: nothing more can be written to it.
    after = everything()
    again = post(c, url, {})
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
    assert patch(c, f"{API}/meetings/{meeting.pk}", {"minutes": "Thêm"}).status_code == 409
    assert post(c, f"{API}/meetings/{meeting.pk}/conclusions", {"kind": "general", "text": "Thêm"}).status_code == 409
    assert everything() == after


def test_conclude_after_conclusions_recorded_one_by_one(client, login, setup, meeting):
    c = login(setup["secretary"])
    post(c, f"{API}/meetings/{meeting.pk}/conclusions", {"kind": "general", "text": "Tiếp tục theo dõi."})
    done = post(c, f"{API}/meetings/{meeting.pk}/conclude", {"conclusions": []})
    assert (done.status_code, done.json()["status"], done.json()["conclusion_count"]) == (200, "concluded", 1)
