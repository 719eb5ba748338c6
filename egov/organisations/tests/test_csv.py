import pytest

from egov.audit.models import AuditEvent
from egov.organisations.csvio import export_organisations, import_organisations
from egov.organisations.models import Organisation
from egov.organisations.tests.factories import SYSTEM

pytestmark = pytest.mark.django_db

HEADER = "code,name,short_name,abbreviation,level,parent_code,address,phone,fax,email,website,active_from,active_to\n"
GOOD = HEADER + (
    "000.00.00.H22,Ủy ban nhân dân tỉnh Hà Giang,UBND tỉnh Hà Giang,UBND,province,,Hà Giang,,,,,,\n"
    "000.00.13.H22,Sở Tài chính tỉnh Hà Giang,Sở Tài chính Hà Giang,STC,department,000.00.00.H22,,,,,,01/07/2008,\n"
    "000.01.13.H22,Văn phòng Sở,,VP,unit,000.00.13.H22,,,,,,,\n"
)


def _state():
    return sorted(Organisation.objects.values_list("code", "path", "name")), AuditEvent.objects.count()


def test_import_creates_parents_before_children_whatever_the_order(db):
    lines = GOOD.splitlines(keepends=True)
    reordered = lines[0] + lines[3] + lines[2] + lines[1]
    report = import_organisations(actor=SYSTEM, data=reordered.encode("utf-8"))
    assert report.as_dict() == {"ok": True, "created": 3, "updated": 0, "unchanged": 0, "errors": []}
    office = Organisation.objects.get(code="000.01.13.H22")
    assert [a.code for a in Organisation.objects.get_ancestors(office)] == ["000.00.00.H22", "000.00.13.H22"]
    import datetime as dt

    assert Organisation.objects.get(code="000.00.13.H22").active_from == dt.date(2008, 7, 1)


def test_import_twice_changes_nothing_the_second_time(db):
    import_organisations(actor=SYSTEM, data=GOOD.encode("utf-8"))
    before = _state()
    report = import_organisations(actor=SYSTEM, data=GOOD.encode("utf-8"))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert _state() == before


def test_import_updates_and_moves_existing_units(tree):
    data = HEADER + "000.02.12.H40,Phòng Công nghệ thông tin,,CNTT,unit,000.00.01.H40,,0228 1,,,,,\n"
    report = import_organisations(actor=SYSTEM, data=data.encode("utf-8"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    moved = Organisation.objects.get(code="000.02.12.H40")
    assert moved.parent_node().code == "000.00.01.H40"
    assert moved.phone == "0228 1"


def test_file_without_parent_column_leaves_units_in_place(tree):
    data = "code,name,level\n000.02.12.H40,Phòng CNTT,unit\n"
    report = import_organisations(actor=SYSTEM, data=data.encode("utf-8"))
    assert report.ok and report.updated == 1
    assert Organisation.objects.get(code="000.02.12.H40").parent_node().code == "000.00.12.H40"


def test_bad_rows_are_reported_by_line_and_field_and_nothing_is_saved(tree):
    data = HEADER + (
        "000.00.00.H22,Ủy ban nhân dân tỉnh Hà Giang,,UBND,province,,,,,,,,\n"  # line 2: good
        "BAD CODE,Sở lỗi,,,department,000.00.00.H22,,,,,,,\n"  # line 3: code
        "000.00.13.H22,,,,department,000.00.00.H22,,,,,,,\n"  # line 4: name
        "000.00.14.H22,Sở Xây dựng,,,department,000.00.99.H22,,,,,,,\n"  # line 5: unknown parent
        "000.00.15.H22,Sở Y tế,,,department,000.00.00.H22,,,,khong-phai-email,,,\n"  # line 6: email
        "000.00.16.H22,Sở Nội vụ,,,department,000.00.00.H22,,,,,,2026-13-01,\n"  # line 7: date
        "000.00.17.H22,Sở Công Thương,,,department,000.00.00.H22,,,,,,,\n"  # line 8: good
        "000.00.12.H40,Trùng mã Nam Định,,,galaxy,000.00.00.H40,,,,,,,\n"  # line 9: level
    )
    before = _state()
    report = import_organisations(actor=SYSTEM, data=data.encode("utf-8"))
    assert not report.ok
    assert [(e.line, e.field) for e in report.errors] == [
        (3, "code"),
        (4, "name"),
        (5, "parent_code"),
        (6, "email"),
        (7, "active_from"),
        (9, "level"),
    ]
    assert report.errors[2].message == "Không tìm thấy đơn vị cấp trên có mã 000.00.99.H22."
    assert _state() == before


def test_cycle_inside_the_file_is_reported(db):
    data = HEADER + (
        "000.00.00.H22,UBND tỉnh Hà Giang,,,province,,,,,,,,\n"
        "000.01.13.H22,Phòng A,,,unit,000.02.13.H22,,,,,,,\n"
        "000.02.13.H22,Phòng B,,,unit,000.01.13.H22,,,,,,,\n"
    )
    report = import_organisations(actor=SYSTEM, data=data.encode("utf-8"))
    assert [(e.line, e.field) for e in report.errors] == [(3, "parent_code")]
    assert report.errors[0].message == "Vòng lặp cấp trên: 000.01.13.H22 → 000.02.13.H22 → 000.01.13.H22."
    assert Organisation.objects.count() == 0


def test_moving_an_existing_unit_under_its_descendant_is_refused(tree):
    data = HEADER + "000.00.12.H40,Sở TT&TT Nam Định,,,unit,000.01.12.H40,,,,,,,\n"
    report = import_organisations(actor=SYSTEM, data=data.encode("utf-8"))
    assert [(e.line, e.field) for e in report.errors] == [(2, "parent_code")]


@pytest.mark.parametrize(
    ("data", "line", "field", "message"),
    [
        (b"", 1, None, "Tệp trống."),
        (b"code,name\n000.00.00.H22,X\n", 1, "level", "Thiếu cột bắt buộc: level."),
        (b"code,name,level,colour\n", 1, "colour", "Cột không được hỗ trợ: colour."),
        (b"code,name,level\n000.00.00.H22,X\n", 2, None, "Dòng có 2 cột, tiêu đề có 3 cột."),
        ("code,name,level\n000.00.00.H22,Hà Giang,province\n".encode("utf-16"), 0, None, None),
        (
            HEADER.encode() + b"000.00.00.H22,A,,,province,,,,,,,,\n000.00.00.h22,B,,,province,,,,,,,,\n",
            3,
            "code",
            "Mã 000.00.00.H22 đã xuất hiện ở dòng 2.",
        ),
    ],
)
def test_malformed_files(db, data, line, field, message):
    report = import_organisations(actor=SYSTEM, data=data)
    assert not report.ok
    first = report.errors[0]
    assert (first.line, first.field) == (line, field)
    if message is not None:
        assert first.message == message
    assert Organisation.objects.count() == 0


def test_dry_run_counts_without_saving(db):
    report = import_organisations(actor=SYSTEM, data=GOOD.encode("utf-8"), dry_run=True)
    assert (report.ok, report.created) == (True, 3)
    assert Organisation.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_import_respects_the_actors_scope(tree, people, actor_for):
    data = HEADER + (
        "000.03.12.H40,Phòng Bưu chính,,,unit,000.00.12.H40,,,,,,,\n"
        "000.01.12.H50,Văn phòng Sở,,,unit,000.00.12.H50,,,,,,,\n"
    )
    report = import_organisations(actor=actor_for(people["nd_admin"]), data=data.encode("utf-8"))
    assert [(e.line, e.field) for e in report.errors] == [(3, None)]
    assert not Organisation.objects.filter(code="000.03.12.H40").exists()


def test_export_round_trips(tree):
    exported = export_organisations(actor=SYSTEM)
    lines = exported.splitlines()
    assert lines[0] == HEADER.strip()
    assert lines[1] == "000.00.00.H40,Ủy ban nhân dân tỉnh Nam Định,,UBND,province,,,,,,,,"
    assert '000.00.00.G16,"Bộ Văn hóa, Thể thao và Du lịch",,VHTTDL,ministry,,,,,,,,' in lines
    assert len(lines) == 1 + Organisation.objects.count()
    before = _state()
    report = import_organisations(actor=SYSTEM, data=exported.encode("utf-8"))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 10)
    assert _state() == before


def test_export_shows_only_what_the_actor_may_see(tree, people, actor_for):
    lines = export_organisations(actor=actor_for(people["qt_clerk"])).splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["000.00.00.H50", "000.00.12.H50"]
