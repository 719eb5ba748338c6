"""Importing a plan's tasks from .xlsx: tree, units, deadlines, all or nothing, export round trip, pages."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from egov.accounts.tests.factories import make_person
from egov.audit.models import AuditEvent
from egov.core.errors import InvalidTransition, PermissionDenied
from egov.organisations.tests.factories import make_org
from egov.plans.importing import MAX_ROWS, plan_import_tasks
from egov.plans.importing_export import plan_export_tasks
from egov.plans.models import Task
from egov.plans.tests.factories import SYSTEM, issue, make_plan, make_task

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Nhiệm vụ", "Sản phẩm", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"]
IMPORT_ACTION = "plans.plan.import_tasks"


def xlsx(rows, *, header=HEADER, before=()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in before:
        sheet.append(list(row))
    if header:
        sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def units(tree):
    tree["bvh_vp"] = make_org("000.00.01.G16", "Văn phòng Bộ", "unit", tree["bvh"], abbreviation="VP")
    tree["bvh_khtc"] = make_org(
        "000.00.03.G16", "Vụ Kế hoạch, Tài chính", "unit", tree["bvh"], abbreviation="KHTC", short_name="Vụ KHTC"
    )
    return tree


@pytest.fixture
def plan(units):
    return make_plan(units["bvh"])


def run(plan, data, **kwargs):
    return plan_import_tasks(actor=SYSTEM, plan=plan, data=data, filename="ke-hoach.xlsx", **kwargs)


def shape(plan) -> list[tuple]:
    """Everything an import sets on a task, in tree order, with the parent by its STT."""
    out = []
    for t in (
        plan.tasks.select_related("parent", "lead_unit").prefetch_related("cooperating_units").order_by("sort_key")
    ):
        out.append(
            (
                t.number,
                t.kind,
                t.title,
                t.product,
                t.parent.number if t.parent else None,
                t.lead_unit.code if t.lead_unit else None,
                sorted(u.code for u in t.cooperating_units.all()),
                t.deadline_text,
                t.due_date,
            )
        )
    return out


def errors(report) -> list[str]:
    return [str(e) for e in report.errors]


VALID_ROWS = [
    ["I", "Hoàn thiện hạ tầng kỹ thuật", None, None, None, None],
    [
        1,
        "Xây dựng Cổng dịch vụ công",
        "Cổng dịch vụ công vận hành",
        "TTCNTT",
        "Văn phòng Bộ, Vụ Kế hoạch, Tài chính",
        "Tháng 9/2019",
    ],
    [
        "1.1",
        "Kết nối với Cổng dịch vụ công quốc gia",
        None,
        "trung tam cong nghe thong tin",
        "Các đơn vị liên quan",
        "Quý IV/2019",
    ],
    [],
    [2, "Số hóa dữ liệu", None, "000.00.01.g16", None, dt.datetime(2019, 6, 30)],
    ["II.", "Bảo đảm an toàn thông tin", None, None, None, None],
    [1, "Triển khai giám sát an toàn thông tin", None, "Vụ KHTC", "TTCNTT;\nVăn phòng Bộ", "Thường xuyên"],
    ["1.a", "Diễn tập ứng cứu sự cố", None, "Văn phòng Bộ", None, "30/6/2020"],
]

EXPECTED = [
    ("I", "section", "Hoàn thiện hạ tầng kỹ thuật", "", None, None, [], "", None),
    (
        "1",
        "task",
        "Xây dựng Cổng dịch vụ công",
        "Cổng dịch vụ công vận hành",
        "I",
        "000.00.02.G16",
        ["000.00.01.G16", "000.00.03.G16"],
        "Tháng 9/2019",
        dt.date(2019, 9, 30),
    ),
    (
        "1.1",
        "task",
        "Kết nối với Cổng dịch vụ công quốc gia",
        "",
        "1",
        "000.00.02.G16",
        [],
        "Quý IV/2019",
        dt.date(2019, 12, 31),
    ),
    ("2", "task", "Số hóa dữ liệu", "", "I", "000.00.01.G16", [], "30/06/2019", dt.date(2019, 7, 1)),
    ("II", "section", "Bảo đảm an toàn thông tin", "", None, None, [], "", None),
    (
        "1",
        "task",
        "Triển khai giám sát an toàn thông tin",
        "",
        "II",
        "000.00.03.G16",
        ["000.00.01.G16", "000.00.02.G16"],
        "Thường xuyên, đến năm 2025",
        dt.date(2025, 12, 31),
    ),
    ("1.a", "task", "Diễn tập ứng cứu sự cố", "", "1", "000.00.01.G16", [], "30/06/2020", dt.date(2020, 6, 30)),
]


def test_valid_file_imports_exact_tree(plan):
    # A title and a blank line above the header, columns in another order, an extra column: all as in real plans.
    header = ["Stt", "Đơn vị\nchủ trì", "NHIEM VU", "Đơn vị phối hợp", "Ghi chú", "Sản phẩm", "Thời gian hoàn thành"]
    order = [0, 3, 1, 4, None, 2, 5]
    rows = [[row[i] if i is not None and row else ("ghi chú" if row else None) for i in order] for row in VALID_ROWS]
    data = xlsx(rows, header=header, before=[["KẾ HOẠCH THỰC HIỆN NGHỊ QUYẾT SỐ 17/NQ-CP"], []])
    report = run(plan, data)
    assert errors(report) == []
    assert (report.saved, report.tasks, report.sections) == (True, 5, 2)
    assert shape(plan) == EXPECTED
    # The 1 under II is not the 1 under I: each parent is the nearest row above with that STT.
    first, second = plan.tasks.filter(number="1").order_by("sort_key")
    assert (first.parent.number, second.parent.number) == ("I", "II")
    events = AuditEvent.objects.filter(action=IMPORT_ACTION)
    assert events.count() == 1
    after = events.get().after
    assert (after["tasks"], after["sections"], after["sha256"]) == (5, 2, hashlib.sha256(data).hexdigest())


def test_dry_run_checks_without_saving(plan):
    report = run(plan, xlsx(VALID_ROWS), dry_run=True)
    assert (report.ok, report.saved, report.tasks, report.sections) == (True, False, 5, 2)
    assert [(p.row, p.number, p.depth, p.due_date) for p in report.preview][:3] == [
        (2, "I", 0, None),
        (3, "1", 1, dt.date(2019, 9, 30)),
        (4, "1.1", 2, dt.date(2019, 12, 31)),
    ]
    assert Task.objects.count() == 0
    assert not AuditEvent.objects.filter(action=IMPORT_ACTION).exists()


def assert_nothing_saved(plan):
    assert plan.tasks.count() == 0
    assert not AuditEvent.objects.filter(action=IMPORT_ACTION).exists()


def test_unknown_unit_names_row_and_column_and_saves_nothing(plan):
    rows = [
        *VALID_ROWS[:4],
        [2, "Hợp tác quốc tế về Chính phủ điện tử", None, "Sở Ngoại vụ", "Phòng Không Có", "Năm 2019"],
    ]
    report = run(plan, xlsx(rows))
    assert errors(report) == [
        "Dòng 6, cột Đơn vị chủ trì: không tìm thấy đơn vị “Sở Ngoại vụ”",
        "Dòng 6, cột Đơn vị phối hợp: không tìm thấy đơn vị “Phòng Không Có”",
    ]
    assert report.saved is False
    assert_nothing_saved(plan)


def test_deadline_errors(plan):
    rows = [
        [1, "Việc không rõ hạn", None, "TTCNTT", None, "Sớm nhất có thể"],
        [2, "Việc quá giai đoạn", None, "TTCNTT", None, "Tháng 3/2027"],
        [3, "Việc thiếu hạn", None, "TTCNTT", None, None],
        [4, "Ngày không có", None, "TTCNTT", None, "31/2/2019"],
    ]
    report = run(plan, xlsx(rows))
    assert errors(report) == [
        "Dòng 2, cột Thời gian hoàn thành: Không đọc được thời gian hoàn thành “Sớm nhất có thể”. Viết theo một trong "
        "các dạng: 30/6/2019, Tháng 9/2019, Quý II/2019, Năm 2019, 2019–2020, Thường xuyên đến năm 2025.",
        "Dòng 3, cột Thời gian hoàn thành: Thời gian hoàn thành “Tháng 3/2027” nằm ngoài giai đoạn của kế hoạch "
        "(2019–2025).",
        "Dòng 4, cột Thời gian hoàn thành: Chưa nhập thời gian hoàn thành.",
        "Dòng 5, cột Thời gian hoàn thành: Ngày 31/2/2019 không có trên lịch.",
    ]
    assert_nothing_saved(plan)


def test_cooperating_unit_equal_to_lead(plan):
    report = run(plan, xlsx([[1, "Xây dựng Cổng", None, "TTCNTT", "Trung tâm Công nghệ thông tin", "Năm 2019"]]))
    assert errors(report) == [
        "Dòng 2, cột Đơn vị phối hợp: Đơn vị chủ trì (Trung tâm Công nghệ thông tin) không thể đồng thời là "
        "đơn vị phối hợp."
    ]
    assert_nothing_saved(plan)


def test_tree_and_unit_problems(plan, units):
    make_org("000.00.09.G16", "Văn phòng Đảng ủy", "unit", units["bvh"], abbreviation="VP")
    rows = [
        ["I", "Mục có đơn vị", None, "TTCNTT", None, "Năm 2019"],
        ["3.1", "Con không có cha", None, "TTCNTT", None, "Năm 2019"],
        [1, "Việc A", None, "VP", None, "Năm 2019"],
        [1, "Việc trùng STT", None, "TTCNTT; Văn phòng Bộ", None, "Năm 2019"],
        [2, "Việc không chủ trì", None, None, "Văn phòng Bộ", "Năm 2019"],
        [3, None, None, "Các đơn vị liên quan", None, "Năm 2019"],
    ]
    report = run(plan, xlsx(rows))
    assert errors(report) == [
        "Dòng 2, cột STT: “I” là số thứ tự của một mục (tiêu đề), mục không có đơn vị chủ trì, phối hợp hay thời hạn; "
        "đánh số 1, 2… cho đầu việc.",
        "Dòng 3, cột STT: không có dòng STT “3” đứng trước để làm mục cha của “3.1”.",
        "Dòng 4, cột Đơn vị chủ trì: “VP” ứng với nhiều đơn vị (Văn phòng Bộ (000.00.01.G16), Văn phòng Đảng ủy "
        "(000.00.09.G16)); ghi tên đầy đủ hoặc mã định danh.",
        "Dòng 5, cột STT: STT “1” trùng với dòng 4 trong cùng mục.",
        "Dòng 5, cột Đơn vị chủ trì: chỉ ghi một đơn vị chủ trì; các đơn vị khác ghi ở cột Đơn vị phối hợp.",
        "Dòng 6, cột Đơn vị chủ trì: chưa ghi đơn vị chủ trì.",
        "Dòng 7, cột Nhiệm vụ: Trường này là bắt buộc.",
        "Dòng 7, cột Đơn vị chủ trì: ghi đúng một đơn vị chủ trì (đang ghi “Các đơn vị liên quan”).",
    ]
    assert_nothing_saved(plan)


def test_units_outside_the_plan_organisation_are_found_among_visible_ones(plan, units):
    report = run(plan, xlsx([[1, "Phối hợp với tỉnh", None, "TTCNTT", "Sở TT&TT Nam Định", "Năm 2019"]]))
    assert errors(report) == []
    assert [u.pk for u in plan.tasks.get().cooperating_units.all()] == [units["nd_stttt"].pk]


def test_units_visible_to_the_actor_only(plan, units, actor_for):
    secretary = make_person("bvh.secretary", units["bvh"], "plan_secretary")
    report = plan_import_tasks(
        actor=actor_for(secretary),
        plan=plan,
        data=xlsx([[1, "Phối hợp với tỉnh", None, "TTCNTT", "Sở TT&TT Nam Định", "Năm 2019"]]),
    )
    assert errors(report) == ["Dòng 2, cột Đơn vị phối hợp: không tìm thấy đơn vị “Sở TT&TT Nam Định”"]
    assert_nothing_saved(plan)


def test_only_into_a_draft_plan(plan, units):
    make_task(plan, units["bvh_cntt"])
    issue(plan)
    with pytest.raises(InvalidTransition) as exc:
        run(plan, xlsx(VALID_ROWS))
    assert exc.value.message == (
        "Chỉ nhập đầu việc vào kế hoạch đang dự thảo; kế hoạch này đang ở trạng thái “Đã ban hành”."
    )
    assert plan.tasks.count() == 1


def test_only_by_the_plan_organisation_secretary(plan, units, actor_for):
    other = make_person("qt.secretary", units["qt"], "plan_secretary")
    with pytest.raises(PermissionDenied):
        plan_import_tasks(actor=actor_for(other), plan=plan, data=xlsx(VALID_ROWS))
    assert_nothing_saved(plan)


def _zip_junk() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return out.getvalue()


NOT_XLSX = "Tệp không phải bảng tính Excel (.xlsx). Hãy lưu tệp theo định dạng “Excel Workbook (.xlsx)”."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Tệp rỗng."),
        (b"STT;Nhiem vu\n1;x\n", NOT_XLSX),
        (b"\xd0\xcf\x11\xe0old excel", NOT_XLSX),
        (_zip_junk(), NOT_XLSX),
        (
            xlsx([], header=None),
            "Không tìm thấy dòng tiêu đề trong 10 dòng đầu của trang tính “Sheet” (trang tính trống?).",
        ),
        (
            xlsx([[1, "Việc", "TTCNTT"]], header=["STT", "Nhiệm vụ", "Đơn vị chủ trì"]),
            "Thiếu cột bắt buộc: Thời gian hoàn thành. Các cột cần có: STT, Nhiệm vụ, Sản phẩm, Đơn vị chủ trì, "
            "Đơn vị phối hợp, Thời gian hoàn thành.",
        ),
        (
            xlsx([[1, "Việc"]], header=["Mã", "Tên"]),
            "Không tìm thấy dòng tiêu đề trong 10 dòng đầu của trang tính “Sheet” (trang tính trống?).",
        ),
        (xlsx([]), "Trang tính “Sheet” không có dòng đầu việc nào."),
        (
            xlsx([[i, f"Việc {i}", None, "TTCNTT", None, "Năm 2019"] for i in range(1, MAX_ROWS + 2)]),
            "Tệp có hơn 2000 dòng đầu việc; hãy chia thành nhiều tệp.",
        ),
    ],
    ids=["empty", "csv", "xls", "zip", "blank-sheet", "missing-column", "no-header", "no-rows", "too-many-rows"],
)
def test_bad_files(plan, data, message):
    report = run(plan, data)
    assert errors(report) == [message]
    assert_nothing_saved(plan)


def test_header_found_within_ten_rows_only(plan):
    data = xlsx([[1, "Việc", None, "TTCNTT", None, "Năm 2019"]], before=[["Tiêu đề"]] * 10)
    assert errors(run(plan, data)) == [
        "Không tìm thấy dòng tiêu đề trong 10 dòng đầu của trang tính “Sheet” (trang tính trống?)."
    ]
    data = xlsx([[1, "Việc", None, "TTCNTT", None, "Năm 2019"]], before=[["Tiêu đề"]] * 9)
    assert errors(run(plan, data)) == []
    assert plan.tasks.count() == 1


def test_round_trip_export_then_import(plan, units):
    assert run(plan, xlsx(VALID_ROWS)).saved
    # Tasks added in the form get their numbers from the tree (I.1 under a section numbered I).
    make_task(
        plan,
        units["bvh_khtc"],
        title="=Việc thêm bằng biểu mẫu",
        deadline="Năm 2020",
        parent=plan.tasks.get(number="II"),
    )
    data = plan_export_tasks(actor=SYSTEM, plan=plan)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[3]] == HEADER
    assert [c.value for c in sheet[5]] == [
        "1",
        "Xây dựng Cổng dịch vụ công",
        "Cổng dịch vụ công vận hành",
        "Trung tâm Công nghệ thông tin",
        "Văn phòng Bộ; Vụ Kế hoạch, Tài chính",
        "Tháng 9/2019",
    ]
    other = make_plan(units["bvh"], title="Kế hoạch bản sao")
    report = run(other, data)
    assert errors(report) == []
    assert shape(other) == shape(plan)
    assert shape(other)[-1][:3] == ("II.2", "task", "=Việc thêm bằng biểu mẫu")


# --- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def who(units):
    return {
        "secretary": make_person("bvh.secretary", units["bvh"], "plan_secretary"),
        "specialist": make_person("bvh.specialist", units["bvh_cntt"], "specialist", role_org=units["bvh"]),
        "other": make_person("qt.secretary", units["qt"], "plan_secretary"),
        "applicant": make_person("citizen", None, "applicant", kind="applicant"),
    }


def upload(data: bytes, name: str = "ke-hoach.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_import_page_matrix(client, login, plan, who):
    url = reverse("plans:plan_import", args=[plan.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response["Location"]
    response = client.post(url, {"file": upload(xlsx(VALID_ROWS)), "action": "import"})
    assert response.status_code == 302
    expected = {"other": 404, "applicant": 404, "specialist": 403, "secretary": 200}
    for key, status in expected.items():
        client.logout()
        login(who[key])
        assert client.get(url).status_code == status, key
        if key != "secretary":
            response = client.post(url, {"file": upload(xlsx(VALID_ROWS)), "action": "import"})
            assert response.status_code == status, key
    assert_nothing_saved(plan)


def test_import_page_check_then_import(client, login, plan, who):
    login(who["secretary"])
    url = reverse("plans:plan_import", args=[plan.pk])
    response = client.post(url, {"file": upload(xlsx(VALID_ROWS)), "action": "check"})
    assert response.status_code == 200
    assert "Tệp hợp lệ: 5 đầu việc, 2 mục." in response.content.decode()
    assert plan.tasks.count() == 0
    response = client.post(url, {"file": upload(xlsx(VALID_ROWS)), "action": "import"})
    assert response.status_code == 302
    assert plan.tasks.count() == 7


def test_import_page_shows_line_report(client, login, plan, who):
    login(who["secretary"])
    url = reverse("plans:plan_import", args=[plan.pk])
    rows = [[1, "Hợp tác quốc tế", None, "Sở Ngoại vụ", None, "Năm 2019"]]
    response = client.post(url, {"file": upload(xlsx(rows)), "action": "import"})
    assert response.status_code == 400
    assert "Dòng 2, cột Đơn vị chủ trì: không tìm thấy đơn vị “Sở Ngoại vụ”" in response.content.decode()
    response = client.post(url, {"action": "import"})
    assert response.status_code == 400
    assert plan.tasks.count() == 0


def test_import_page_on_issued_plan(client, login, plan, units, who):
    make_task(plan, units["bvh_cntt"])
    issue(plan)
    login(who["secretary"])
    url = reverse("plans:plan_import", args=[plan.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "chỉ nhập đầu việc vào kế hoạch đang dự thảo" in response.content.decode()
    response = client.post(url, {"file": upload(xlsx(VALID_ROWS)), "action": "import"})
    assert response.status_code == 409
    assert plan.tasks.count() == 1


def test_template_download_matrix(client, login, plan, who):
    url = reverse("plans:plan_import_template")
    assert client.get(url).status_code == 302
    for key, status in {"applicant": 403, "specialist": 403, "other": 200, "secretary": 200}.items():
        client.logout()
        login(who[key])
        response = client.get(url)
        assert response.status_code == status, key
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADER
    # The template's example imports as it is.
    report = run(plan, response.content)
    assert errors(report) == []
    assert (report.tasks, report.sections) == (1, 1)


def test_export_matrix(client, login, plan, who):
    assert run(plan, xlsx(VALID_ROWS)).saved
    url = reverse("plans:plan_tasks_xlsx", args=[plan.pk])
    assert client.get(url).status_code == 302
    for key, status in {"applicant": 404, "other": 404, "specialist": 200, "secretary": 200}.items():
        client.logout()
        login(who[key])
        response = client.get(url)
        assert response.status_code == status, key
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 3 + 7
