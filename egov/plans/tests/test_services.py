"""Plan, task and progress services: the rules, the bad inputs, and that nothing is half-saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.accounts.tests.factories import ActorFactory, make_person
from egov.audit.models import AuditEvent
from egov.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from egov.plans import services
from egov.plans.models import (
    CommitteeRole,
    DeadlineChange,
    MembershipChange,
    PlanStatus,
    ProgressEvidence,
    ProgressReport,
    Task,
    TaskEvent,
    Urge,
)
from egov.plans.selectors import plan_tasks
from egov.plans.status import TaskStatus
from egov.plans.tests.factories import SYSTEM, issue, issued_plan, make_committee, make_plan, make_section, make_task

pytestmark = pytest.mark.django_db


def actor(user):
    return ActorFactory.for_user(user)


def errors_of(exc) -> dict:
    return {k: [str(m) for m in v] for k, v in exc.value.errors.items()}


# --- plans ---------------------------------------------------------------------------------------


def test_plan_period_rules(tree):
    with pytest.raises(ValidationFailed) as exc:
        make_plan(tree["bvh"], period=(2020, 2019), orientation_year=2018)
    assert errors_of(exc) == {
        "period_end": ["Năm kết thúc phải từ năm 2020 trở đi."],
        "orientation_year": ["Năm định hướng phải từ năm kết thúc giai đoạn (2019) trở đi."],
    }


def test_plan_lifecycle(tree):
    plan = make_plan(tree["bvh"])
    with pytest.raises(ValidationFailed) as exc:
        issue(plan)
    assert errors_of(exc) == {"__all__": ["Kế hoạch chưa có đầu việc nào, chưa ban hành được."]}
    make_task(plan, tree["bvh_cntt"])
    with pytest.raises(InvalidTransition):
        services.plan_transition(actor=SYSTEM, plan=plan, to=PlanStatus.CLOSED)
    issue(plan)
    plan.refresh_from_db()
    assert (plan.status, plan.number, plan.issued_on) == ("issued", "1035/QĐ-BVHTTDL", dt.date(2019, 3, 29))
    with pytest.raises(ValidationFailed) as exc:
        services.plan_transition(actor=SYSTEM, plan=plan, to=PlanStatus.AMENDED, decision_date=dt.date(2019, 8, 1))
    assert set(errors_of(exc)) == {"decision_number", "reason"}
    services.plan_transition(
        actor=SYSTEM,
        plan=plan,
        to=PlanStatus.AMENDED,
        decision_number="2100/QĐ-BVHTTDL",
        decision_date=dt.date(2019, 8, 1),
        reason="Bổ sung nhiệm vụ theo Nghị quyết",
    )
    services.plan_transition(actor=SYSTEM, plan=plan, to=PlanStatus.CLOSED)
    assert list(plan.transitions.values_list("from_status", "to_status")) == [
        ("draft", "issued"),
        ("issued", "amended"),
        ("amended", "closed"),
    ]
    with pytest.raises(InvalidTransition):
        make_task(plan, tree["bvh_cntt"])


def test_narrowing_the_period_must_keep_every_deadline(tree):
    plan = make_plan(tree["bvh"])
    make_task(plan, tree["bvh_cntt"], deadline="Thường xuyên đến năm 2025", number="7")
    with pytest.raises(ValidationFailed) as exc:
        services.plan_update(actor=SYSTEM, plan=plan, values={"orientation_year": 2024})
    assert errors_of(exc) == {"period_end": ["1 đầu việc có thời hạn ngoài giai đoạn mới (STT: 7)."]}
    assert plan.__class__.objects.get(pk=plan.pk).orientation_year == 2025


def test_changing_due_soon_days_retimes_tasks(tree):
    plan = make_plan(tree["bvh"])
    task = make_task(plan, tree["bvh_cntt"], deadline="Tháng 9/2019")
    assert task.due_soon_from == dt.date(2019, 9, 23)
    services.plan_update(actor=SYSTEM, plan=plan, values={"due_soon_days": 10})
    task.refresh_from_db()
    assert task.due_soon_from == dt.date(2019, 9, 16)


def test_only_the_secretary_manages(tree, people):
    specialist = make_person("spec", tree["bvh_cntt"], "specialist")
    with pytest.raises(PermissionDenied):
        services.plan_create(
            actor=actor(specialist),
            values={
                "organisation": tree["bvh"],
                "issuer": tree["bvh"],
                "title": "X",
                "period_start": 2019,
                "period_end": 2020,
            },
        )
    secretary = make_person("sec", tree["bvh"], "plan_secretary")
    plan = services.plan_create(
        actor=actor(secretary),
        values={
            "organisation": tree["bvh"],
            "issuer": tree["bvh"],
            "title": "Kế hoạch",
            "period_start": 2019,
            "period_end": 2020,
        },
    )
    assert AuditEvent.objects.filter(action="plans.plan.create", object_id=str(plan.pk)).count() == 1
    other = make_person("qt.sec", tree["qt"], "plan_secretary")
    with pytest.raises(PermissionDenied):
        services.task_create(
            actor=actor(other), plan=plan, values={"title": "X", "lead_unit": tree["bvh_cntt"], "deadline": "2019"}
        )
    assert plan.tasks.count() == 0


# --- tasks ---------------------------------------------------------------------------------------


def test_task_bad_inputs_name_their_field(tree):
    plan = make_plan(tree["bvh"])
    count = Task.objects.count()
    cases = [
        ({"title": "A", "deadline": "2019"}, {"lead_unit": ["Chọn đúng một đơn vị chủ trì."]}),
        (
            {"title": "A", "lead_unit": tree["bvh_cntt"], "cooperating_units": [tree["bvh_cntt"]], "deadline": "2019"},
            {
                "cooperating_units": [
                    "Đơn vị chủ trì (Trung tâm Công nghệ thông tin) không thể đồng thời là đơn vị phối hợp."
                ]
            },
        ),
        (
            {"title": "A", "lead_unit": tree["bvh_cntt"], "deadline": "Tháng 12/2018"},
            {"deadline": ["Thời gian hoàn thành “Tháng 12/2018” nằm ngoài giai đoạn của kế hoạch (2019–2025)."]},
        ),
        ({"title": "", "lead_unit": tree["bvh_cntt"], "deadline": "2019"}, {"title": ["Trường này là bắt buộc."]}),
    ]
    for values, expected in cases:
        with pytest.raises(ValidationFailed) as exc:
            services.task_create(actor=SYSTEM, plan=plan, values=values)
        assert errors_of(exc) == expected
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(
            actor=SYSTEM, plan=plan, values={"title": "A", "lead_unit": tree["bvh_cntt"], "deadline": "khi nào xong"}
        )
    assert list(errors_of(exc)) == ["deadline"]
    assert Task.objects.count() == count


def test_tree_numbering_and_loops(tree):
    plan = make_plan(tree["bvh"])
    section = make_section(plan, number="I")
    a = make_task(plan, tree["bvh_cntt"], parent=section)
    b = make_task(plan, tree["bvh_cntt"], title="Con của A", parent=a)
    assert (section.number, a.number, b.number) == ("I", "I.1", "I.1.1")
    assert [t.pk for t in plan_tasks(plan=plan)] == [section.pk, a.pk, b.pk]
    for parent in (a, b):
        with pytest.raises(ValidationFailed) as exc:
            services.task_update(actor=SYSTEM, task=a, values={"parent": parent})
        assert list(errors_of(exc)) == ["parent"]
    a.refresh_from_db()
    assert a.parent_id == section.pk
    # Moving the whole branch to the top keeps the order of the tree.
    services.task_update(actor=SYSTEM, task=a, values={"parent": None})
    assert [t.pk for t in plan_tasks(plan=plan)] == [section.pk, a.pk, b.pk]
    assert Task.objects.get(pk=b.pk).sort_key == Task.objects.get(pk=a.pk).sort_key + "00001"


def test_deadline_change_after_issue_needs_a_reason_and_is_kept(tree):
    _plan, tasks = issued_plan(tree)
    task = tasks["portal"]
    with pytest.raises(ValidationFailed) as exc:
        services.task_update(actor=SYSTEM, task=task, values={"deadline": "Tháng 12/2019"})
    assert list(errors_of(exc)) == ["deadline"]
    with pytest.raises(ValidationFailed) as exc:
        services.task_change_deadline(actor=SYSTEM, task=task, deadline="Tháng 12/2019", reason="")
    assert list(errors_of(exc)) == ["reason"]
    services.task_change_deadline(actor=SYSTEM, task=task, deadline="Tháng 12/2019", reason="Chờ hạ tầng")
    task.refresh_from_db()
    assert (task.deadline_text, task.due_date) == ("Tháng 12/2019", dt.date(2019, 12, 31))
    change = DeadlineChange.objects.get(task=task)
    assert (change.old_text, change.old_due_date, change.new_text, change.reason) == (
        "Tháng 9/2019",
        dt.date(2019, 9, 30),
        "Tháng 12/2019",
        "Chờ hạ tầng",
    )


# --- progress ------------------------------------------------------------------------------------


def test_progress_rules(tree):
    _plan, tasks = issued_plan(tree)
    task = tasks["portal"]
    spec = actor(make_person("spec", tree["bvh_cntt"], "specialist"))
    unit = tree["bvh_cntt"]

    def submit(**values):
        base = {"narrative": "Đang triển khai", "reported_on": dt.date(2019, 4, 10)}
        return services.progress_report_submit(actor=spec, task=task, unit=unit, values=base | values)

    with pytest.raises(ValidationFailed) as exc:
        submit(percent=120)
    assert errors_of(exc) == {"percent": ["Tiến độ phải từ 0 đến 100% (đã nhập 120%)."]}
    submit(percent=60)
    with pytest.raises(ValidationFailed) as exc:
        submit(percent=40)
    assert errors_of(exc) == {"reason": ["Tiến độ giảm từ 60% xuống 40%: cần ghi lý do."]}
    submit(percent=40, reason="Đánh giá lại khối lượng")
    with pytest.raises(ValidationFailed) as exc:
        submit(percent=90, requests_completion=True)
    assert errors_of(exc) == {"percent": ["Đề nghị xác nhận hoàn thành khi tiến độ là 100%."]}
    task.refresh_from_db()
    assert (task.percent, task.last_report_on) == (40, dt.date(2019, 4, 10))
    assert ProgressReport.objects.filter(task=task).count() == 2


def test_report_by_a_unit_not_assigned(tree):
    _plan, tasks = issued_plan(tree)
    vp = make_person("vp", tree["bvh"], "specialist")
    with pytest.raises(PermissionDenied) as exc:
        services.progress_report_submit(
            actor=actor(vp), task=tasks["portal"], unit=tree["bvh"], values={"percent": 10, "narrative": "x"}
        )
    assert exc.value.field == "unit"
    other = actor(make_person("qt", tree["qt_stttt"], "specialist"))
    with pytest.raises(PermissionDenied):
        services.progress_report_submit(
            actor=other, task=tasks["portal"], unit=tree["bvh_cntt"], values={"percent": 10, "narrative": "x"}
        )
    assert ProgressReport.objects.count() == 0


def test_cooperating_unit_contributes_without_percent(tree):
    plan = make_plan(tree["bvh"])
    task = make_task(plan, tree["bvh_cntt"], cooperating_units=[tree["bvh"]])
    issue(plan)
    vp = actor(make_person("vp", tree["bvh"], "specialist"))
    report = services.progress_report_submit(
        actor=vp, task=task, unit=tree["bvh"], values={"percent": 80, "narrative": "Đã cung cấp dữ liệu"}
    )
    task.refresh_from_db()
    assert (report.kind, report.percent, task.percent) == ("contribution", None, 0)
    assert TaskEvent.objects.filter(task=task, kind="contributed").count() == 1


def test_completion_confirmed_or_returned(tree):
    plan, tasks = issued_plan(tree)
    task = tasks["portal"]
    spec = actor(make_person("spec", tree["bvh_cntt"], "specialist"))
    leader = actor(make_person("hai", tree["bvh"], "deputy_leader"))
    pdf = SimpleUploadedFile("Biên bản nghiệm thu.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    services.progress_report_submit(
        actor=spec,
        task=task,
        unit=tree["bvh_cntt"],
        values={
            "percent": 100,
            "narrative": "Cổng đã vận hành",
            "requests_completion": True,
            "reported_on": dt.date(2019, 6, 10),
        },
        files=[pdf],
    )
    evidence = ProgressEvidence.objects.get()
    assert (evidence.original_name, evidence.size, evidence.content_type) == (
        "Biên bản nghiệm thu.pdf",
        13,
        "application/pdf",
    )
    with pytest.raises(PermissionDenied):
        services.completion_review(actor=spec, task=task, decision="confirmed")
    with pytest.raises(ValidationFailed) as exc:
        services.completion_review(actor=leader, task=task, decision="returned")
    assert list(errors_of(exc)) == ["comment"]
    services.completion_review(actor=leader, task=task, decision="returned", comment="Bổ sung biên bản")
    task.refresh_from_db()
    assert (task.completion_requested, task.completed_on) == (False, None)
    with pytest.raises(InvalidTransition):
        services.completion_review(actor=leader, task=task, decision="confirmed")
    services.progress_report_submit(
        actor=spec,
        task=task,
        unit=tree["bvh_cntt"],
        values={
            "percent": 100,
            "narrative": "Đã bổ sung",
            "requests_completion": True,
            "reported_on": dt.date(2019, 6, 12),
        },
    )
    services.completion_review(actor=leader, task=task, decision="confirmed")
    statuses = {t.pk: t.status for t in plan_tasks(plan=plan, today=dt.date(2019, 6, 13))}
    assert statuses[task.pk] == TaskStatus.COMPLETED_EARLY
    task.refresh_from_db()
    assert (task.completed_on, task.percent) == (dt.date(2019, 6, 12), 100)


def test_bad_evidence_is_refused_and_nothing_saved(tree):
    _plan, tasks = issued_plan(tree)
    spec = actor(make_person("spec", tree["bvh_cntt"], "specialist"))
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationFailed) as exc:
        services.progress_report_submit(
            actor=spec,
            task=tasks["portal"],
            unit=tree["bvh_cntt"],
            values={"percent": 10, "narrative": "x"},
            files=[exe],
        )
    assert list(errors_of(exc)) == ["evidence"]
    assert ProgressReport.objects.count() == 0


def test_reports_only_on_issued_plans(tree):
    plan = make_plan(tree["bvh"])
    task = make_task(plan, tree["bvh_cntt"])
    with pytest.raises(InvalidTransition):
        services.progress_report_submit(
            actor=SYSTEM, task=task, unit=tree["bvh_cntt"], values={"percent": 10, "narrative": "x"}
        )


def test_recurring_task_tracks_its_reports(tree):
    plan, tasks = issued_plan(tree)
    task = tasks["recurring"]
    # Issued 29/3/2019 with a 92-day cycle: the first report is due by 29/6/2019.
    assert task.report_due == dt.date(2019, 6, 29)
    status = {t.pk: t.status for t in plan_tasks(plan=plan, today=dt.date(2019, 7, 1))}
    assert status[task.pk] == TaskStatus.RECURRING_BEHIND
    services.progress_report_submit(
        actor=SYSTEM,
        task=task,
        unit=tree["bvh_cntt"],
        values={"percent": 30, "narrative": "Rà soát an toàn thông tin quý II", "reported_on": dt.date(2019, 7, 1)},
    )
    status = {t.pk: t.status for t in plan_tasks(plan=plan, today=dt.date(2019, 7, 1))}
    assert status[task.pk] == TaskStatus.RECURRING_ON_TRACK


def test_urge_is_recorded(tree):
    _plan, tasks = issued_plan(tree)
    spec = make_person("spec", tree["bvh_cntt"], "specialist")
    leader = actor(make_person("hai", tree["bvh"], "deputy_leader"))
    with pytest.raises(PermissionDenied):
        services.task_urge(actor=actor(spec), task=tasks["digitise"], message="Khẩn trương")
    with pytest.raises(ValidationFailed):
        services.task_urge(actor=leader, task=tasks["digitise"], message="  ")
    urge = services.task_urge(actor=leader, task=tasks["digitise"], message="Đề nghị hoàn thành trong tháng 6")
    assert (urge.kind, urge.to_unit_id, urge.by.username, urge.message) == (
        "manual",
        tree["bvh_cntt"].pk,
        "hai",
        "Đề nghị hoàn thành trong tháng 6",
    )
    assert urge.recipients == [{"id": spec.pk, "name": spec.full_name}]
    assert Urge.objects.count() == 1


# --- committees ----------------------------------------------------------------------------------


def test_committee_members_and_history(tree):
    committee = make_committee(tree["qt"], number="2508/QĐ-UBND", date=dt.date(2018, 10, 30))
    with pytest.raises(ValidationFailed) as exc:
        make_committee(tree["qt"], number="2508/QĐ-UBND")
    assert list(errors_of(exc)) == ["decision_number"]
    head = services.member_add(
        actor=SYSTEM,
        committee=committee,
        joined_on=dt.date(2018, 10, 30),
        values={
            "full_name": "Nguyễn Đức Chính",
            "role": CommitteeRole.HEAD,
            "position": "Chủ tịch UBND tỉnh",
            "member_organisation": tree["qt"],
        },
    )
    with pytest.raises(ValidationFailed) as exc:
        services.member_add(
            actor=SYSTEM,
            committee=committee,
            joined_on=dt.date(2018, 10, 30),
            values={
                "full_name": "Người khác",
                "role": CommitteeRole.HEAD,
                "position": "Phó Chủ tịch",
                "member_organisation": tree["qt"],
            },
        )
    assert errors_of(exc) == {"role": ["Ban Chỉ đạo đã có Trưởng ban: Nguyễn Đức Chính."]}
    services.member_update(
        actor=SYSTEM,
        member=head,
        values={"responsibilities": "Chỉ đạo chung"},
        followed_units=[tree["qt_stttt"]],
        effective_on=dt.date(2019, 1, 2),
        decision_number="15/QĐ-BCĐ",
    )
    services.member_leave(actor=SYSTEM, member=head, left_on=dt.date(2021, 6, 1), decision_number="99/QĐ-UBND")
    assert list(MembershipChange.objects.filter(member=head).order_by("pk").values_list("kind", "decision_number")) == [
        ("joined", "2508/QĐ-UBND"),
        ("changed", "15/QĐ-BCĐ"),
        ("left", "99/QĐ-UBND"),
    ]
    change = MembershipChange.objects.get(kind="changed")
    assert (change.before["followed_units"], change.after["followed_units"]) == ([], [tree["qt_stttt"].pk])
    with pytest.raises(ValidationFailed):
        services.member_leave(actor=SYSTEM, member=head, left_on=dt.date(2021, 6, 2))
