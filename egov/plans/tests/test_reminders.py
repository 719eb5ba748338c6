"""The daily reminder run and the weekly digest: milestones, recipients, one notice per person, idempotence."""

from __future__ import annotations

import datetime as dt

import pytest

from egov.accounts.tests.factories import make_person
from egov.notifications.models import EmailState, Notification
from egov.plans import services
from egov.plans.models import ReminderDigest, Task, TaskEvent, Urge, UrgeKind
from egov.plans.reminders import run_reminders, run_weekly_digest
from egov.plans.tasks import daily_reminders, weekly_digest
from egov.plans.tests.factories import SYSTEM, issue, make_committee, make_plan, make_section, make_task, report

NOTHING = {"due_soon": 0, "overdue": 0, "people": 0, "notifications": 0}


@pytest.fixture
def staff(tree):
    """People of Trung tâm CNTT (bvh_cntt), which leads every task below, and a leader of the ministry."""
    return {
        "specialist": make_person("bvh.chuyenvien", tree["bvh_cntt"], "specialist"),
        "clerk": make_person("bvh.vanthu", tree["bvh_cntt"], "clerk", email=""),
        # works in the unit but may not report for it: not reminded
        "officer": make_person("bvh.motcua", tree["bvh_cntt"], "one_stop_officer"),
        "leader": make_person("bvh.lanhdao", tree["bvh"], "leader"),
    }


@pytest.fixture
def plan_tasks(tree, staff):
    """Bộ VHTTDL's issued plan: 1.1 due 30/9/2019 (soon from 23/9), 1.2 due 31/12/2019 (soon from 24/12) with a
    responsible leader, 1.3 recurring to 2025."""
    committee = make_committee(tree["bvh"])
    plan = make_plan(tree["bvh"], committee=committee)
    section = make_section(plan)
    tasks = {
        "portal": make_task(plan, tree["bvh_cntt"], parent=section),
        "digitise": make_task(
            plan,
            tree["bvh_cntt"],
            title="Số hóa dữ liệu",
            deadline="Năm 2019",
            parent=section,
            responsible_leader=staff["leader"],
        ),
        "recurring": make_task(
            plan, tree["bvh_cntt"], title="Bảo đảm an toàn thông tin", deadline="Thường xuyên", parent=section
        ),
    }
    issue(plan)
    return {key: Task.objects.get(pk=t.pk) for key, t in tasks.items()} | {"plan": plan, "committee": committee}


def _urges():
    return list(Urge.objects.order_by("task_id", "kind", "milestone").values_list("task__number", "kind", "milestone"))


def test_the_fixture_dates_are_what_the_tests_assume(plan_tasks):
    portal, digitise = plan_tasks["portal"], plan_tasks["digitise"]
    assert (portal.due_soon_from, portal.due_date) == (dt.date(2019, 9, 23), dt.date(2019, 9, 30))
    assert (digitise.due_soon_from, digitise.due_date) == (dt.date(2019, 12, 24), dt.date(2019, 12, 31))


def test_nothing_is_sent_before_the_due_soon_day(plan_tasks):
    assert run_reminders(today=dt.date(2019, 9, 20)) == NOTHING
    assert Urge.objects.count() == 0
    assert Notification.objects.count() == 0


def test_due_soon_reminder_once_per_due_date(plan_tasks, staff, tree):
    counts = run_reminders(today=dt.date(2019, 9, 23))
    assert counts == {"due_soon": 1, "overdue": 0, "people": 2, "notifications": 2}
    urge = Urge.objects.get()
    assert (urge.task_id, urge.kind, urge.milestone) == (plan_tasks["portal"].pk, "due_soon", "due:2019-09-30")
    assert urge.to_unit == tree["bvh_cntt"]
    assert urge.by is None
    assert urge.recipients == [
        {"id": staff["specialist"].pk, "name": "Người dùng bvh.chuyenvien"},
        {"id": staff["clerk"].pk, "name": "Người dùng bvh.vanthu"},
    ]
    assert urge.message == "Đầu việc “Xây dựng Cổng dịch vụ công” sắp đến hạn hoàn thành (hạn 30/09/2019)."
    event = TaskEvent.objects.get(kind=TaskEvent.Kind.REMINDED)
    assert event.task_id == plan_tasks["portal"].pk
    assert event.data == {"urge": urge.pk, "milestone": "due:2019-09-30", "recipients": 2}
    assert event.by_label == "egov worker"
    notices = Notification.objects.order_by("user__username")
    assert [(n.user.username, n.topic, n.email_state) for n in notices] == [
        ("bvh.chuyenvien", "plans.reminder", EmailState.PENDING),
        ("bvh.vanthu", "plans.reminder", EmailState.NONE),  # no e-mail address: in the app only
    ]
    assert notices[0].title == "Nhắc việc: 0 đầu việc quá hạn, 1 đầu việc sắp đến hạn"
    assert notices[0].url == f"/plans/tasks/{plan_tasks['portal'].pk}/"
    assert notices[0].body == (
        "Kính gửi Người dùng bvh.chuyenvien,\n\nCác đầu việc sau cần được quan tâm:\n"
        "- [Sắp đến hạn] 1.1. Xây dựng Cổng dịch vụ công — hạn 30/09/2019"
    )
    # the same day again, and the next days until the due date: nothing new
    for day in (dt.date(2019, 9, 23), dt.date(2019, 9, 24), dt.date(2019, 9, 30)):
        assert run_reminders(today=day) == NOTHING
    assert Urge.objects.count() == 1
    assert Notification.objects.count() == 2


def test_a_moved_deadline_is_a_new_due_soon_milestone(plan_tasks):
    run_reminders(today=dt.date(2019, 9, 23))
    services.task_change_deadline(
        actor=SYSTEM, task=plan_tasks["portal"], deadline="Tháng 10/2019", reason="Theo kết luận cuộc họp"
    )
    assert run_reminders(today=dt.date(2019, 9, 24)) == NOTHING  # not yet due soon for the new date
    counts = run_reminders(today=dt.date(2019, 10, 24))
    assert counts["due_soon"] == 1
    assert _urges() == [("1.1", "due_soon", "due:2019-09-30"), ("1.1", "due_soon", "due:2019-10-31")]


def test_overdue_sends_only_the_highest_milestone_reached_then_the_next_ones(plan_tasks):
    # first run ten working days after the 30/9 deadline: one reminder (milestone 10), not four
    counts = run_reminders(today=dt.date(2019, 10, 14))
    assert counts == {"due_soon": 0, "overdue": 1, "people": 2, "notifications": 2}
    assert _urges() == [("1.1", "overdue", "overdue:2019-09-30:10")]
    urge = Urge.objects.get()
    assert urge.message == (
        "Đầu việc “Xây dựng Cổng dịch vụ công” đã quá hạn 10 ngày làm việc (hạn 30/09/2019), "
        "đề nghị khẩn trương hoàn thành."
    )
    assert run_reminders(today=dt.date(2019, 10, 15)) == NOTHING  # 11 days: no new milestone
    assert run_reminders(today=dt.date(2019, 10, 25)) == NOTHING  # 19 days
    assert run_reminders(today=dt.date(2019, 10, 28))["overdue"] == 1  # 20 days
    assert run_reminders(today=dt.date(2019, 10, 28)) == NOTHING
    assert _urges() == [("1.1", "overdue", "overdue:2019-09-30:10"), ("1.1", "overdue", "overdue:2019-09-30:20")]
    assert TaskEvent.objects.filter(kind=TaskEvent.Kind.REMINDED).count() == 2


def test_first_working_day_late_is_milestone_one_and_days_off_do_not_count(plan_tasks):
    assert run_reminders(today=dt.date(2019, 10, 1))["overdue"] == 1
    assert _urges() == [("1.1", "overdue", "overdue:2019-09-30:1")]
    # 5/10 and 6/10/2019 are a weekend: still 4 working days late on Sunday
    assert run_reminders(today=dt.date(2019, 10, 6)) == NOTHING
    assert run_reminders(today=dt.date(2019, 10, 7))["overdue"] == 1
    assert _urges()[-1] == ("1.1", "overdue", "overdue:2019-09-30:5")


def test_one_notice_per_person_listing_all_their_tasks(plan_tasks, staff):
    # 24/12/2019: 1.1 is 61 working days late (milestone 60), 1.2 is due soon and has a responsible leader
    counts = run_reminders(today=dt.date(2019, 12, 24))
    assert counts == {"due_soon": 1, "overdue": 1, "people": 3, "notifications": 3}
    assert _urges() == [("1.1", "overdue", "overdue:2019-09-30:60"), ("1.2", "due_soon", "due:2019-12-31")]
    by_user = {n.user.username: n for n in Notification.objects.all()}
    assert sorted(by_user) == ["bvh.chuyenvien", "bvh.lanhdao", "bvh.vanthu"]
    specialist = by_user["bvh.chuyenvien"]
    assert specialist.title == "Nhắc việc: 1 đầu việc quá hạn, 1 đầu việc sắp đến hạn"
    assert specialist.url == "/plans/tasks/"
    assert specialist.body.splitlines()[3:] == [
        "- [Quá hạn 61 ngày làm việc] 1.1. Xây dựng Cổng dịch vụ công — hạn 30/09/2019",
        "- [Sắp đến hạn] 1.2. Số hóa dữ liệu — hạn 31/12/2019",
    ]
    # the leader answers for 1.2 only
    leader = by_user["bvh.lanhdao"]
    assert leader.title == "Nhắc việc: 0 đầu việc quá hạn, 1 đầu việc sắp đến hạn"
    assert leader.body.splitlines()[3:] == ["- [Sắp đến hạn] 1.2. Số hóa dữ liệu — hạn 31/12/2019"]
    digitise_urge = Urge.objects.get(task=plan_tasks["digitise"])
    assert [r["id"] for r in digitise_urge.recipients] == [
        staff["specialist"].pk,
        staff["clerk"].pk,
        staff["leader"].pk,
    ]


def test_finished_dropped_reported_done_and_inactive_plans_are_not_reminded(plan_tasks, tree):
    report(plan_tasks["portal"], tree["bvh_cntt"], percent=100, requests_completion=True, on=dt.date(2019, 9, 20))
    services.task_drop(actor=SYSTEM, task=plan_tasks["digitise"], reason="Không còn phù hợp")
    draft = make_plan(tree["bvh"], title="Kế hoạch dự thảo")
    make_task(draft, tree["bvh_cntt"], title="Việc của kế hoạch chưa ban hành")
    # 2026: everything above would be long overdue; only the recurring task (to 31/12/2025) is reminded,
    # 37 working days late on 2/3/2026 (New Year's Day and Tết are days off)
    counts = run_reminders(today=dt.date(2026, 3, 2))
    assert counts["overdue"] == 1
    assert _urges() == [("1.3", "overdue", "overdue:2025-12-31:20")]


def test_inactive_people_are_not_reminded(plan_tasks, staff):
    staff["clerk"].is_active = False
    staff["clerk"].save(update_fields=["is_active"])
    counts = run_reminders(today=dt.date(2019, 9, 23))
    assert counts == {"due_soon": 1, "overdue": 0, "people": 1, "notifications": 1}
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["bvh.chuyenvien"]


def test_the_task_function_takes_an_iso_date(plan_tasks):
    assert daily_reminders.call("2019-09-23") == {"due_soon": 1, "overdue": 0, "people": 2, "notifications": 2}
    assert daily_reminders.call("2019-09-23") == NOTHING


def test_a_run_that_sends_is_audited(plan_tasks):
    from egov.audit.models import AuditEvent

    run_reminders(today=dt.date(2019, 9, 23))
    run_reminders(today=dt.date(2019, 9, 24))
    event = AuditEvent.objects.get(action="plans.reminders.run")
    assert event.object_id == "2019-09-23"


# --- weekly digest ------------------------------------------------------------------------------------


@pytest.fixture
def members(plan_tasks, tree, staff):
    committee = plan_tasks["committee"]
    head = make_person("bvh.truongban", tree["bvh"], "leader")
    left = make_person("bvh.daroiban", tree["bvh"], "leader")
    values = {"role": "member", "position": "Vụ trưởng", "member_organisation": tree["bvh"]}
    services.member_add(
        actor=SYSTEM,
        committee=committee,
        values={**values, "user": head, "role": "head", "position": "Thứ trưởng"},
        joined_on=dt.date(2019, 1, 1),
    )
    services.member_add(
        actor=SYSTEM,
        committee=committee,
        values={**values, "full_name": "Nguyễn Văn Không Tài Khoản"},
        joined_on=dt.date(2019, 1, 1),
    )
    gone = services.member_add(
        actor=SYSTEM, committee=committee, values={**values, "user": left}, joined_on=dt.date(2019, 1, 1)
    )
    services.member_leave(actor=SYSTEM, member=gone, left_on=dt.date(2019, 6, 30))
    return {"head": head, "left": left}


def test_weekly_digest_once_per_committee_and_week(plan_tasks, members, tree):
    counts = run_weekly_digest(today=dt.date(2019, 10, 16))  # a Wednesday: the week of Monday 14/10
    assert counts == {"digests": 1, "notifications": 1}
    digest = ReminderDigest.objects.get()
    assert digest.week_start == dt.date(2019, 10, 14)
    assert digest.recipients == [{"id": members["head"].pk, "name": "Người dùng bvh.truongban"}]
    assert digest.summary == {
        "counts": {"overdue": 1, "not_started": 1, "recurring_behind": 1},
        "total": 3,
        "overdue_total": 1,
        "overdue": [
            {
                "task": plan_tasks["portal"].pk,
                "number": "1.1",
                "title": "Xây dựng Cổng dịch vụ công",
                "due_date": "2019-09-30",
                "lead_unit": "Trung tâm Công nghệ thông tin",
            }
        ],
    }
    notice = Notification.objects.get()
    assert notice.user == members["head"]
    assert notice.topic == "plans.digest"
    assert notice.title == f"Tổng hợp tuần 14/10/2019: {plan_tasks['committee'].name}"
    assert notice.body.splitlines() == [
        f"Tình hình thực hiện các kế hoạch do {plan_tasks['committee'].name} theo dõi, tuần bắt đầu ngày 14/10/2019:",
        "",
        "Tổng số đầu việc: 3",
        "- Chưa triển khai: 1",
        "- Quá hạn: 1",
        "- Thường xuyên — chậm báo cáo: 1",
        "",
        "Đầu việc quá hạn (1):",
        "- 1.1. Xây dựng Cổng dịch vụ công — Trung tâm Công nghệ thông tin — hạn 30/09/2019",
    ]
    # the rest of the week: nothing; the next Monday: the next digest
    assert run_weekly_digest(today=dt.date(2019, 10, 20)) == {"digests": 0, "notifications": 0}
    assert weekly_digest.call("2019-10-21") == {"digests": 1, "notifications": 1}
    assert list(ReminderDigest.objects.order_by("week_start").values_list("week_start", flat=True)) == [
        dt.date(2019, 10, 14),
        dt.date(2019, 10, 21),
    ]


def test_no_digest_for_committees_without_active_plans(tree):
    make_committee(tree["bvh"])
    assert run_weekly_digest(today=dt.date(2019, 10, 14)) == {"digests": 0, "notifications": 0}
    assert ReminderDigest.objects.count() == 0


# --- manual urge (đôn đốc) ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the worker closes connections left in a transaction
def test_manual_urge_notifies_the_units_people_by_app_and_mail(
    plan_tasks, staff, actor_for, django_capture_on_commit_callbacks
):
    from egov.accounts.tests.smtp import smtp_server
    from egov.notifications.tests.helpers import run_worker, smtp_settings

    with django_capture_on_commit_callbacks(execute=True):
        urge = services.task_urge(
            actor=actor_for(staff["leader"]), task=plan_tasks["portal"], message="Đề nghị báo cáo tiến độ trước 15/9."
        )
    assert urge.kind == UrgeKind.MANUAL
    notices = Notification.objects.order_by("user__username")
    assert [(n.user.username, n.topic, n.title) for n in notices] == [
        ("bvh.chuyenvien", "plans.urged", "Đôn đốc thực hiện: Xây dựng Cổng dịch vụ công"),
        ("bvh.vanthu", "plans.urged", "Đôn đốc thực hiện: Xây dựng Cổng dịch vụ công"),
    ]
    with smtp_server() as (port, messages), smtp_settings(port):
        run_worker()
    assert [(m["To"], m["Subject"].lstrip()) for m in messages] == [
        ("bvh.chuyenvien@example.test", "Đôn đốc thực hiện: Xây dựng Cổng dịch vụ công")
    ]
    # a manual urge is not a milestone: the scheduled reminder for the same task is still sent
    assert run_reminders(today=dt.date(2019, 9, 23))["due_soon"] == 1
