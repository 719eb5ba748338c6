#!/usr/bin/env python3
"""Plans benchmark: the national roll-up over ~1 M rows on PostgreSQL, a 500-task plan page, the reminder job.

    .venv/bin/python bench/plans_bench.py                       # full size: 63 provinces + 30 ministries
    .venv/bin/python bench/plans_bench.py --quick               # 6 + 3 organisations, a smoke run (not recorded)
    EGOV_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/plans_bench.py

Data (bench/README.md, "Plans"): a throw-away PostgreSQL database; 63 provinces and 30 ministries, each with an
issued plan of 500 tasks (lead units among 10 units of the organisation, deadlines spread over 2019–2025 in every
form), each task with 20 progress reports: 46,500 tasks and 930,000 reports. Rows are written with COPY, not
through the services: the services are what the tests check; here only the reads and the job are measured.

Measured in one process with Django's test client (no HTTP server: the targets are server-side latencies), each
page requested repeatedly after a warm-up, beside the trivial page `/healthz` measured in the same run:
  - national roll-up page (system administrator): p50/p95, target p95 < 300 ms;
  - plan dashboard of one 500-task plan: p50/p95;
  - plan page with 500 tasks: p50/p95 (target < 150 ms) and its number of queries;
  - the reminder job over all tasks: one run, target < 60 s.
Prints the figures and appends rows to bench/RESULTS.md (not with --quick). Loopback only; the database it
creates is dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from pgsupport import bench_database, copy_rows, drop_database, percentile

REPO = Path(__file__).resolve().parent.parent
RESULTS_MD = REPO / "bench" / "RESULTS.md"
DB_NAME = "egov_bench_plans"
TODAY = dt.date(2024, 6, 13)
DEADLINES = [
    "20/6/2024",
    "30/6/2019",
    "Tháng 9/2019",
    "Quý II/2020",
    "Năm 2020",
    "2019-2020",
    "Thường xuyên",
    "Tháng 12/2024",
    "Quý III/2024",
    "Năm 2025",
    "15/7/2024",
]


def _setup_django(pg_url: str) -> None:
    bench_database(pg_url, DB_NAME)


def _drop(pg_url: str) -> None:
    drop_database(pg_url, DB_NAME)


def _copy(table: str, columns: list[str], rows) -> int:
    return copy_rows(table, columns, rows)


def build_data(provinces: int, ministries: int, tasks_per_plan: int, reports_per_task: int) -> dict:
    from django.db import connection, transaction

    from egov.accounts.actor import Actor
    from egov.accounts.roles import Role
    from egov.accounts.services import person_create, role_assign
    from egov.calendar.workdays import WorkingCalendar
    from egov.core.text import fold
    from egov.organisations.models import Organisation
    from egov.plans.deadlines import parse_deadline, resolve
    from egov.plans.models import Plan, SteeringCommittee, Task
    from egov.plans.services.timing import recurring_report_due

    rng = random.Random(17)
    system = Actor.system("bench")
    started = time.perf_counter()
    with transaction.atomic():
        tops = []
        for i in range(provinces):
            fields = {
                "code": f"000.00.00.H{i + 1:02d}",
                "name": f"Ủy ban nhân dân tỉnh số {i + 1}",
                "level": "province",
            }
            tops.append(Organisation.objects.add_root(create_kwargs={**fields, "code_style": "dotted"}))
        for i in range(ministries):
            fields = {"code": f"000.00.00.G{i + 1:02d}", "name": f"Bộ số {i + 1}", "level": "ministry"}
            tops.append(Organisation.objects.add_root(create_kwargs={**fields, "code_style": "dotted"}))
        units = {}
        for top in tops:
            level = "department" if top.level == "province" else "unit"
            units[top.pk] = [
                Organisation.objects.add_child(
                    top,
                    create_kwargs={
                        "code": f"000.{j + 1:02d}.{top.code[7:]}",
                        "code_style": "dotted",
                        "name": f"Đơn vị {j + 1}",
                        "level": level,
                    },
                )
                for j in range(10)
            ]
        admin = person_create(
            actor=system,
            values={"username": "quantri", "full_name": "Quản trị", "kind": "staff", "email": ""},
            organisation=None,
            position="",
            password=None,
        )
        role_assign(actor=system, user=admin, role=Role.SYSTEM_ADMIN, organisation=None)
        calendar = WorkingCalendar()
        resolved = {
            text: resolve(parse_deadline(text, default_end_year=2025), calendar=calendar, due_soon_days=5)
            for text in DEADLINES
        }
        plans = []
        for top in tops:
            committee = SteeringCommittee.objects.create(
                organisation=top,
                name=f"Ban Chỉ đạo {top.name}",
                decision_number=f"{top.pk}/QĐ-UBND",
                decision_date=dt.date(2018, 10, 1),
                decision_issuer=top,
            )
            plans.append(
                Plan.objects.create(
                    organisation=top,
                    issuer=top,
                    committee=committee,
                    title=f"Kế hoạch thực hiện NQ 17 — {top.name}",
                    number=f"{top.pk}/KH-UBND",
                    issued_on=dt.date(2019, 3, 29),
                    period_start=2019,
                    period_end=2020,
                    orientation_year=2025,
                    status="issued",
                    source_number="17/NQ-CP",
                )
            )
        task_rows = []
        for plan in plans:
            for n in range(tasks_per_plan):
                text = DEADLINES[n % len(DEADLINES)]
                r = resolved[text]
                d = r.deadline
                lead = units[plan.organisation_id][n % 10]
                completed = None
                if n % 3 == 0:
                    completed = r.due_date - dt.timedelta(days=rng.randint(-20, 40))
                    completed = min(completed, TODAY)
                title = f"Nhiệm vụ {n + 1}: triển khai hệ thống thông tin số {rng.randint(1, 10**6)} của {plan.pk}"
                task = Task(
                    plan=plan,
                    kind="task",
                    number=str(n + 1),
                    position=n + 1,
                    sort_key=f"{n + 1:05d}",
                    title=title,
                    lead_unit=lead,
                    deadline_kind=d.kind,
                    deadline_date=d.date,
                    deadline_year=d.last_year,
                    deadline_part=d.part,
                    deadline_start_year=d.start_year,
                    deadline_text=d.text(),
                    window_start=r.window_start,
                    due_date=r.due_date,
                    due_soon_from=r.due_soon_from,
                    percent=100 if completed else rng.randint(0, 95),
                    last_report_on=TODAY - dt.timedelta(days=rng.randint(1, 200)),
                    completed_on=completed,
                    folded_text=fold(title),
                )
                task.report_due = recurring_report_due(task, plan)
                task_rows.append(task)
        Task.objects.bulk_create(task_rows, batch_size=5000)
        # One specialist per unit, with an e-mail address, so the reminder job has people to tell.
        from egov.accounts.models import Membership, RoleAssignment, User

        all_units = [u for group in units.values() for u in group]
        people = User.objects.bulk_create(
            [
                User(
                    username=f"cv{u.pk}", full_name=f"Chuyên viên {u.pk}", email=f"cv{u.pk}@bench.invalid", password="!"
                )
                for u in all_units
            ]
        )
        Membership.objects.bulk_create(
            [Membership(user=p, organisation=u, is_primary=True) for p, u in zip(people, all_units, strict=True)]
        )
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=p, role=Role.SPECIALIST, organisation=u)
                for p, u in zip(people, all_units, strict=True)
            ]
        )
        task_ids = list(Task.objects.values_list("pk", "lead_unit_id"))
        now = dt.datetime(2024, 6, 13, 9, 0, tzinfo=dt.UTC)

        def reports():
            for pk, unit in task_ids:
                for k in range(reports_per_task):
                    yield (
                        pk,
                        "lead",
                        unit,
                        5 * k,
                        None,
                        "Báo cáo tiến độ định kỳ.",
                        "",
                        "",
                        False,
                        dt.date(2019, 4, 1) + dt.timedelta(days=30 * k),
                        now,
                    )

        n_reports = _copy(
            "plans_progressreport",
            [
                "task_id",
                "kind",
                "unit_id",
                "percent",
                "previous_percent",
                "narrative",
                "products",
                "reason",
                "requests_completion",
                "reported_on",
                "submitted_at",
            ],
            reports(),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "organisations": len(tops),
        "plans": len(plans),
        "tasks": len(task_rows),
        "reports": n_reports,
        "seconds": time.perf_counter() - started,
        "plan_id": plans[0].pk,
    }


def _time_get(client, url: str, n: int, expect: str) -> list[float]:
    for _ in range(3):
        response = client.get(url)
        if response.status_code != 200 or expect not in response.content.decode():
            raise SystemExit(f"{url} answered {response.status_code} without “{expect}”")
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return times


def _p(times: list[float], q: float) -> float:
    return percentile(times, q)


def measure(plan_id: int, n: int) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from egov.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="quantri"), backend="django.contrib.auth.backends.ModelBackend")
    targets = [
        ("healthz (baseline)", "/healthz", "ok", None),
        ("national roll-up", reverse("plans:rollup") + f"?as_of={TODAY.isoformat()}", "Ban Chỉ đạo", 300),
        (
            "plan dashboard",
            reverse("plans:plan_dashboard", args=[plan_id]) + f"?as_of={TODAY.isoformat()}",
            "Quá hạn",
            300,
        ),
        ("plan page, 500 tasks", reverse("plans:plan_detail", args=[plan_id]), "Nhiệm vụ 500", 150),
    ]
    rows = []
    for name, url, expect, target in targets:
        times = _time_get(client, url, n, expect)
        row = {"target": name, "p50": statistics.median(times), "p95": _p(times, 0.95), "goal_ms": target}
        if name.startswith("plan page"):
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            row["queries"] = len(ctx.captured_queries)
        rows.append(row)
    base = rows[0]["p50"]
    for row in rows:
        row["ratio"] = row["p50"] / base
    return rows


def reminder_run() -> dict:
    from egov.plans.reminders import run_reminders

    started = time.perf_counter()
    counts = run_reminders(today=TODAY)
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    again = run_reminders(today=TODAY)
    return {
        "seconds": elapsed,
        "counts": counts,
        "second_run_seconds": time.perf_counter() - started,
        "second_run": again,
    }


def _machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip().split(" ")[0:2]
                cpu = " ".join(cpu)
                break
    return f"{cpu} ×{os.cpu_count()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6 provinces + 3 ministries, not recorded")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page (default 40)")
    parser.add_argument("--keep", action="store_true", help="keep the database egov_bench_plans afterwards")
    args = parser.parse_args()
    pg_url = os.environ.get("EGOV_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    provinces, ministries = (6, 3) if args.quick else (63, 30)
    _setup_django(pg_url)
    try:
        data = build_data(provinces, ministries, 500, 20)
        print(
            f"data: {data['organisations']} organisations, {data['plans']} plans, {data['tasks']:,} tasks, "
            f"{data['reports']:,} progress reports in {data['seconds']:.0f} s"
        )
        rows = measure(data["plan_id"], 10 if args.quick else args.requests)
        job = reminder_run()
    finally:
        if not args.keep:
            _drop(pg_url)
    print(f"{'target':28} {'p50 ms':>8} {'p95 ms':>8} {'×baseline':>10}  goal")
    for row in rows:
        goal = (
            f"p95 < {row['goal_ms']} ms: {'PASS' if row['p95'] < row['goal_ms'] else 'BELOW'}" if row["goal_ms"] else ""
        )
        extra = f" ({row['queries']} queries)" if "queries" in row else ""
        print(f"{row['target']:28} {row['p50']:8.1f} {row['p95']:8.1f} {row['ratio']:10.1f}  {goal}{extra}")
    print(
        f"reminder job over {data['tasks']:,} tasks: {job['seconds']:.1f} s "
        f"({'PASS' if job['seconds'] < 60 else 'BELOW'} < 60 s); counts {job['counts']}; "
        f"second run {job['second_run_seconds']:.1f} s, {job['second_run']}"
    )
    if not args.quick:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
        machine = f"{_machine()}; PostgreSQL; {platform.python_version()}; {commit}"
        lines = [
            f"| {stamp} | {machine} | {r['target']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['ratio']:.1f} |"
            for r in rows
        ]
        lines.append(f"| {stamp} | {machine} | reminder job, {data['tasks']:,} tasks | {job['seconds']:.1f} s | | |")
        _append_results(lines, data)
    return 0


PLANS_HEADER = """

## Plans benchmark (`bench/plans_bench.py`)

PostgreSQL, in-process (Django test client, no HTTP server): 93 organisations (63 provinces, 30 ministries), one
issued plan of 500 tasks each (46,500 tasks), 20 progress reports per task (930,000 rows). Latency of each page
over repeated requests after a warm-up, as p50 and p95 in milliseconds, and the p50 as a multiple of the trivial
page `/healthz` measured in the same run. Goals: roll-up p95 < 300 ms, plan page (500 tasks) p95 < 150 ms,
reminder job over all tasks < 60 s.

| date (UTC) | machine | target | p50 ms | p95 ms | p50 × baseline |
|---|---|---|---|---|---|
"""


def _append_results(lines: list[str], data: dict) -> None:
    text = RESULTS_MD.read_text(encoding="utf-8")
    if "## Plans benchmark" not in text:
        text = text.rstrip("\n") + PLANS_HEADER
    text = text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"
    RESULTS_MD.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
