"""A dossier's life: submitted online, accepted, passed along its route, resolved and returned — and the detours."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from egov.accounts.actor import Actor
from egov.audit.models import AuditEvent
from egov.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from egov.services.dossiers import processing as p
from egov.services.dossiers.uploads import Upload
from egov.services.models import NATIONAL_STATUS, Dossier, DossierEvent, DossierState
from egov.services.tests.factories import make_procedure
from egov.services.tests.helpers import pdf_bytes, submit

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()
S = DossierState


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def who(user) -> Actor:
    return Actor(user=user)


def national_codes(dossier) -> list[int]:
    return [NATIONAL_STATUS[e.state] for e in DossierEvent.objects.filter(dossier=dossier, kind__startswith="state.")]


def test_online_dossier_from_submission_to_result(agency, version):
    with freeze_time(local(2026, 11, 23, 10, 0)):
        dossier = submit(agency, version)
    assert (dossier.code, dossier.state, dossier.national_status, dossier.channel) == (
        "000.00.15.H40-261123-0001",
        S.SUBMITTED,
        1,
        "online",
    )
    assert sorted(dossier.files.values_list("requirement", "size")) == sorted(
        [("to-khai", len(pdf_bytes("Tờ khai"))), ("giay-chung-sinh", len(pdf_bytes()))]
    )
    assert dossier.form_data == {"child_name": "Trần Minh An", "birth_date": "2026-11-02"}
    assert len(dossier.lookup_secret) == 8

    with freeze_time(local(2026, 11, 23, 10, 30)):
        dossier = p.dossier_accept(actor=who(agency.officer), dossier=dossier, assignee=agency.specialist)
    assert (dossier.state, dossier.counted_from, dossier.due_at, dossier.first_due_at) == (
        S.PROCESSING,
        dt.date(2026, 11, 23),
        local(2026, 11, 27, 17, 0),
        local(2026, 11, 27, 17, 0),
    )
    steps = list(dossier.steps.values_list("name", "assignee__username", "finished_at"))
    assert steps == [
        ("Tiếp nhận hồ sơ", "motcua", local(2026, 11, 23, 10, 30)),
        ("Thẩm định hồ sơ", "chuyenvien", None),
    ]

    with freeze_time(local(2026, 11, 24, 9, 0)):  # a holiday; the specialist works anyway
        dossier = p.dossier_hand_over(actor=who(agency.specialist), dossier=dossier, assignee=agency.leader)
    with freeze_time(local(2026, 11, 25, 9, 0)):
        result = Upload("", "giay-khai-sinh.pdf", "application/pdf", pdf_bytes("Giấy khai sinh"))
        dossier = p.dossier_resolve(actor=who(agency.leader), dossier=dossier, result=result)
    assert (dossier.state, dossier.resolved_at) == (S.RESOLVED, local(2026, 11, 25, 9, 0))
    assert dossier.events.get(kind="state.resolved").data["timeliness"] == "early"
    with freeze_time(local(2026, 11, 25, 14, 0)):
        dossier = p.dossier_return(actor=who(agency.officer), dossier=dossier)
    assert (dossier.state, dossier.national_status, dossier.returned_at, dossier.ended_at) == (
        S.RETURNED,
        10,
        local(2026, 11, 25, 14, 0),
        local(2026, 11, 25, 14, 0),
    )
    assert national_codes(dossier) == [1, 2, 4, 9, 10]
    sheet = [(s.name, s.on_time) for s in dossier.steps.all()]
    assert sheet == [
        ("Tiếp nhận hồ sơ", True),
        ("Thẩm định hồ sơ", True),
        ("Lãnh đạo phê duyệt, ký", True),
        ("Trả kết quả", True),
    ]
    assert list(dossier.files.filter(kind="result").values_list("original_name", flat=True)) == ["giay-khai-sinh.pdf"]
    actions = list(
        AuditEvent.objects.filter(object_type="services.dossier", object_id=str(dossier.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "services.dossier.submitted",
        "services.dossier.received",
        "services.dossier.processing",
        "services.dossier.hand_over",
        "services.dossier.resolved",
        "services.dossier.returned",
    ]
    # The timeline names the agency and the officer of each step (Decree 224/2026).
    received = dossier.events.get(kind="state.received")
    assert (received.agency_name, received.actor.username) == ("Ủy ban nhân dân xã Hải Hậu", "motcua")


def test_a_full_online_dossier_waits_for_its_fee_and_the_wait_does_not_count(agency):
    version = make_procedure("1.000894", fees=[("charge", "Lệ phí đăng ký", 50000)])
    with freeze_time(local(2026, 11, 25, 9, 0)):
        dossier = submit(agency, version)
        dossier = p.dossier_accept(actor=who(agency.officer), dossier=dossier)
    assert (dossier.state, dossier.national_status, dossier.fee_total, dossier.due_at) == (
        S.AWAITING_PAYMENT,
        6,
        50000,
        local(2026, 11, 30, 17, 0),
    )
    assert dossier.events.get(kind="state.awaiting_payment").note == "Chờ nộp phí, lệ phí: 50.000 đồng."
    with freeze_time(local(2026, 11, 25, 11, 0)):
        dossier = p.dossier_mark_paid(actor=Actor.system("cổng thanh toán"), dossier=dossier, reference="GD-123")
        again = p.dossier_mark_paid(actor=Actor.system("cổng thanh toán"), dossier=dossier, reference="GD-123")
    # Two office hours waiting for the applicant: the appointment moves two office hours later.
    assert (dossier.state, dossier.paid_at, dossier.due_at) == (
        S.PROCESSING,
        local(2026, 11, 25, 11, 0),
        local(2026, 12, 1, 9, 30),
    )
    assert (again.due_at, dossier.events.filter(kind="paid").count()) == (dossier.due_at, 1)


def test_supplement_at_intake_then_after_acceptance_restarts_the_clock(agency, version):
    with freeze_time(local(2026, 11, 23, 10, 0)):
        dossier = submit(agency, version)
        dossier = p.dossier_request_supplement(
            actor=who(agency.officer),
            dossier=dossier,
            items=[{"name": "Giấy chứng sinh", "reason": "Bản chụp mờ, không đọc được"}],
        )
    assert (dossier.state, dossier.national_status) == (S.SUPPLEMENT, 5)
    with freeze_time(local(2026, 11, 23, 14, 0)):
        clearer = Upload("giay-chung-sinh", "chung-sinh-ro.pdf", "application/pdf", pdf_bytes("Rõ"))
        dossier = p.dossier_supplement(actor=who(agency.applicant), dossier=dossier, files=[clearer])
    assert dossier.state == S.SUBMITTED
    with freeze_time(local(2026, 11, 23, 14, 30)):
        dossier = p.dossier_accept(actor=who(agency.officer), dossier=dossier, assignee=agency.specialist)
    with freeze_time(local(2026, 11, 25, 9, 0)):
        dossier = p.dossier_request_supplement(
            actor=who(agency.specialist), dossier=dossier, items=[{"name": "Tờ khai", "reason": "Thiếu chữ ký"}]
        )
    with freeze_time(local(2026, 11, 26, 9, 0)):
        signed = Upload("to-khai", "to-khai-ky.pdf", "application/pdf", pdf_bytes("Tờ khai đã ký"))
        dossier = p.dossier_supplement(actor=who(agency.applicant), dossier=dossier, files=[signed])
    # Complete again on Thursday: three working days from then (Friday, Monday, Tuesday).
    assert (dossier.state, dossier.counted_from, dossier.due_at) == (
        S.PROCESSING,
        dt.date(2026, 11, 26),
        local(2026, 12, 1, 17, 0),
    )
    open_step = dossier.steps.get(finished_at__isnull=True)
    assert (open_step.name, open_step.started_at) == ("Thẩm định hồ sơ", local(2026, 11, 26, 9, 0))
    assert dossier.files.filter(kind="submitted").count() == 4


def test_a_supplement_request_after_three_working_days_is_refused(agency, version):
    with freeze_time(local(2026, 11, 23, 10, 0)):
        dossier = p.dossier_accept(actor=who(agency.officer), dossier=submit(agency, version))
    with freeze_time(local(2026, 11, 30, 8, 0)), pytest.raises(InvalidTransition) as caught:
        p.dossier_request_supplement(
            actor=who(agency.officer), dossier=dossier, items=[{"name": "Tờ khai", "reason": "Thiếu chữ ký"}]
        )
    assert caught.value.message == (
        "Đã quá 3 ngày làm việc kể từ khi tiếp nhận: không còn được yêu cầu bổ sung hồ sơ (Nghị định 118/2025/NĐ-CP)."
    )
    dossier.refresh_from_db()
    assert (dossier.state, dossier.supplement_requested_at) == (S.PROCESSING, None)


def test_apology_once_and_at_least_a_working_day_ahead(agency, version):
    with freeze_time(local(2026, 11, 23, 10, 0)):
        dossier = p.dossier_accept(actor=who(agency.officer), dossier=submit(agency, version))
    leader = who(agency.leader)
    with freeze_time(local(2026, 11, 27, 9, 0)), pytest.raises(InvalidTransition, match="ít nhất 1 ngày làm việc"):
        p.dossier_apologise(actor=leader, dossier=dossier, new_due_at=local(2026, 12, 2, 17, 0), reason="Chờ xác minh")
    with freeze_time(local(2026, 11, 26, 9, 0)):
        with pytest.raises(ValidationFailed) as earlier:
            p.dossier_apologise(actor=leader, dossier=dossier, new_due_at=local(2026, 11, 26, 17, 0), reason="X")
        assert earlier.value.field == "new_due_at"
        dossier = p.dossier_apologise(
            actor=leader, dossier=dossier, new_due_at=local(2026, 12, 2, 17, 0), reason="Chờ xác minh nơi cư trú"
        )
        with pytest.raises(InvalidTransition, match="đã được xin lỗi và hẹn lại 1 lần"):
            p.dossier_apologise(actor=leader, dossier=dossier, new_due_at=local(2026, 12, 4, 17, 0), reason="Lần 2")
    dossier.refresh_from_db()
    assert (dossier.due_at, dossier.first_due_at, dossier.apologies) == (
        local(2026, 12, 2, 17, 0),
        local(2026, 11, 27, 17, 0),
        1,
    )


def test_forbidden_moves_say_why_and_change_nothing(agency, version):
    with freeze_time(local(2026, 11, 23, 10, 0)):
        dossier = submit(agency, version)
        dossier = p.dossier_refuse(actor=who(agency.officer), dossier=dossier, reason="Không thuộc thẩm quyền")
    assert (dossier.state, dossier.national_status) == (S.REFUSED, 3)
    with pytest.raises(InvalidTransition) as caught:
        p.dossier_resolve(actor=who(agency.leader), dossier=dossier)
    assert caught.value.message == "Chỉ phê duyệt kết quả khi hồ sơ đang xử lý."
    with pytest.raises(InvalidTransition) as caught:
        p.dossier_accept(actor=who(agency.officer), dossier=dossier)
    assert (
        caught.value.message == "Hồ sơ đang ở trạng thái “Không được tiếp nhận”, không thể chuyển sang “Đã tiếp nhận”."
    )
    with pytest.raises(InvalidTransition):
        p.dossier_return(actor=who(agency.officer), dossier=dossier)
    dossier.refresh_from_db()
    assert (dossier.state, dossier.received_at, dossier.due_at) == (S.REFUSED, None, None)
    with pytest.raises(ValidationFailed) as missing:
        p.dossier_refuse(actor=who(agency.officer), dossier=submit(agency, version), reason="   ")
    assert missing.value.field == "reason"


def test_refusal_after_the_due_date_is_not_allowed(agency, version):
    with freeze_time(local(2026, 11, 23, 10, 0)):
        dossier = p.dossier_accept(actor=who(agency.officer), dossier=submit(agency, version))
    with freeze_time(local(2026, 11, 30, 9, 0)), pytest.raises(InvalidTransition, match="Đã quá hạn giải quyết"):
        p.dossier_refuse(actor=who(agency.leader), dossier=dossier, reason="Không đủ điều kiện")
    assert Dossier.objects.get(pk=dossier.pk).state == S.PROCESSING


def test_withdrawal_by_the_applicant_and_stop_by_the_leader(agency, version):
    first = submit(agency, version)
    first = p.dossier_withdraw(actor=who(agency.applicant), dossier=first, reason="Nộp nhầm thủ tục")
    assert (first.state, first.national_status) == (S.WITHDRAWN, 7)
    second = p.dossier_accept(actor=who(agency.officer), dossier=submit(agency, version))
    second = p.dossier_stop(actor=who(agency.leader), dossier=second, reason="Người yêu cầu đã chết")
    assert (second.state, second.national_status, second.steps.filter(finished_at__isnull=True).count()) == (
        S.STOPPED,
        8,
        0,
    )


# --- who may do what ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who_acts", "allowed"),
    [
        ("anonymous", False),
        ("applicant", False),
        ("other_officer", False),
        ("specialist", False),
        ("officer", True),
    ],
)
def test_accept_permission_matrix(agency, version, who_acts, allowed):
    from django.contrib.auth.models import AnonymousUser

    dossier = submit(agency, version)
    user = AnonymousUser() if who_acts == "anonymous" else getattr(agency, who_acts)
    before = AuditEvent.objects.count()
    if allowed:
        assert p.dossier_accept(actor=Actor(user=user), dossier=dossier).state == S.PROCESSING
        return
    with pytest.raises(PermissionDenied):
        p.dossier_accept(actor=Actor(user=user), dossier=dossier)
    dossier.refresh_from_db()
    assert (dossier.state, dossier.received_at, AuditEvent.objects.count()) == (S.SUBMITTED, None, before)


@pytest.mark.parametrize(
    ("who_acts", "allowed"),
    [("other_officer", False), ("officer", False), ("specialist", False), ("leader", True)],
)
def test_resolve_permission_matrix(agency, version, who_acts, allowed):
    dossier = p.dossier_accept(actor=who(agency.officer), dossier=submit(agency, version))
    actor = who(getattr(agency, who_acts))
    if allowed:
        assert p.dossier_resolve(actor=actor, dossier=dossier).state == S.RESOLVED
        return
    with pytest.raises(PermissionDenied):
        p.dossier_resolve(actor=actor, dossier=dossier)
    assert Dossier.objects.get(pk=dossier.pk).state == S.PROCESSING


def test_only_the_applicant_or_the_counter_may_withdraw(agency, version):
    from egov.accounts.tests.factories import make_person

    stranger = make_person("nguoikhac", None, "applicant", kind="applicant")
    dossier = submit(agency, version)
    for user in (stranger, agency.specialist, agency.other_officer):
        with pytest.raises(PermissionDenied):
            p.dossier_withdraw(actor=who(user), dossier=dossier, reason="Rút")
    assert Dossier.objects.get(pk=dossier.pk).state == S.SUBMITTED
    assert (
        p.dossier_withdraw(actor=who(agency.officer), dossier=dossier, reason="Công dân đề nghị").state == S.WITHDRAWN
    )


def test_hand_over_to_someone_without_the_step_permission_is_refused(agency, version):
    dossier = p.dossier_accept(actor=who(agency.officer), dossier=submit(agency, version), assignee=agency.specialist)
    with pytest.raises(ValidationFailed) as caught:
        p.dossier_hand_over(actor=who(agency.specialist), dossier=dossier, assignee=agency.officer)
    assert caught.value.field == "assignee"
    assert dossier.steps.get(finished_at__isnull=True).name == "Thẩm định hồ sơ"
