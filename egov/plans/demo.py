"""Demo steering committees, plans and tasks from the seed articles (docs/demo-data.md, section "Plans").

Everything goes through the services as `Actor.system("egov demo")`; the detailed plans' tasks are read from
CSV files in the import layout and loaded with the spreadsheet importer, so the demo also proves the import.
Loading is idempotent and keeps edits: an organisation that already has a committee, or a plan implementing
17/NQ-CP, is left exactly as it is. Bộ VHTTDL's review meeting of 13/06/2019 (seed 003), chaired by Thứ trưởng
Lê Khánh Hải, is recorded through the meetings service with the agenda as it stood that day.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from egov.accounts.actor import Actor
from egov.accounts.models import User
from egov.accounts.roles import Role
from egov.core.demo import DemoAccount
from egov.organisations.csvio import import_organisations
from egov.organisations.models import Level, Organisation
from egov.plans import services
from egov.plans.importing import plan_import_tasks
from egov.plans.models import Plan, PlanStatus, ReviewDecision, SteeringCommittee, Task

DATA = Path(__file__).resolve().parent / "data"
NATIONAL_CSV = DATA / "national-organisations.csv"
ROLLUP_CSV = DATA / "rollup-2019.csv"
SOURCE = {
    "source_title": "Nghị quyết về một số nhiệm vụ, giải pháp trọng tâm phát triển Chính phủ điện tử giai đoạn "
    "2019–2020, định hướng đến 2025",
    "source_number": "17/NQ-CP",
    "source_date": dt.date(2019, 3, 7),
}

ACCOUNTS = (
    DemoAccount(
        "thuky.vhttdl",
        "Phạm Thu Trang",
        "000.00.01.G16",
        "Chuyên viên Văn phòng Bộ, Thư ký Ban Chỉ đạo",
        Role.PLAN_SECRETARY,
        role_org_code="000.00.00.G16",
    ),
    DemoAccount(
        "thuky.quangtri",
        "Hồ Minh Tâm",
        "000.00.01.H50",
        "Chuyên viên Văn phòng UBND tỉnh, Thư ký Ban Chỉ đạo",
        Role.PLAN_SECRETARY,
        role_org_code="000.00.00.H50",
    ),
    DemoAccount(
        "thuky.namdinh",
        "Trần Văn Hùng",
        "000.00.12.H40",
        "Chuyên viên Sở TT&TT, Thư ký Ban Chỉ đạo",
        Role.PLAN_SECRETARY,
        role_org_code="000.00.00.H40",
    ),
)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _org(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def _add_organisations(actor: Actor) -> int:
    """The ministries and provinces of 2019 that the core demo does not have (codes illustrative)."""
    text = NATIONAL_CSV.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    existing = set(Organisation.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", flat=True))
    missing = [r for r in rows if r["code"] not in existing]
    if not missing:
        return 0
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\n")
    writer.writeheader()
    writer.writerows(missing)
    report = import_organisations(actor=actor, data=out.getvalue().encode("utf-8"))
    if not report.ok:
        raise RuntimeError(f"plans demo organisations failed to load: {report.as_dict()['errors']}")
    return report.created


def _add_accounts(actor: Actor) -> int:
    from egov.core.demo import add_accounts

    return add_accounts(actor, ACCOUNTS)


def _committee_name(org: Organisation) -> str:
    if org.level == Level.PROVINCE:
        return "Ban Chỉ đạo xây dựng Chính quyền điện tử " + org.name.removeprefix("Ủy ban nhân dân ")
    return f"Ban Chỉ đạo xây dựng Chính phủ điện tử {org.name}"


def _committee(actor: Actor, org: Organisation, spec: dict) -> SteeringCommittee | None:
    """Create the committee with its members, unless the organisation already has one."""
    if SteeringCommittee.objects.filter(organisation=org).exists():
        return None
    decision_date = _date(spec["decision_date"])
    committee = services.committee_create(
        actor=actor,
        values={
            "name": spec.get("name") or _committee_name(org),
            "organisation": org,
            "decision_number": spec["decision_number"],
            "decision_date": decision_date,
            "decision_issuer": org,
            "decision_signer": spec.get("signer", ""),
            "duties": spec.get("duties", ""),
        },
    )
    for member in spec.get("members", []):
        user = User.objects.filter(username=member["username"]).first() if member.get("username") else None
        services.member_add(
            actor=actor,
            committee=committee,
            values={
                "user": user,
                "full_name": member["full_name"],
                "role": member["role"],
                "position": member["position"],
                "member_organisation": _org(member["org"]),
                "part_time": member.get("part_time", True),
                "responsibilities": member.get("responsibilities", ""),
            },
            joined_on=decision_date,
        )
    return committee


def _has_plan(org: Organisation) -> bool:
    return Plan.objects.filter(organisation=org, source_number=SOURCE["source_number"]).exists()


def _new_plan(actor: Actor, org: Organisation, spec: dict) -> Plan:
    period = spec.get("period", [2019, 2020])
    return services.plan_create(
        actor=actor,
        values={
            "organisation": org,
            "issuer": org,
            "committee": SteeringCommittee.objects.filter(organisation=org).order_by("pk").first(),
            "title": spec["title"],
            "signer": spec.get("signer", ""),
            "period_start": period[0],
            "period_end": period[1],
            "orientation_year": spec.get("orientation_year", 2025),
            **SOURCE,
        },
    )


def csv_to_xlsx(path: Path) -> bytes:
    """A CSV in the import layout as the .xlsx a secretary would upload."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _detailed_plan(actor: Actor, spec: dict) -> tuple[int, int]:
    """A plan whose tasks come from a data file through the importer, then issued, then its 2019 progress."""
    org = _org(spec["org"])
    if _has_plan(org):
        return 0, 0
    plan = _new_plan(actor, org, spec)
    path = DATA / spec["tasks"]
    report = plan_import_tasks(actor=actor, plan=plan, data=csv_to_xlsx(path), filename=path.name)
    if not report.saved:
        raise RuntimeError(f"plans demo: {path.name} did not import: {[str(e) for e in report.errors]}")
    services.plan_transition(
        actor=actor,
        plan=plan,
        to=PlanStatus.ISSUED,
        decision_number=spec["number"],
        decision_date=_date(spec["issued_on"]),
    )
    for item in spec.get("progress", []):
        task = Task.objects.get(plan=plan, title=item["task"])
        for entry in item["reports"]:
            services.progress_report_submit(
                actor=actor,
                task=task,
                unit=task.lead_unit,
                values={
                    "percent": entry["percent"],
                    "narrative": entry["narrative"],
                    "products": entry.get("products", ""),
                    "requests_completion": entry.get("complete", False),
                    "reported_on": _date(entry["on"]),
                },
            )
        if item.get("confirm"):
            # Confirmed as done on the day the lead unit reported it done (the review's default).
            services.completion_review(
                actor=actor, task=task, decision=ReviewDecision.CONFIRMED, comment="Xác nhận hoàn thành."
            )
    return 1, report.tasks


def _rollup(actor: Actor) -> tuple[int, int, int]:
    """Every other ministry and province as of 23/7/2019: a committee, and for some an issued plan."""
    committees = plans = tasks = 0
    with ROLLUP_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        org = _org(row["code"])
        if row["committee_number"]:
            spec = {"decision_number": row["committee_number"], "decision_date": row["committee_date"]}
            if _committee(actor, org, spec) is not None:
                committees += 1
        if row["plan_number"] and not _has_plan(org):
            kind = "Kế hoạch" if org.level == Level.PROVINCE else "Kế hoạch hành động"
            plan = _new_plan(
                actor,
                org,
                {
                    "title": f"{kind} thực hiện Nghị quyết số 17/NQ-CP ngày 07/3/2019 của Chính phủ về một số "
                    "nhiệm vụ, giải pháp trọng tâm phát triển Chính phủ điện tử giai đoạn 2019–2020, định hướng "
                    "đến 2025",
                },
            )
            services.task_create(
                actor=actor,
                plan=plan,
                values={
                    "title": "Tổ chức triển khai các nhiệm vụ, giải pháp được giao tại Nghị quyết số 17/NQ-CP",
                    "lead_unit": org,
                    "deadline": "Thường xuyên",
                },
            )
            services.plan_transition(
                actor=actor,
                plan=plan,
                to=PlanStatus.ISSUED,
                decision_number=row["plan_number"],
                decision_date=_date(row["plan_date"]),
            )
            plans += 1
            tasks += 1
    return committees, plans, tasks


REVIEW_DAY = dt.date(2019, 6, 13)


def _review_meeting(actor: Actor) -> int:
    """Seed 003: the 13/06/2019 review of the plan; the unfinished tasks are to be reviewed again."""
    from egov.plans.services.meetings import meeting_conclude, meeting_create

    plan = Plan.objects.filter(organisation__code="000.00.00.G16", source_number="17/NQ-CP").first()
    if plan is None or plan.committee is None or plan.committee.meetings.exists():
        return 0
    meeting = meeting_create(
        actor=actor,
        committee=plan.committee,
        today=REVIEW_DAY,
        values={
            "title": "Rà soát triển khai Kế hoạch thực hiện Nghị quyết số 17/NQ-CP",
            "held_at": dt.datetime(2019, 6, 13, 8, 30),
            "location": "Bộ Văn hóa, Thể thao và Du lịch, 51 Ngô Quyền, Hà Nội",
            "chair_name": "Thứ trưởng Lê Khánh Hải",
            "participants": "Trung tâm Công nghệ thông tin; Văn phòng Bộ; Vụ Kế hoạch, Tài chính; "
            "Vụ Tổ chức cán bộ; Cục Hợp tác quốc tế",
            "plan": plan,
        },
    )
    meeting_conclude(
        actor=actor,
        meeting=meeting,
        conclusions=[
            {
                "kind": "general",
                "text": "Đánh giá cao Trung tâm Công nghệ thông tin, Văn phòng Bộ và các đơn vị liên quan: Cổng dịch "
                "vụ công tập trung đã hoàn thành, vận hành thông suốt trước mục tiêu tháng 9/2019.",
            },
            {
                "kind": "general",
                "text": "Các đơn vị tiếp tục rà soát các đầu việc chưa hoàn thành để có kế hoạch, lộ trình triển "
                "khai cụ thể, bảo đảm đúng tiến độ đã đề ra.",
            },
        ],
    )
    return 1


def load_plans_demo(*, actor: Actor | None = None) -> dict[str, int]:
    """Add what is missing; call inside the demo's transaction (egov.core.demo.load_demo)."""
    actor = actor or Actor.system("egov demo")
    counts = {
        "plan_organisations": _add_organisations(actor),
        "plan_accounts": _add_accounts(actor),
        "committees": 0,
        "plans": 0,
        "tasks": 0,
    }
    for spec in json.loads((DATA / "demo-committees.json").read_text(encoding="utf-8")):
        counts["committees"] += _committee(actor, _org(spec["org"]), spec) is not None
    for spec in json.loads((DATA / "demo-plans.json").read_text(encoding="utf-8")):
        plans, tasks = _detailed_plan(actor, spec)
        counts["plans"] += plans
        counts["tasks"] += tasks
    counts["meetings"] = _review_meeting(actor)
    committees, plans, tasks = _rollup(actor)
    counts["committees"] += committees
    counts["plans"] += plans
    counts["tasks"] += tasks
    return counts
