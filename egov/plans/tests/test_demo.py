"""The plans demo: the seed articles' committees and plans, the national roll-up inputs, and idempotence."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from egov.accounts.models import RoleAssignment, User
from egov.accounts.tests.factories import ActorFactory
from egov.audit.models import AuditEvent
from egov.core.demo import load_demo
from egov.organisations.models import Level, Organisation
from egov.plans import services
from egov.plans.demo import ACCOUNTS
from egov.plans.models import (
    CommitteeMember,
    CompletionReview,
    Plan,
    PlanStatus,
    ProgressReport,
    ReviewMeeting,
    SteeringCommittee,
    Task,
    TaskKind,
)
from egov.plans.permissions import can_manage, can_report_for
from egov.plans.status import TaskStatus, derive_status
from egov.plans.tests.factories import SYSTEM

pytestmark = pytest.mark.django_db

ROLLUP_DAY = dt.date(2019, 7, 23)
PORTAL = (
    "Xây dựng Cổng dịch vụ công tập trung để tiếp nhận, giải quyết thủ tục hành chính, cung cấp dịch vụ công trực tuyến"
)


@pytest.fixture
def demo():
    first = load_demo(parts=("plans",))
    return first


def org(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def vhttdl_plan() -> Plan:
    return Plan.objects.get(organisation__code="000.00.00.G16", source_number="17/NQ-CP")


def snapshot() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "committees": SteeringCommittee.objects.count(),
        "members": CommitteeMember.objects.count(),
        "plans": Plan.objects.count(),
        "tasks": Task.objects.count(),
        "reports": ProgressReport.objects.count(),
        "reviews": CompletionReview.objects.count(),
    }


def test_first_load_counts(demo):
    assert demo == {
        "organisations": 30,
        "accounts": 16,
        "plan_organisations": 79,
        "plan_accounts": 3,
        "committees": 84,
        "plans": 54,
        "tasks": 86,
        "meetings": 1,
    }


def test_vhttdl_plan_has_the_25_tasks_of_the_article(demo):
    plan = vhttdl_plan()
    assert (plan.status, plan.issued_on, plan.number) == (PlanStatus.ISSUED, dt.date(2019, 3, 29), "1035/QĐ-BVHTTDL")
    assert (plan.period_start, plan.period_end, plan.orientation_year) == (2019, 2020, 2025)
    assert plan.committee.organisation.code == "000.00.00.G16"
    tasks = plan.tasks.filter(kind=TaskKind.TASK)
    assert tasks.count() == 25
    assert plan.tasks.filter(kind=TaskKind.SECTION).count() == 4
    assert Counter(tasks.values_list("lead_unit__code", flat=True)) == {
        "000.00.02.G16": 10,
        "000.00.01.G16": 5,
        "000.00.03.G16": 4,
        "000.00.04.G16": 3,
        "000.00.05.G16": 3,
    }
    cooperating = set(tasks.values_list("cooperating_units__code", flat=True)) - {None}
    assert cooperating == {"000.00.01.G16", "000.00.02.G16", "000.00.03.G16", "000.00.04.G16", "000.00.05.G16"}
    # Due in 2019 by month or quarter, and recurring work to 2025.
    kinds = Counter(tasks.values_list("deadline_kind", flat=True))
    assert kinds == {"month": 8, "quarter": 4, "year": 5, "year_range": 3, "recurring": 5}
    assert tasks.filter(deadline_kind="recurring", due_date=dt.date(2025, 12, 31)).count() == 5
    # The tasks came in through the spreadsheet importer: one import event with its count.
    event = AuditEvent.objects.get(action="plans.plan.import_tasks", object_id=str(plan.pk))
    assert (event.after["tasks"], event.after["sections"], event.after["filename"]) == (
        25,
        4,
        "vhttdl-nq17-2019.csv",
    )


def test_portal_completed_early_and_two_on_time(demo):
    plan = vhttdl_plan()
    today = timezone.localdate()
    portal = plan.tasks.get(title=PORTAL)
    assert (portal.deadline_text, portal.window_start, portal.due_date) == (
        "Tháng 9/2019",
        dt.date(2019, 9, 1),
        dt.date(2019, 9, 30),
    )
    assert (portal.percent, portal.completed_on, portal.lead_unit.code) == (100, dt.date(2019, 6, 5), "000.00.02.G16")
    assert derive_status(portal, today) == TaskStatus.COMPLETED_EARLY
    assert list(portal.reports.order_by("reported_on").values_list("reported_on", "percent")) == [
        (dt.date(2019, 4, 26), 40),
        (dt.date(2019, 6, 5), 100),
    ]
    review = portal.reviews.get()
    assert (review.decision, review.completed_on) == ("confirmed", dt.date(2019, 6, 5))
    on_time = {
        "Tổ chức chuẩn hóa cấu trúc, hệ thống hóa mã định danh, tích hợp": dt.date(2019, 6, 10),
        "Thực hiện số hóa dữ liệu và cung cấp danh mục dữ liệu đã được số hóa theo quy định": dt.date(2019, 6, 11),
    }
    for title, day in on_time.items():
        task = plan.tasks.get(title=title)
        assert (task.completed_on, derive_status(task, today)) == (day, TaskStatus.COMPLETED_ON_TIME), title
    # All progress is dated 2019.
    years = {d.year for d in ProgressReport.objects.filter(task__plan=plan).values_list("reported_on", flat=True)}
    assert years == {2019}
    assert ProgressReport.objects.filter(task__plan=plan).count() == 9


def test_review_meeting_of_13_june_2019(demo):
    meeting = ReviewMeeting.objects.get()
    plan = vhttdl_plan()
    assert (meeting.plan_id, meeting.chair_name, meeting.status) == (plan.pk, "Thứ trưởng Lê Khánh Hải", "concluded")
    assert timezone.localtime(meeting.held_at).date() == dt.date(2019, 6, 13)
    # The agenda lists the 22 tasks unfinished that day; the three completed ones are not on it.
    agenda = list(meeting.agenda.select_related("task"))
    assert len(agenda) == 22
    assert PORTAL not in {item.task.title for item in agenda}
    assert {item.status_then for item in agenda} <= {
        "not_started",
        "in_progress",
        "due_soon",
        "overdue",
        "recurring_on_track",
        "recurring_behind",
    }
    assert list(meeting.conclusions.values_list("kind", flat=True)) == ["general", "general"]


def test_committees_of_the_articles(demo):
    ubdt = SteeringCommittee.objects.get(organisation__code="000.00.00.G19")
    assert (ubdt.decision_number, ubdt.decision_date) == ("660/QĐ-UBDT", dt.date(2018, 11, 2))
    assert ubdt.members.count() == 11
    head = ubdt.members.get(role="head")
    assert (head.full_name, head.user.username) == ("Đỗ Văn Chiến", "chien.dv")

    qt = SteeringCommittee.objects.get(organisation__code="000.00.00.H50")
    assert (qt.decision_number, qt.decision_date) == ("2508/QĐ-UBND", dt.date(2018, 10, 30))
    members = list(qt.members.order_by("order").values_list("full_name", "role", "user__username", "part_time"))
    assert members == [
        ("Nguyễn Đức Chính", "head", "chinh.nd", True),
        ("Nguyễn Quân Chính", "standing_deputy", "chinh.nq", True),
        ("Nguyễn Văn Tường", "deputy", "tuong.nv", True),
    ]
    assert qt.duties.startswith("Nghiên cứu, đề xuất với UBND tỉnh, Chủ tịch UBND tỉnh về chủ trương")

    nd = SteeringCommittee.objects.get(organisation__code="000.00.00.H40")
    assert nd.members.get(role="head").user.username == "nghi.pd"


def test_nam_dinh_plan_from_the_conference(demo):
    plan = Plan.objects.get(organisation__code="000.00.00.H40")
    assert (plan.status, plan.period_start, plan.period_end) == (PlanStatus.ISSUED, 2019, 2019)
    signing = plan.tasks.get(title="Hoàn thành việc ký số trên phần mềm quản lý văn bản và điều hành")
    assert (signing.deadline_text, signing.due_date, signing.lead_unit.code) == (
        "Quý II/2019",
        dt.date(2019, 6, 28),
        "000.00.12.H40",
    )
    documents = plan.tasks.get(number="1")
    assert (documents.deadline_text, documents.lead_unit.code) == ("Tháng 3/2019", "000.00.12.H40")
    propaganda = plan.tasks.get(number="5")
    assert propaganda.title.startswith("Đẩy mạnh công tác tuyên truyền")
    assert [u.code for u in propaganda.cooperating_units.all()] == ["000.00.01.H40"]
    urging = plan.tasks.get(number="6")
    assert (urging.lead_unit.code, urging.deadline_kind) == ("000.00.01.H40", "recurring")
    assert plan.tasks.filter(kind=TaskKind.TASK).count() == 6


def test_rollup_inputs_as_of_23_july_2019(demo):
    provinces = Organisation.objects.filter(level=Level.PROVINCE, depth=1)
    ministries = Organisation.objects.filter(level=Level.MINISTRY, depth=1)
    assert (provinces.count(), ministries.count()) == (63, 22)
    # The demo's own provinces are kept as they were.
    assert org("000.00.00.H22").name == "Ủy ban nhân dân tỉnh Hà Giang"
    assert org("000.00.00.H40").name == "Ủy ban nhân dân tỉnh Nam Định"
    assert org("000.00.00.H50").name == "Ủy ban nhân dân tỉnh Quảng Trị"

    def with_committee(level):
        return (
            SteeringCommittee.objects.filter(organisation__level=level, decision_date__lte=ROLLUP_DAY)
            .values("organisation")
            .distinct()
            .count()
        )

    def with_plan(level):
        return (
            Plan.objects.filter(
                organisation__level=level,
                source_number="17/NQ-CP",
                status=PlanStatus.ISSUED,
                issued_on__lte=ROLLUP_DAY,
                issued_on__gte=dt.date(2019, 3, 7),
            )
            .values("organisation")
            .distinct()
            .count()
        )

    assert (with_committee(Level.PROVINCE), with_plan(Level.PROVINCE)) == (62, 32)
    assert (with_committee(Level.MINISTRY), with_plan(Level.MINISTRY)) == (22, 22)
    # Every issued plan can be issued: it has a task.
    assert not Plan.objects.filter(status=PlanStatus.ISSUED, tasks__isnull=True).exists()


def test_demo_accounts(demo):
    assert [a.username for a in ACCOUNTS] == ["thuky.vhttdl", "thuky.quangtri", "thuky.namdinh"]
    roles = {
        ra.user.username: (ra.role, ra.organisation.code)
        for ra in RoleAssignment.objects.filter(user__username__startswith="thuky.").select_related(
            "user", "organisation"
        )
    }
    assert roles == {
        "thuky.vhttdl": ("plan_secretary", "000.00.00.G16"),
        "thuky.quangtri": ("plan_secretary", "000.00.00.H50"),
        "thuky.namdinh": ("plan_secretary", "000.00.00.H40"),
    }
    secretary = ActorFactory.for_user(User.objects.get(username="thuky.vhttdl"))
    assert can_manage(secretary, org("000.00.00.G16"))
    assert not can_manage(secretary, org("000.00.00.H50"))
    specialist = ActorFactory.for_user(User.objects.get(username="chuyenvien.ttcntt"))
    assert can_report_for(specialist, org("000.00.02.G16"))
    assert not can_report_for(specialist, org("000.00.01.G16"))
    # The specialist reports on an open task of the plan.
    task = vhttdl_plan().tasks.get(title="Cập nhật Kiến trúc Chính phủ điện tử của Bộ phiên bản 2.0")
    report = services.progress_report_submit(
        actor=specialist, task=task, unit=org("000.00.02.G16"), values={"percent": 40, "narrative": "Tiếp tục."}
    )
    assert (report.kind, Task.objects.get(pk=task.pk).percent) == ("lead", 40)


def test_second_load_adds_nothing_and_keeps_edits(demo):
    qt = SteeringCommittee.objects.get(organisation__code="000.00.00.H50")
    services.committee_update(actor=SYSTEM, committee=qt, values={"name": "Ban Chỉ đạo Chính quyền số Quảng Trị"})
    plan = vhttdl_plan()
    services.plan_update(actor=SYSTEM, plan=plan, values={"title": "Kế hoạch đã sửa"})
    portal = plan.tasks.get(title=PORTAL)
    services.task_update(actor=SYSTEM, task=portal, values={"product": "Cổng dịch vụ công (đã sửa)"})
    before = snapshot()
    second = load_demo(parts=("plans",))
    assert second == {
        "organisations": 0,
        "accounts": 0,
        "plan_organisations": 0,
        "plan_accounts": 0,
        "committees": 0,
        "plans": 0,
        "tasks": 0,
        "meetings": 0,
    }
    assert snapshot() == before
    assert SteeringCommittee.objects.get(pk=qt.pk).name == "Ban Chỉ đạo Chính quyền số Quảng Trị"
    assert Plan.objects.get(pk=plan.pk).title == "Kế hoạch đã sửa"
    assert Task.objects.get(pk=portal.pk).product == "Cổng dịch vụ công (đã sửa)"
