"""Shared pieces of the meeting tests: the committee and plans they review, and state snapshots."""

from __future__ import annotations

import datetime as dt
import subprocess

from egov.accounts.tests.factories import make_person
from egov.plans import services
from egov.plans.models import AgendaItem, DeadlineChange, MeetingConclusion, ReviewMeeting, Task
from egov.plans.tests.factories import SYSTEM, issue, make_committee, make_plan, make_section, make_task, report

TODAY = dt.date(2019, 9, 24)
HELD = dt.datetime(2019, 9, 25, 14, 0)


def build_setup(tree) -> dict:
    """Nam Định's committee and its issued plan (tasks in every state), a draft plan, Quảng Trị's plan."""
    committee = make_committee(tree["nd"], number="2508/QĐ-UBND")
    plan = make_plan(tree["nd"], committee=committee, title="Kế hoạch Chính phủ điện tử tỉnh Nam Định")
    section = make_section(plan)
    t = {}
    t["rest"] = make_task(plan, tree["nd_stttt"], title="Số hóa hồ sơ lưu trữ", deadline="Năm 2019", parent=section)
    t["overdue_late"] = make_task(plan, tree["nd_hh"], title="Kết nối mạng diện rộng", deadline="Tháng 8/2019")
    t["soon"] = make_task(plan, tree["nd_stttt"], title="Triển khai Cổng dịch vụ công", deadline="30/9/2019")
    t["overdue_early"] = make_task(plan, tree["nd_vp"], title="Ban hành quy chế", deadline="30/6/2019")
    t["recurring"] = make_task(plan, tree["nd_stttt"], title="Bảo đảm an toàn thông tin", deadline="Thường xuyên")
    t["done"] = make_task(plan, tree["nd_stttt"], title="Lập danh mục dữ liệu", deadline="Tháng 7/2019")
    t["dropped"] = make_task(plan, tree["nd_hh"], title="Thuê máy chủ", deadline="Tháng 7/2019")
    issue(plan, number="1035/QĐ-UBND")
    report(Task.objects.get(pk=t["done"].pk), tree["nd_stttt"], percent=100, on=dt.date(2019, 7, 15),
           requests_completion=True)  # fmt: skip
    services.completion_review(actor=SYSTEM, task=Task.objects.get(pk=t["done"].pk), decision="confirmed")
    services.task_drop(actor=SYSTEM, task=Task.objects.get(pk=t["dropped"].pk), reason="Không còn cần thiết")
    report(Task.objects.get(pk=t["soon"].pk), tree["nd_stttt"], percent=60, on=dt.date(2019, 9, 10))
    draft = make_plan(tree["nd"], committee=committee, title="Kế hoạch dự thảo")
    make_task(draft, tree["nd_stttt"], title="Đầu việc của kế hoạch dự thảo")
    other = make_plan(tree["qt"], title="Kế hoạch của Quảng Trị")
    other_task = make_task(other, tree["qt_stttt"], title="Đầu việc của Quảng Trị")
    issue(other, number="12/QĐ-UBND")
    secretary = make_person("nd.secretary", tree["nd_vp"], "plan_secretary", role_org=tree["nd"])
    return {
        "committee": committee,
        "plan": plan,
        "draft": draft,
        "tasks": {k: Task.objects.get(pk=v.pk) for k, v in t.items()},
        "other_task": Task.objects.get(pk=other_task.pk),
        "secretary": secretary,
    }


VALUES = {
    "title": "Họp rà soát quý III/2019",
    "held_at": HELD,
    "location": "Phòng họp tầng 3, UBND tỉnh",
    "chair_name": "Trần Văn Hùng, Phó Chủ tịch UBND tỉnh",
    "participants": "Thành viên Ban Chỉ đạo; đại diện các sở, ngành",
}


def fresh(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


def task_state():
    return list(
        Task.objects.order_by("pk").values_list(
            "pk", "deadline_text", "due_date", "completed_on", "dropped_on", "percent", "completion_requested"
        )
    )


def meeting_state():
    return (
        list(ReviewMeeting.objects.order_by("pk").values_list("pk", "title", "status", "minutes", "concluded_at")),
        list(AgendaItem.objects.order_by("pk").values_list("pk", "task_id")),
        list(MeetingConclusion.objects.order_by("pk").values_list("pk", "kind", "task_id")),
        list(DeadlineChange.objects.order_by("pk").values_list("pk", "new_text")),
        task_state(),
    )


def pdf_text(data: bytes, *, region: tuple[int, int, int, int] | None = None) -> str:
    """The text of the PDF's first page(s), whitespace collapsed; `region` crops (x, y, width, height) in points."""
    crop = []
    if region is not None:
        x, y, w, h = region
        crop = ["-f", "1", "-l", "1", "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h)]
    result = subprocess.run(["pdftotext", *crop, "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())
