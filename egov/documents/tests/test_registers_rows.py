"""Register rows on screen: the Appendix IV columns filled from the documents, filters, order, visibility.

The builders here (documents as the registers hold them) are reused by the other register, file and
archive tests.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from egov.accounts.tests.factories import make_person
from egov.core.errors import ValidationFailed
from egov.documents.models import (
    AccessGrant,
    Assignment,
    DeliveryState,
    Direction,
    Document,
    IncomingState,
    OutgoingState,
    Recipient,
    RecipientKind,
)
from egov.documents.rules.notation import format_number
from egov.documents.rules.types import type_by_code
from egov.documents.selectors.registers import (
    INCOMING,
    INCOMING_COLUMNS,
    OUTGOING,
    OUTGOING_COLUMNS,
    RegisterFilter,
    parse_filter,
    register_page,
    register_rows,
    register_summary,
)

pytestmark = pytest.mark.django_db

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
YEAR_2024 = RegisterFilter.year(2024)


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=VN)


def make_outgoing(
    org,
    *,
    number: int,
    issued_on: dt.date,
    subject: str,
    type_code: str = "quyet_dinh",
    series: str = "ordinary",
    state: str = OutgoingState.ISSUED,
    drafting_unit=None,
    created_by=None,
    signer_name: str = "Trần Văn Bình",
    signer_position: str = "Giám đốc",
    signer_prefix: str = "",
    copies: int | None = None,
    urgency: str = "normal",
    secrecy: str = "none",
    description: str = "",
    recipients=(),
    recalled_at: dt.datetime | None = None,
) -> Document:
    """An outgoing document as issuing leaves it: numbered, dated, with its recipients' delivery state."""
    rule = type_by_code(type_code, issued_on)
    symbol = f"{rule.abbreviation}-{org.abbreviation}" if rule.abbreviation else f"{org.abbreviation}-VP"
    document = Document.objects.create(
        direction=Direction.OUTGOING,
        organisation=org,
        state=state,
        issuer=org,
        issuer_code=org.code,
        issuer_name=org.name,
        type_code=type_code,
        type_name=rule.name,
        series=series,
        year=issued_on.year,
        number=number,
        number_text=format_number(number),
        symbol=symbol,
        issued_on=issued_on,
        subject=subject,
        drafting_unit=drafting_unit,
        created_by=created_by,
        signer_name=signer_name,
        signer_position=signer_position,
        signer_prefix=signer_prefix,
        copies=copies,
        urgency=urgency,
        secrecy=secrecy,
        description=description,
        recalled_at=recalled_at,
    )
    for position, (name, kind, state_, changed) in enumerate(recipients):
        Recipient.objects.create(
            document=document,
            kind=kind,
            organisation_name=name,
            organisation_code=f"X{position}",
            position=position,
            delivery_state=state_,
            state_changed_at=changed,
        )
    return document


def make_incoming(
    org,
    *,
    arrival_number: int,
    received_at: dt.datetime,
    subject: str,
    number_symbol: str = "12/UBND-VP",
    issuer_name: str = "Ủy ban nhân dân tỉnh Nam Định",
    issued_on: dt.date | None = None,
    type_code: str = "cong_van",
    registered_at: dt.datetime | None = None,
    state: str = IncomingState.REGISTERED,
    urgency: str = "normal",
    secrecy: str = "none",
    description: str = "",
    handling_due_on: dt.date | None = None,
    created_by=None,
) -> Document:
    registered_at = registered_at or received_at
    rule = type_by_code(type_code, issued_on or received_at.date())
    number_text, symbol = number_symbol.split("/", 1)
    return Document.objects.create(
        direction=Direction.INCOMING,
        organisation=org,
        state=state,
        channel="paper",
        type_code=type_code,
        type_name=rule.name,
        number_text=number_text,
        symbol=symbol,
        issued_on=issued_on or received_at.date(),
        issuer_name=issuer_name,
        subject=subject,
        arrival_year=registered_at.year,
        arrival_number=arrival_number,
        received_at=received_at,
        registered_at=registered_at,
        urgency=urgency,
        secrecy=secrecy,
        description=description,
        handling_due_on=handling_due_on,
        created_by=created_by,
    )


def assign(document, *, role: str, when: dt.datetime, unit=None, person=None, parent=None) -> Assignment:
    assignment = Assignment.objects.create(document=document, role=role, unit=unit, person=person, parent=parent)
    Assignment.objects.filter(pk=assignment.pk).update(assigned_at=when)
    return assignment


@pytest.fixture
def registers(tree, people):
    """A year of Sở TT&TT Nam Định's registers: outgoing in two series, incoming with assignments."""
    org = tree["nd_stttt"]
    cntt, vp = tree["nd_stttt_cntt"], tree["nd_stttt_vp"]
    specialist = people["nd_specialist"]
    out = {
        "qd3": make_outgoing(
            org,
            number=3,
            issued_on=dt.date(2024, 3, 15),
            subject="Phê duyệt Kế hoạch chuyển đổi số năm 2024",
            drafting_unit=cntt,
            created_by=specialist,
            signer_prefix="KT.",
            signer_position="Phó Giám đốc",
            signer_name="Lê Thị Hoa",
            copies=5,
            urgency="urgent",
            recipients=[
                (
                    "Ủy ban nhân dân tỉnh Nam Định",
                    RecipientKind.INTERNAL,
                    DeliveryState.RECEIVED,
                    at(dt.date(2024, 3, 15), 10),
                ),
                (
                    "Bộ Thông tin và Truyền thông",
                    RecipientKind.EXTERNAL,
                    DeliveryState.AWAITING_EXCHANGE,
                    at(dt.date(2024, 3, 16), 8),
                ),
            ],
        ),
        "cv1": make_outgoing(
            org,
            number=1,
            issued_on=dt.date(2024, 1, 5),
            type_code="cong_van",
            subject="V/v báo cáo tình hình ứng dụng công nghệ thông tin",
            drafting_unit=vp,
            signer_name="Trần Văn Bình",
            recipients=[("Ủy ban nhân dân huyện Hải Hậu", RecipientKind.INTERNAL, DeliveryState.PENDING, None)],
        ),
        "tb2": make_outgoing(
            org,
            number=2,
            issued_on=dt.date(2024, 2, 1),
            type_code="thong_bao",
            subject="Lịch tiếp công dân tháng 02 năm 2024",
            state=OutgoingState.RECALLED,
            recalled_at=at(dt.date(2024, 2, 3), 14),
            description="Ban hành nhầm",
        ),
        "secret1": make_outgoing(
            org,
            number=1,
            series="secret",
            issued_on=dt.date(2024, 1, 10),
            subject="Phương án bảo đảm an toàn hệ thống",
            secrecy="secret",
        ),
        "qd_2023": make_outgoing(org, number=40, issued_on=dt.date(2023, 12, 29), subject="Năm trước"),
        "draft": make_outgoing(org, number=900, issued_on=dt.date(2024, 4, 1), subject="Chưa ban hành", state="signed"),
        "other_org": make_outgoing(tree["qt_stttt"], number=1, issued_on=dt.date(2024, 1, 2), subject="Quảng Trị"),
    }
    inc = {
        "in2": make_incoming(
            org,
            arrival_number=2,
            received_at=at(dt.date(2024, 1, 9), 15),
            registered_at=at(dt.date(2024, 1, 10), 8),
            subject="Triển khai nền tảng chia sẻ dữ liệu",
            number_symbol="2508/QĐ-UBND",
            type_code="quyet_dinh",
            issued_on=dt.date(2024, 1, 8),
            urgency="flash",
            handling_due_on=dt.date(2024, 1, 20),
        ),
        "in1": make_incoming(
            org,
            arrival_number=1,
            received_at=at(dt.date(2024, 1, 3), 9),
            subject="Đề nghị cung cấp số liệu",
            number_symbol="05/STC-NS",
            issuer_name="Sở Tài chính tỉnh Nam Định",
            issued_on=dt.date(2024, 1, 2),
        ),
        "in_2023": make_incoming(
            org, arrival_number=88, received_at=at(dt.date(2023, 12, 28)), subject="Năm trước", number_symbol="1/X-Y"
        ),
        "in_secret": make_incoming(
            org, arrival_number=3, received_at=at(dt.date(2024, 1, 11)), subject="Mật", secrecy="secret"
        ),
    }
    assign(inc["in2"], role="cooperate", unit=vp, when=at(dt.date(2024, 1, 11), 9))
    lead = assign(inc["in2"], role="lead", unit=cntt, when=at(dt.date(2024, 1, 10), 16))
    assign(inc["in2"], role="lead", person=specialist, unit=cntt, parent=lead, when=at(dt.date(2024, 1, 12), 9))
    assign(inc["in1"], role="inform", person=people["nd_leader"], when=at(dt.date(2024, 1, 4), 10))
    return {"org": org, "out": out, "in": inc}


def test_column_titles_are_those_of_appendix_iv():
    assert [str(c) for c in OUTGOING_COLUMNS] == [
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung văn bản",
        "Người ký",
        "Nơi nhận văn bản",
        "Đơn vị, người nhận bản lưu",
        "Số lượng bản",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    ]
    assert [str(c) for c in INCOMING_COLUMNS] == [
        "Ngày đến",
        "Số đến",
        "Tác giả",
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung văn bản",
        "Đơn vị hoặc người nhận",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    ]


def test_outgoing_rows_in_number_order_with_every_column(registers, people, actor_for):
    page = register_page(actor_for(people["nd_clerk"]), registers["org"], OUTGOING, YEAR_2024)
    assert [r.number_symbol for r in page.rows] == ["01/STTTT-VP", "02/TB-STTTT", "03/QĐ-STTTT"]
    assert page.has_next is False
    cv, tb, qd = page.rows
    assert qd.cells() == [
        "03/QĐ-STTTT",
        dt.date(2024, 3, 15),
        "Quyết định — Phê duyệt Kế hoạch chuyển đổi số năm 2024",
        "Lê Thị Hoa (KT. Phó Giám đốc)",
        "Ủy ban nhân dân tỉnh Nam Định; Bộ Thông tin và Truyền thông",
        "Phòng Công nghệ thông tin — Người dùng nd.specialist",
        5,
        dt.date(2024, 3, 15),
        "",
        "Khẩn",
    ]
    assert cv.type_and_subject == "Công văn — V/v báo cáo tình hình ứng dụng công nghệ thông tin"
    assert cv.archive_holders == "Văn phòng Sở"
    assert cv.transferred_on is None  # not yet sent to its recipient
    assert cv.signer == "Trần Văn Bình (Giám đốc)"
    assert tb.note == "Đã thu hồi ngày 03/02/2024; Ban hành nhầm"


def test_incoming_rows_in_arrival_order_with_handlers(registers, people, actor_for):
    page = register_page(actor_for(people["nd_clerk"]), registers["org"], INCOMING, YEAR_2024)
    assert [r.arrival_number for r in page.rows] == [1, 2]
    first, second = page.rows
    assert second.cells() == [
        dt.date(2024, 1, 9),
        2,
        "Ủy ban nhân dân tỉnh Nam Định",
        "2508/QĐ-UBND",
        dt.date(2024, 1, 8),
        "Quyết định — Triển khai nền tảng chia sẻ dữ liệu",
        "Chủ trì: Phòng Công nghệ thông tin; Phối hợp: Văn phòng Sở",
        dt.date(2024, 1, 10),
        "",
        "Hỏa tốc; Hạn giải quyết 20/01/2024",
    ]
    assert first.handlers == "Để biết: Người dùng nd.leader"
    assert first.author == "Sở Tài chính tỉnh Nam Định"
    assert first.type_and_subject == "Công văn — Đề nghị cung cấp số liệu"


def test_secret_documents_only_for_explicit_grants(registers, people, actor_for):
    org = registers["org"]
    clerk = people["nd_clerk"]
    assert "Phương án bảo đảm an toàn hệ thống" not in [
        r.subject for r in register_rows(actor_for(clerk), org, OUTGOING, YEAR_2024)
    ]
    assert register_summary(actor_for(clerk), org, INCOMING, YEAR_2024).count == 2
    AccessGrant.objects.create(document=registers["out"]["secret1"], person=clerk, reason="Văn thư mật")
    rows = list(register_rows(actor_for(clerk), org, OUTGOING, YEAR_2024))
    # Ordinary numbers first; the secret series after them, in its own numbering.
    assert [(r.number_symbol, r.note) for r in rows][-1] == ("01/QĐ-STTTT", "Mật")
    assert [r.number for r in rows] == [1, 2, 3, 1]


def test_specialist_sees_only_what_was_assigned_or_drafted(registers, people, actor_for):
    actor = actor_for(people["nd_specialist"])
    org = registers["org"]
    assert [r.number_symbol for r in register_rows(actor, org, OUTGOING, YEAR_2024)] == ["03/QĐ-STTTT"]
    # The sub-assignment to the person gives sight of the document; the register still names the unit level.
    assert [r.arrival_number for r in register_rows(actor, org, INCOMING, YEAR_2024)] == [2]


def test_another_organisation_sees_nothing_of_this_register(registers, people, actor_for):
    actor = actor_for(people["qt_clerk"])
    assert register_page(actor, registers["org"], OUTGOING, YEAR_2024).rows == []
    assert register_page(actor, registers["org"], INCOMING, YEAR_2024).rows == []
    assert register_summary(actor, registers["org"], OUTGOING, YEAR_2024).count == 0


def test_filters_period_unit_type_urgency(registers, people, actor_for, tree):
    actor = actor_for(people["nd_clerk"])
    org = registers["org"]

    def numbers(kind, flt):
        return [r.number_symbol for r in register_rows(actor, org, kind, flt)]

    assert numbers(OUTGOING, RegisterFilter(dt.date(2024, 1, 1), dt.date(2024, 2, 1))) == ["01/STTTT-VP", "02/TB-STTTT"]
    assert numbers(OUTGOING, RegisterFilter.year(2023)) == ["40/QĐ-STTTT"]
    assert numbers(OUTGOING, RegisterFilter.year(2024, unit=tree["nd_stttt_cntt"])) == ["03/QĐ-STTTT"]
    assert numbers(OUTGOING, RegisterFilter.year(2024, type_code="cong_van")) == ["01/STTTT-VP"]
    assert numbers(OUTGOING, RegisterFilter.year(2024, urgency="urgent")) == ["03/QĐ-STTTT"]
    assert numbers(INCOMING, RegisterFilter.year(2024, unit=tree["nd_stttt_vp"])) == ["2508/QĐ-UBND"]
    assert numbers(INCOMING, RegisterFilter.year(2024, urgency="flash")) == ["2508/QĐ-UBND"]
    # The incoming register is kept by the day of entry: arrival no. 2 was entered on 10 January.
    assert numbers(INCOMING, RegisterFilter(dt.date(2024, 1, 9), dt.date(2024, 1, 9))) == []
    assert numbers(INCOMING, RegisterFilter(dt.date(2024, 1, 10), dt.date(2024, 1, 10))) == ["2508/QĐ-UBND"]
    assert numbers(INCOMING, RegisterFilter.year(2023)) == ["1/X-Y"]


def test_pages_and_summary(registers, people, actor_for):
    actor = actor_for(people["nd_clerk"])
    org = registers["org"]
    first = register_page(actor, org, OUTGOING, YEAR_2024, page=1, per_page=2)
    second = register_page(actor, org, OUTGOING, YEAR_2024, page=2, per_page=2)
    assert [r.number for r in first.rows] == [1, 2]
    assert (first.has_next, first.has_previous) == (True, False)
    assert [r.number for r in second.rows] == [3]
    assert (second.has_next, second.has_previous, second.first_index) == (False, True, 3)
    summary = register_summary(actor, org, OUTGOING, YEAR_2024)
    assert (summary.count, summary.first_number, summary.last_number) == (3, 1, 3)


def test_parse_filter_defaults_to_the_calendar_year(tree):
    flt = parse_filter({}, organisation=tree["nd_stttt"], today=dt.date(2025, 6, 30))
    assert flt == RegisterFilter(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    flt = parse_filter(
        {"year": "2024", "date_to": "30/06/2024", "unit": str(tree["nd_stttt_cntt"].pk), "urgency": "flash"},
        organisation=tree["nd_stttt"],
        today=dt.date(2025, 6, 30),
    )
    assert flt == RegisterFilter(dt.date(2024, 1, 1), dt.date(2024, 6, 30), tree["nd_stttt_cntt"], "", "flash")


def test_parse_filter_reports_every_bad_input(tree):
    with pytest.raises(ValidationFailed) as caught:
        parse_filter(
            {
                "year": "20x4",
                "date_from": "2024-05-01",
                "date_to": "2024-04-01",
                "unit": str(tree["qt_stttt"].pk),
                "type_code": "khong_co",
                "urgency": "gap",
            },
            organisation=tree["nd_stttt"],
            today=dt.date(2025, 1, 1),
        )
    assert caught.value.errors == {
        "year": ["Năm “20x4” không hợp lệ."],
        "date_to": ["Ngày kết thúc không thể trước ngày bắt đầu."],
        "unit": ["Đơn vị phải thuộc Sở Thông tin và Truyền thông tỉnh Nam Định."],
        "type_code": ["Loại văn bản “khong_co” không có trong danh mục."],
        "urgency": ["Giá trị “gap” không hợp lệ."],
    }


def test_unknown_register_kind_is_refused(registers, people, actor_for):
    with pytest.raises(ValidationFailed) as caught:
        register_page(actor_for(people["nd_clerk"]), registers["org"], "internal", YEAR_2024)
    assert caught.value.errors == {"kind": ["Sổ “internal” không tồn tại."]}


def test_page_costs_the_same_queries_for_a_bigger_year(registers, people, actor_for, django_assert_num_queries):
    """The documents (the visibility filter is one subquery) and one prefetch — whatever the year holds."""
    org = registers["org"]
    actor = actor_for(people["nd_clerk"])
    actor.grants  # noqa: B018 — the permission grants are read once per request, before the page
    with django_assert_num_queries(2):
        small = register_page(actor, org, OUTGOING, YEAR_2024)
    for n in range(4, 64):
        make_outgoing(
            org,
            number=n,
            issued_on=dt.date(2024, 5, 1),
            subject=f"Văn bản {n}",
            drafting_unit=registers["out"]["qd3"].drafting_unit,
            created_by=people["nd_specialist"],
            recipients=[("Ủy ban nhân dân tỉnh Nam Định", RecipientKind.INTERNAL, DeliveryState.DELIVERED, None)],
        )
    with django_assert_num_queries(2):
        big = register_page(actor, org, OUTGOING, YEAR_2024)
    with django_assert_num_queries(2):
        incoming = register_page(actor, org, INCOMING, YEAR_2024)
    assert (len(small.rows), len(big.rows), big.has_next, len(incoming.rows)) == (3, 50, True, 2)


def test_someone_without_documents_access_sees_an_empty_register(registers, tree, actor_for):
    stranger = make_person("nd.stranger", tree["nd_hh"], None)
    assert register_page(actor_for(stranger), registers["org"], OUTGOING, YEAR_2024).rows == []
