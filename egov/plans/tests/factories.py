"""Committees, plans and tasks for tests, built through the real services (validation and audit apply)."""

from __future__ import annotations

import datetime as dt

from egov.accounts.actor import Actor
from egov.plans import services
from egov.plans.models import Plan, PlanStatus, SteeringCommittee, Task

SYSTEM = Actor.system("tests")


def make_committee(organisation, *, number: str = "660/QĐ-UBDT", date: dt.date = dt.date(2018, 11, 2), **extra):
    values = {
        "name": f"Ban Chỉ đạo Chính phủ điện tử {organisation.name}",
        "organisation": organisation,
        "decision_number": number,
        "decision_date": date,
        "decision_issuer": organisation,
        **extra,
    }
    return services.committee_create(actor=SYSTEM, values=values)


def make_plan(
    organisation,
    *,
    committee: SteeringCommittee | None = None,
    title: str = "Kế hoạch thực hiện Nghị quyết số 17/NQ-CP",
    period: tuple[int, int] = (2019, 2020),
    orientation_year: int | None = 2025,
    **extra,
) -> Plan:
    values = {
        "organisation": organisation,
        "issuer": organisation,
        "committee": committee,
        "title": title,
        "source_title": "Nghị quyết về một số nhiệm vụ, giải pháp trọng tâm phát triển Chính phủ điện tử",
        "source_number": "17/NQ-CP",
        "source_date": dt.date(2019, 3, 7),
        "period_start": period[0],
        "period_end": period[1],
        "orientation_year": orientation_year,
        **extra,
    }
    return services.plan_create(actor=SYSTEM, values=values)


def make_task(plan: Plan, lead_unit, *, title: str = "Xây dựng Cổng dịch vụ công", deadline="Tháng 9/2019", **extra):
    values = {"title": title, "lead_unit": lead_unit, "deadline": deadline, **extra}
    return services.task_create(actor=SYSTEM, plan=plan, values=values)


def make_section(plan: Plan, title: str = "Hoàn thiện hạ tầng kỹ thuật", **extra) -> Task:
    return services.task_create(actor=SYSTEM, plan=plan, values={"kind": "section", "title": title, **extra})


def issue(plan: Plan, *, number: str = "1035/QĐ-BVHTTDL", date: dt.date = dt.date(2019, 3, 29)) -> Plan:
    return services.plan_transition(
        actor=SYSTEM, plan=plan, to=PlanStatus.ISSUED, decision_number=number, decision_date=date
    )


def report(task: Task, unit, *, percent: int | None = 50, on: dt.date | None = None, **extra):
    values = {"percent": percent, "narrative": "Đã triển khai theo kế hoạch.", "reported_on": on, **extra}
    return services.progress_report_submit(actor=SYSTEM, task=task, unit=unit, values=values)


def issued_plan(tree) -> tuple[Plan, dict[str, Task]]:
    """Bộ VHTTDL's plan, issued 29/3/2019: a section with three tasks led by Trung tâm CNTT (bvh_cntt)."""
    plan = make_plan(tree["bvh"])
    section = make_section(plan)
    tasks = {
        "portal": make_task(plan, tree["bvh_cntt"], parent=section),
        "digitise": make_task(
            plan,
            tree["bvh_cntt"],
            title="Số hóa dữ liệu và cung cấp danh mục dữ liệu",
            deadline="Năm 2019",
            parent=section,
        ),
        "recurring": make_task(
            plan,
            tree["bvh_cntt"],
            title="Bảo đảm an toàn thông tin",
            deadline="Thường xuyên",
            parent=section,
        ),
    }
    issue(plan)
    tasks = {key: Task.objects.get(pk=t.pk) for key, t in tasks.items()}
    return Plan.objects.get(pk=plan.pk), tasks
