"""Review meetings: agenda, conclusions applied to tasks through the task services, and the minutes PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from egov.accounts.tests.factories import make_person
from egov.audit.models import AuditEvent
from egov.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from egov.plans.models import (
    CompletionReview,
    DeadlineChange,
    MeetingConclusion,
    MeetingStatus,
    ReviewMeeting,
    Task,
    TaskEvent,
)
from egov.plans.services import meetings as services_meetings
from egov.plans.tests.factories import SYSTEM, issue, make_plan, make_task, report
from egov.plans.tests.meetings_helpers import (
    TODAY,
    VALUES,
    build_setup,
    fresh,
    meeting_state,
    pdf_text,
    task_state,
)


@pytest.fixture
def setup(tree, people):
    return build_setup(tree)


@pytest.fixture
def secretary(setup, actor_for):
    return actor_for(setup["secretary"])


@pytest.fixture
def meeting(setup, secretary):
    return services_meetings.meeting_create(actor=secretary, committee=setup["committee"], values=VALUES, today=TODAY)


class TestAgenda:
    def test_unfinished_tasks_of_active_plans_overdue_first_then_due_soon_then_the_rest(self, meeting):
        rows = [
            (i.order, i.task.title, i.status_then, i.percent_then, i.due_date_then)
            for i in meeting.agenda.select_related("task")
        ]
        assert rows == [
            (1, "Ban hành quy chế", "overdue", 0, dt.date(2019, 7, 1)),
            (2, "Kết nối mạng diện rộng", "overdue", 0, dt.date(2019, 8, 30)),
            (3, "Triển khai Cổng dịch vụ công", "due_soon", 60, dt.date(2019, 9, 30)),
            (4, "Số hóa hồ sơ lưu trữ", "not_started", 0, dt.date(2019, 12, 31)),
            (5, "Bảo đảm an toàn thông tin", "recurring_behind", 0, dt.date(2025, 12, 31)),
        ]
        assert meeting.status == MeetingStatus.PLANNED
        assert meeting.created_by.username == "nd.secretary"
        assert AuditEvent.objects.filter(action="plans.meeting.create", object_id=str(meeting.pk)).count() == 1

    def test_snapshot_does_not_follow_later_progress(self, setup, meeting, tree):
        report(setup["tasks"]["rest"], tree["nd_stttt"], percent=80, on=dt.date(2019, 9, 26))
        item = meeting.agenda.get(task=setup["tasks"]["rest"])
        assert (item.status_then, item.percent_then) == ("not_started", 0)

    def test_one_plan_only(self, setup, secretary, tree):
        second = make_plan(tree["nd"], committee=setup["committee"], title="Kế hoạch chuyển đổi số")
        make_task(second, tree["nd_stttt"], title="Xây dựng kho dữ liệu dùng chung", deadline="Tháng 6/2019")
        issue(second, number="99/QĐ-UBND")
        both = services_meetings.meeting_create(
            actor=secretary, committee=setup["committee"], values=VALUES, today=TODAY
        )
        assert both.agenda.count() == 6
        assert both.agenda.first().task.title == "Xây dựng kho dữ liệu dùng chung"
        one = services_meetings.meeting_create(
            actor=secretary, committee=setup["committee"], values=VALUES | {"plan": second}, today=TODAY
        )
        assert [i.task.title for i in one.agenda.all()] == ["Xây dựng kho dữ liệu dùng chung"]
        assert one.plan == second

    def test_add_and_remove(self, setup, meeting, secretary):
        done = setup["tasks"]["done"]
        item = services_meetings.agenda_add(actor=secretary, meeting=meeting, task=done, note="Báo cáo kết quả")
        assert (item.order, item.status_then, item.percent_then, item.note) == (6, "completed_on_time", 100,
                                                                               "Báo cáo kết quả")  # fmt: skip
        with pytest.raises(ValidationFailed) as exc:
            services_meetings.agenda_add(actor=secretary, meeting=meeting, task=done)
        assert exc.value.field == "task"
        with pytest.raises(ValidationFailed) as exc:
            services_meetings.agenda_add(actor=secretary, meeting=meeting, task=setup["other_task"])
        assert exc.value.field == "task"
        services_meetings.agenda_remove(actor=secretary, meeting=meeting, item=item)
        assert meeting.agenda.count() == 5

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"title": ""}, "title"),
            ({"chair_name": " "}, "chair_name"),
            ({"held_at": None}, "held_at"),
            ({"held_at": "hôm qua"}, "held_at"),
        ],
    )
    def test_bad_details(self, setup, secretary, values, field):
        with pytest.raises(ValidationFailed) as exc:
            services_meetings.meeting_create(actor=secretary, committee=setup["committee"], values=VALUES | values)
        assert exc.value.status == 422
        assert field in exc.value.errors
        assert ReviewMeeting.objects.count() == 0

    def test_held_at_as_text(self, setup, secretary):
        meeting = services_meetings.meeting_create(
            actor=secretary, committee=setup["committee"], values=VALUES | {"held_at": "25/09/2019 14:00"}
        )
        assert timezone.localtime(meeting.held_at).strftime("%d/%m/%Y %H:%M") == "25/09/2019 14:00"

    def test_plan_must_be_an_active_plan_of_the_committee(self, setup, secretary, tree):
        other = make_plan(tree["nd"], title="Kế hoạch không thuộc Ban Chỉ đạo")
        for plan in (other, setup["draft"]):
            with pytest.raises(ValidationFailed) as exc:
                services_meetings.meeting_create(
                    actor=secretary, committee=setup["committee"], values=VALUES | {"plan": plan}
                )
            assert exc.value.field == "plan"
        assert ReviewMeeting.objects.count() == 0


class TestConclusions:
    def test_change_deadline_keeps_the_meeting_in_the_history(self, setup, meeting, secretary):
        task = setup["tasks"]["overdue_late"]
        conclusion = services_meetings.conclusion_add(
            actor=secretary,
            meeting=meeting,
            values={
                "kind": "change_deadline",
                "task": task,
                "new_deadline_text": "Quý II/2020",
                "reason": "Chờ kinh phí năm 2020",
            },
        )
        task = fresh(task)
        assert (task.deadline_text, task.due_date) == ("Quý II/2020", dt.date(2020, 6, 30))
        change = DeadlineChange.objects.get(task=task)
        assert (change.old_text, change.new_text, change.reason, change.meeting) == (
            "Tháng 8/2019", "Quý II/2020", "Chờ kinh phí năm 2020", meeting,
        )  # fmt: skip
        assert conclusion.text == (
            "Điều chỉnh thời hạn đầu việc “Kết nối mạng diện rộng” từ “Tháng 8/2019” sang “Quý II/2020”. "
            "Lý do: Chờ kinh phí năm 2020"
        )
        assert (conclusion.task, conclusion.new_deadline_text, conclusion.order) == (task, "Quý II/2020", 1)
        assert task.events.filter(kind="deadline_changed").get().data["meeting"] == meeting.pk
        assert ReviewMeeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD

    def test_add_task_creates_it_in_the_meetings_plan(self, setup, meeting, secretary, tree):
        meeting.plan = setup["plan"]
        meeting.save()
        conclusion = services_meetings.conclusion_add(
            actor=secretary,
            meeting=meeting,
            values={
                "kind": "add_task",
                "title": "Xây dựng Trung tâm điều hành thông minh",
                "product": "Trung tâm IOC đi vào vận hành",
                "lead_unit": tree["nd_stttt"],
                "new_deadline_text": "Năm 2020",
            },
        )
        task = Task.objects.get(title="Xây dựng Trung tâm điều hành thông minh")
        assert (task.plan, task.lead_unit, task.deadline_text, task.product) == (
            setup["plan"], tree["nd_stttt"], "Năm 2020", "Trung tâm IOC đi vào vận hành",
        )  # fmt: skip
        assert conclusion.task == task
        assert conclusion.text == (
            "Bổ sung đầu việc “Xây dựng Trung tâm điều hành thông minh”, đơn vị chủ trì: "
            "Sở Thông tin và Truyền thông tỉnh Nam Định, thời hạn: Năm 2020."
        )

    def test_add_task_without_a_plan_on_the_meeting_names_the_plan(self, setup, meeting, secretary, tree):
        values = {"kind": "add_task", "title": "Đầu việc mới", "lead_unit": tree["nd_stttt"],
                  "new_deadline_text": "Năm 2020"}  # fmt: skip
        with pytest.raises(ValidationFailed) as exc:
            services_meetings.conclusion_add(actor=secretary, meeting=meeting, values=values)
        assert exc.value.field == "plan"
        services_meetings.conclusion_add(actor=secretary, meeting=meeting, values=values | {"plan": setup["plan"]})
        assert Task.objects.get(title="Đầu việc mới").plan == setup["plan"]

    def test_close_task_without_a_completion_request(self, setup, meeting, secretary):
        task = setup["tasks"]["overdue_early"]
        conclusion = services_meetings.conclusion_add(
            actor=secretary, meeting=meeting, values={"kind": "close_task", "task": task}
        )
        task = fresh(task)
        assert (task.completed_on, task.percent, task.completion_requested) == (dt.date(2019, 9, 25), 100, False)
        event = task.events.get(kind=TaskEvent.Kind.CONFIRMED)
        assert (
            event.summary == "Kết thúc (hoàn thành ngày 25/09/2019) theo kết luận cuộc họp “Họp rà soát quý III/2019”."
        )
        assert event.data == {"meeting": meeting.pk}
        assert AuditEvent.objects.filter(action="plans.task.close_at_meeting", object_id=str(task.pk)).count() == 1
        assert conclusion.text == "Kết thúc đầu việc “Ban hành quy chế” (đã hoàn thành)."
        assert CompletionReview.objects.filter(task=task).count() == 0

    def test_close_task_with_a_completion_request_is_confirmed_by_a_leader(self, setup, meeting, tree, people,
                                                                           actor_for):  # fmt: skip
        task = setup["tasks"]["soon"]
        report(task, tree["nd_stttt"], percent=100, on=dt.date(2019, 9, 20), requests_completion=True)
        leader = make_person("nd.pct", tree["nd"], "plan_secretary")
        from egov.accounts.services import role_assign

        role_assign(actor=SYSTEM, user=leader, role="leader", organisation=tree["nd"])
        services_meetings.conclusion_add(
            actor=actor_for(leader), meeting=meeting, values={"kind": "close_task", "task": task}
        )
        review = CompletionReview.objects.get(task=task)
        assert (review.decision, review.completed_on) == ("confirmed", dt.date(2019, 9, 20))
        assert review.comment == "Theo kết luận cuộc họp “Họp rà soát quý III/2019”."
        assert fresh(task).completed_on == dt.date(2019, 9, 20)

    def test_close_task_with_a_completion_request_recorded_by_the_secretary(self, setup, meeting, secretary, tree):
        task = setup["tasks"]["soon"]
        report(task, tree["nd_stttt"], percent=100, on=dt.date(2019, 9, 20), requests_completion=True)
        services_meetings.conclusion_add(actor=secretary, meeting=meeting, values={"kind": "close_task", "task": task})
        task = fresh(task)
        assert (task.completed_on, task.completion_requested) == (dt.date(2019, 9, 25), False)

    def test_drop_task(self, setup, meeting, secretary):
        task = setup["tasks"]["rest"]
        services_meetings.conclusion_add(
            actor=secretary,
            meeting=meeting,
            values={"kind": "drop_task", "task": task, "reason": "Đã lồng ghép vào đề án khác", "text": "Dừng."},
        )
        task = fresh(task)
        assert (task.dropped_on, task.dropped_reason) == (dt.date(2019, 9, 25), "Đã lồng ghép vào đề án khác")
        assert task.events.get(kind="dropped").data == {"meeting": meeting.pk}
        assert MeetingConclusion.objects.get(meeting=meeting).text == "Dừng."

    def test_general(self, meeting, secretary):
        before = task_state()
        conclusion = services_meetings.conclusion_add(
            actor=secretary,
            meeting=meeting,
            values={"kind": "general", "text": "Các sở khẩn trương hoàn thành đầu việc quá hạn."},
        )
        assert (conclusion.kind, conclusion.task, conclusion.text) == (
            "general", None, "Các sở khẩn trương hoàn thành đầu việc quá hạn.",
        )  # fmt: skip
        assert task_state() == before

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"kind": "nonsense"}, "kind"),
            ({"kind": "general", "text": ""}, "text"),
            ({"kind": "close_task"}, "task"),
            ({"kind": "change_deadline", "new_deadline_text": "sớm nhất có thể", "reason": "x"}, "new_deadline_text"),
            ({"kind": "change_deadline", "new_deadline_text": "Năm 2030", "reason": "x"}, "new_deadline_text"),
            ({"kind": "change_deadline", "new_deadline_text": "Quý II/2020", "reason": ""}, "reason"),
            ({"kind": "change_deadline", "new_deadline_text": "Tháng 8/2019", "reason": "x"}, "new_deadline_text"),
            ({"kind": "drop_task", "reason": ""}, "reason"),
        ],
    )
    def test_bad_input_names_the_field_and_changes_nothing(self, setup, meeting, secretary, values, field):
        values = {"task": setup["tasks"]["overdue_late"]} | values if values["kind"] != "close_task" else values
        before = meeting_state()
        with pytest.raises(ValidationFailed) as exc:
            services_meetings.conclusion_add(actor=secretary, meeting=meeting, values=values)
        assert exc.value.status == 422
        assert field in exc.value.errors
        assert meeting_state() == before

    def test_a_task_not_on_the_meetings_plans(self, setup, meeting, secretary, tree):
        draft_task = setup["draft"].tasks.get()
        for task in (setup["other_task"], draft_task):
            with pytest.raises(ValidationFailed) as exc:
                services_meetings.conclusion_add(
                    actor=secretary, meeting=meeting, values={"kind": "close_task", "task": task}
                )
            assert exc.value.field == "task"
        assert fresh(setup["other_task"]).completed_on is None

    def test_a_finished_task_cannot_be_closed_again(self, setup, meeting, secretary):
        before = meeting_state()
        with pytest.raises(ValidationFailed) as exc:
            services_meetings.conclusion_add(
                actor=secretary, meeting=meeting, values={"kind": "close_task", "task": setup["tasks"]["done"]}
            )
        assert exc.value.field == "task"
        assert meeting_state() == before

    def test_not_before_the_meeting_is_held(self, setup, secretary):
        future = timezone.now() + dt.timedelta(days=3)
        meeting = services_meetings.meeting_create(
            actor=secretary, committee=setup["committee"], values=VALUES | {"held_at": future}
        )
        with pytest.raises(InvalidTransition):
            services_meetings.conclusion_add(actor=secretary, meeting=meeting, values={"kind": "general", "text": "x"})


class TestConclude:
    def test_concludes_with_a_list_and_then_refuses_twice(self, setup, meeting, secretary):
        task = setup["tasks"]["overdue_early"]
        services_meetings.meeting_conclude(
            actor=secretary,
            meeting=meeting,
            conclusions=[
                {"kind": "general", "text": "Đánh giá chung: tiến độ chậm."},
                {"kind": "close_task", "task": task},
            ],
        )
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.CONCLUDED
        assert meeting.concluded_at is not None
        assert list(meeting.conclusions.values_list("order", "kind")) == [(1, "general"), (2, "close_task")]
        assert fresh(task).completed_on == dt.date(2019, 9, 25)
        before = meeting_state()
        with pytest.raises(InvalidTransition) as exc:
            services_meetings.meeting_conclude(actor=secretary, meeting=meeting)
        assert exc.value.status == 409
        with pytest.raises(InvalidTransition):
            services_meetings.conclusion_add(actor=secretary, meeting=meeting, values={"kind": "general", "text": "x"})
        with pytest.raises(InvalidTransition):
            services_meetings.meeting_update(actor=secretary, meeting=meeting, values={"minutes": "Sửa"})
        assert meeting_state() == before

    def test_all_or_nothing(self, setup, meeting, secretary):
        before = meeting_state()
        with pytest.raises(ValidationFailed) as exc:
            services_meetings.meeting_conclude(
                actor=secretary,
                meeting=meeting,
                conclusions=[
                    {"kind": "close_task", "task": setup["tasks"]["overdue_early"]},
                    {"kind": "change_deadline", "task": setup["tasks"]["rest"], "new_deadline_text": "Năm 2031",
                     "reason": "Chậm"},
                ],
            )  # fmt: skip
        assert exc.value.field == "new_deadline_text"
        assert meeting_state() == before

    def test_needs_a_conclusion(self, meeting, secretary):
        with pytest.raises(ValidationFailed) as exc:
            services_meetings.meeting_conclude(actor=secretary, meeting=meeting)
        assert exc.value.field == "conclusions"
        assert ReviewMeeting.objects.get(pk=meeting.pk).status == MeetingStatus.PLANNED

    def test_minutes_text_marks_the_meeting_held(self, meeting, secretary):
        services_meetings.meeting_update(actor=secretary, meeting=meeting, values={"minutes": "  Ý kiến các sở.  "})
        meeting.refresh_from_db()
        assert (meeting.minutes, meeting.status, meeting.title) == ("Ý kiến các sở.", "held", VALUES["title"])


class TestServicePermissions:
    @pytest.mark.parametrize("who", ["nd_leader", "nd_specialist", "qt_admin", "nd_admin"])
    def test_only_plans_manage_at_the_committee(self, setup, people, actor_for, who):
        with pytest.raises(PermissionDenied):
            services_meetings.meeting_create(actor=actor_for(people[who]), committee=setup["committee"], values=VALUES)
        assert ReviewMeeting.objects.count() == 0

    def test_conclusions_need_plans_manage(self, setup, meeting, people, actor_for):
        before = meeting_state()
        with pytest.raises(PermissionDenied):
            services_meetings.conclusion_add(
                actor=actor_for(people["nd_leader"]),
                meeting=meeting,
                values={"kind": "close_task", "task": setup["tasks"]["overdue_early"]},
            )
        assert meeting_state() == before


# A4 is 595 × 842 points; the header sits in the top 150 points, its columns split at 40% of the text width.
TOP_LEFT = (0, 0, 270, 150)
TOP_RIGHT = (270, 0, 325, 150)


class TestMinutesPdf:
    def test_decree_30_layout(self, setup, meeting, secretary):
        services_meetings.meeting_update(actor=secretary, meeting=meeting, values={"minutes": "Các sở báo cáo."})
        services_meetings.conclusion_add(
            actor=secretary,
            meeting=meeting,
            values={"kind": "general", "text": "Giao Sở Thông tin và Truyền thông tổng hợp."},
        )
        meeting.refresh_from_db()
        data = services_meetings.meeting_minutes_pdf(meeting=meeting)
        assert pdf_text(data, region=TOP_LEFT) == (
            "ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH BAN CHỈ ĐẠO CHÍNH PHỦ ĐIỆN TỬ ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH"
        )
        assert pdf_text(data, region=TOP_RIGHT) == (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Nam Định, ngày 25 tháng 9 năm 2019"
        )
        text = pdf_text(data)
        for expected in [
            "BIÊN BẢN CUỘC HỌP Họp rà soát quý III/2019",
            "Thời gian: 14 giờ 00, ngày 25/09/2019",
            "Địa điểm: Phòng họp tầng 3, UBND tỉnh",
            "Chủ trì: Trần Văn Hùng, Phó Chủ tịch UBND tỉnh",
            "Thành phần tham dự: Thành viên Ban Chỉ đạo; đại diện các sở, ngành",
            "Thư ký: Người dùng nd.secretary",
            "Ban hành quy chế",
            "Văn phòng UBND tỉnh Nam Định",
            "01/07/2019",
            "Quá hạn",
            "Sắp đến hạn",
            "60%",
            "Các sở báo cáo.",
            "III. Kết luận 1. Giao Sở Thông tin và Truyền thông tổng hợp.",
        ]:
            assert expected in text, expected
        for header in ["STT", "Đầu việc", "Đơn vị chủ trì", "Hạn", "Tiến độ", "Tình trạng"]:
            assert header in text, header
        signatures = pdf_text(data)[text.index("THƯ KÝ") :]
        assert signatures.startswith("THƯ KÝ CHỦ TRÌ Người dùng nd.secretary Trần Văn Hùng, Phó Chủ tịch UBND tỉnh")


def test_place_on_the_date_line(tree):
    assert services_meetings.place_name(tree["nd_stttt_cntt"]) == "Nam Định"
    assert services_meetings.place_name(tree["qt"]) == "Quảng Trị"
    assert services_meetings.place_name(tree["bvh_cntt"]) == "Hà Nội"
