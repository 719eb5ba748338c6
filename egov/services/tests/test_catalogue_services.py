"""Catalogue services: import (all or nothing), publish, withdraw — permissions, audit, versions' dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from egov.audit.models import AuditEvent
from egov.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from egov.services.catalogue.services import procedure_import, version_publish, version_withdraw
from egov.services.models import Fee, Procedure, ProcedureVersion, RequiredDocument, RouteStep, ServiceField
from egov.services.tests.factories import SYSTEM, make_procedure

pytestmark = pytest.mark.django_db


def record(**overrides) -> dict:
    """A valid record as a caller (or a JSON file) gives it."""
    data = {
        "code": "1.001193",
        "field_code": "ho-tich",
        "field_name": "Hộ tịch",
        "level": "commune",
        "version": 1,
        "state": "published",
        "name": "Thủ tục đăng ký khai sinh",
        "receiving_agency": "Bộ phận Một cửa Ủy ban nhân dân cấp xã",
        "legal_basis": "Luật Hộ tịch năm 2014;\nNghị định 123/2015/NĐ-CP",
        "decision": "Quyết định 1872/QĐ-BTP",
        "effective_from": "2025-07-01",
        "processing_time": 3,
        "time_unit": "working_days",
        "result_type": "Giấy khai sinh (bản chính)",
        "online_class": "full",
        "required_documents": [
            {"key": "to-khai", "name": "Tờ khai đăng ký khai sinh", "originals": 1},
            {"name": "Giấy chứng sinh", "originals": 1, "copies": 2, "mandatory": False},
        ],
        "fees": [{"kind": "charge", "amount": 8000, "description": "Lệ phí cấp bản sao"}],
        "route": [
            {"kind": "intake", "name": "Tiếp nhận", "budget": 0.5, "role": "one_stop_officer"},
            {"kind": "appraisal", "name": "Thẩm định", "budget": "1,5", "role": "specialist"},
            {"kind": "approval", "name": "Phê duyệt", "budget": 1, "role": "leader"},
        ],
        "form_schema": {"type": "object", "properties": {"child_name": {"type": "string", "title": "Họ tên"}}},
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin(people, actor_for):
    return actor_for(people["nd_admin"])


def saved_counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (ServiceField, Procedure, ProcedureVersion, RequiredDocument, Fee, RouteStep)
    )


def errors_of(report) -> list[tuple[int | None, str | None]]:
    return [(e.index, e.field) for e in report.errors]


def test_import_creates_everything_with_exact_values_and_one_audit_event(admin):
    report = procedure_import(actor=admin, records=[record()])

    assert report.ok and report.saved
    assert report.counts() == {
        "records": 1,
        "fields_created": 1,
        "fields_updated": 0,
        "procedures_created": 1,
        "procedures_updated": 0,
        "versions_created": 1,
        "versions_updated": 0,
        "versions_unchanged": 0,
    }
    version = ProcedureVersion.objects.select_related("procedure__field").get()
    assert (version.procedure.code, version.procedure.level, version.procedure.field.name) == (
        "1.001193",
        "commune",
        "Hộ tịch",
    )
    assert version.state == "published"
    assert version.published_at is not None
    assert version.processing_time == Decimal("3.0")
    assert version.effective_from == dt.date(2025, 7, 1)
    assert version.legal_basis == "Luật Hộ tịch năm 2014;\nNghị định 123/2015/NĐ-CP"
    assert version.folded == (
        "1.001193 thu tuc dang ky khai sinh ho tich bo phan mot cua uy ban nhan dan cap xa giay khai sinh (ban chinh)"
    )
    docs = list(version.required_documents.values_list("position", "key", "name", "originals", "copies", "mandatory"))
    assert docs == [
        (0, "to-khai", "Tờ khai đăng ký khai sinh", 1, 0, True),
        (1, "giay-chung-sinh", "Giấy chứng sinh", 1, 2, False),
    ]
    assert list(version.route.values_list("position", "kind", "budget", "role")) == [
        (0, "intake", Decimal("0.5"), "one_stop_officer"),
        (1, "appraisal", Decimal("1.5"), "specialist"),
        (2, "approval", Decimal("1.0"), "leader"),
    ]
    assert list(version.fees.values_list("kind", "amount", "description")) == [("charge", 8000, "Lệ phí cấp bản sao")]
    event = AuditEvent.objects.get(action="services.catalogue.import")
    assert event.after["versions_created"] == 1
    assert event.after["codes"] == ["1.001193"]
    assert event.actor_label == "Người dùng nd.admin (nd.admin)"


def test_import_twice_changes_nothing_the_second_time(admin):
    procedure_import(actor=admin, records=[record()])
    before = ProcedureVersion.objects.get()
    report = procedure_import(actor=admin, records=[record()])
    assert report.ok
    assert (report.versions_unchanged, report.versions_created, report.versions_updated) == (1, 0, 0)
    after = ProcedureVersion.objects.get()
    assert (after.pk, after.published_at) == (before.pk, before.published_at)


def test_one_bad_record_saves_nothing_and_names_record_and_field(admin):
    report = procedure_import(actor=admin, records=[record(), record(code="1.000894", level="ward")])
    assert not report.ok and not report.saved
    assert errors_of(report) == [(2, "level")]
    assert "ward" in report.errors[0].message
    assert str(report.errors[0]).startswith("Bản ghi 2, trường level: ")
    assert saved_counts() == (0, 0, 0, 0, 0, 0)
    assert not AuditEvent.objects.filter(action="services.catalogue.import").exists()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"processing_time": -1}, [(1, "processing_time")]),
        ({"processing_time": "ba ngày"}, [(1, "processing_time")]),
        ({"processing_time": "1.25"}, [(1, "processing_time")]),
        ({"time_unit": "days"}, [(1, "time_unit")]),
        ({"online_class": "partial"}, [(1, "partial_reason")]),
        ({"partial_reason": "Vì sao"}, [(1, "partial_reason")]),
        ({"effective_from": "31/02/2025"}, [(1, "effective_from")]),
        ({"effective_to": "2025-06-30"}, [(1, "effective_to")]),
        ({"name": "  "}, [(1, "name")]),
        ({"route": []}, [(1, "route")]),
        ({"processing_time": 2}, [(1, "route")]),
        ({"colour": "đỏ"}, [(1, "colour")]),
        ({"fees": [{"kind": "tip", "amount": -5, "description": "x"}]}, [(1, "fees[1].kind"), (1, "fees[1].amount")]),
        ({"required_documents": [{"name": "A", "key": "a"}, {"name": "B", "key": "a"}]}, [(1, "required_documents")]),
        (
            {"required_documents": [{"name": "A", "template_url": "javascript:alert(1)"}]},
            [(1, "required_documents[1].template_url")],
        ),
        ({"route": [{"kind": "intake", "name": "T", "budget": 1, "role": "boss"}]}, [(1, "route[1].role")]),
        ({"form_schema": {"type": "objekt"}}, [(1, "form_schema")]),
        ({"version": 0}, [(1, "version")]),
    ],
)
def test_bad_records_are_refused_with_their_field(admin, overrides, expected):
    report = procedure_import(actor=admin, records=[record(**overrides)])
    assert errors_of(report) == expected
    assert saved_counts() == (0, 0, 0, 0, 0, 0)


def test_a_draft_may_lack_the_partial_reason_and_exceed_nothing(admin):
    report = procedure_import(actor=admin, records=[record(state="draft", online_class="partial", route=[])])
    assert report.ok
    assert ProcedureVersion.objects.get().state == "draft"


def test_records_of_one_file_must_agree(admin):
    report = procedure_import(
        actor=admin,
        records=[
            record(),
            record(version=1),
            record(version=2, level="province"),
            record(code="2.000635", version=1, field_name="Hộ tịch, chứng thực"),
        ],
    )
    assert errors_of(report) == [(2, "version"), (3, "level"), (4, "field_name")]


def test_changing_a_published_version_is_refused_naming_the_field(admin):
    procedure_import(actor=admin, records=[record()])
    report = procedure_import(actor=admin, records=[record(code="2.000635"), record(processing_time=5)])
    assert errors_of(report) == [(2, "processing_time")]
    assert "đã công bố" in report.errors[0].message
    assert Procedure.objects.count() == 1
    assert ProcedureVersion.objects.get().processing_time == Decimal("3.0")

    nested = procedure_import(
        actor=admin,
        records=[record(required_documents=[{"key": "to-khai", "name": "Tờ khai đăng ký khai sinh", "originals": 2}])],
    )
    assert errors_of(nested) == [(1, "required_documents[1].originals")]


def test_a_draft_is_updated_and_can_be_published_by_import(admin):
    procedure_import(actor=admin, records=[record(state="draft")])
    report = procedure_import(actor=admin, records=[record(state="draft", processing_time=4)])
    assert report.versions_updated == 1
    assert ProcedureVersion.objects.get().processing_time == Decimal("4.0")
    report = procedure_import(actor=admin, records=[record(state="published", processing_time=4)])
    assert report.versions_updated == 1
    assert ProcedureVersion.objects.get().state == "published"


def test_import_may_withdraw_but_never_reopen(admin):
    procedure_import(actor=admin, records=[record()])
    assert procedure_import(actor=admin, records=[record(state="withdrawn")]).versions_updated == 1
    report = procedure_import(actor=admin, records=[record(state="published")])
    assert errors_of(report) == [(1, "state")]
    assert ProcedureVersion.objects.get().state == "withdrawn"


def test_import_of_a_new_version_closes_the_previous_one_and_reimport_is_unchanged(admin):
    procedure_import(actor=admin, records=[record()])
    v2 = record(version=2, effective_from="2026-01-01", processing_time=2.5, route=record()["route"][:2])
    report = procedure_import(actor=admin, records=[v2])
    assert report.ok, [str(e) for e in report.errors]
    first, second = ProcedureVersion.objects.order_by("number")
    assert (first.effective_to, second.effective_to) == (dt.date(2025, 12, 31), None)
    again = procedure_import(actor=admin, records=[record(), v2])
    assert again.ok, [str(e) for e in again.errors]
    assert again.versions_unchanged == 2


def test_renaming_a_field_refolds_its_versions(admin):
    make_procedure("2.000635", name="Cấp bản sao trích lục hộ tịch", field="Hộ tịch")
    procedure_import(actor=admin, records=[record(field_code="hộ-tịch", field_name="Hộ tịch, quốc tịch")])
    other = ProcedureVersion.objects.get(procedure__code="2.000635")
    assert "ho tich, quoc tich" in other.folded
    assert ServiceField.objects.get(code="hộ-tịch").name == "Hộ tịch, quốc tịch"


def test_import_without_the_permission_is_refused_and_saves_nothing(people, actor_for):
    for user in (people["nd_clerk"], people["applicant"]):
        with pytest.raises(PermissionDenied):
            procedure_import(actor=actor_for(user), records=[record()])
    assert saved_counts() == (0, 0, 0, 0, 0, 0)
    assert not AuditEvent.objects.filter(action__startswith="services.").exists()


def test_dry_run_checks_and_counts_but_saves_nothing(admin):
    report = procedure_import(actor=admin, records=[record()], dry_run=True)
    assert report.ok and not report.saved
    assert report.versions_created == 1
    assert saved_counts() == (0, 0, 0, 0, 0, 0)


# --- publish and withdraw ------------------------------------------------------------------------


def test_publish_closes_the_previous_version_and_records_it(admin):
    old = make_procedure(effective_from=dt.date(2025, 1, 1))
    procedure_import(
        actor=admin, records=[record(version=2, state="draft", effective_from="2026-03-01", processing_time=3)]
    )
    draft = ProcedureVersion.objects.get(number=2)
    published = version_publish(actor=admin, version=draft)
    old.refresh_from_db()
    assert (published.state, old.effective_to) == ("published", dt.date(2026, 2, 28))
    assert published.published_at is not None
    event = AuditEvent.objects.get(action="services.procedure_version.publish")
    assert event.object_repr == "1.001193 v2"
    assert event.after["closed"] == [{"version": 1, "effective_to": "2026-02-28"}]
    assert event.before == {"state": "draft"}


def test_publish_refuses_a_partial_service_without_its_reason(admin):
    procedure_import(actor=admin, records=[record(state="draft", online_class="partial")])
    draft = ProcedureVersion.objects.get()
    with pytest.raises(ValidationFailed) as caught:
        version_publish(actor=admin, version=draft)
    assert caught.value.field == "partial_reason"
    draft.refresh_from_db()
    assert (draft.state, draft.published_at) == ("draft", None)
    assert not AuditEvent.objects.filter(action="services.procedure_version.publish").exists()


def test_publish_refuses_a_version_overlapping_a_later_one(admin):
    make_procedure(effective_from=dt.date(2026, 1, 1))
    procedure_import(actor=admin, records=[record(version=2, state="draft", effective_from="2025-07-01")])
    with pytest.raises(Conflict) as caught:
        version_publish(actor=admin, version=ProcedureVersion.objects.get(number=2))
    assert caught.value.field == "effective_from"
    assert ProcedureVersion.objects.get(number=2).state == "draft"


def test_publish_twice_and_withdraw_a_draft_are_invalid_transitions(admin):
    published = make_procedure()
    draft = make_procedure("2.000635", state="draft")
    with pytest.raises(InvalidTransition):
        version_publish(actor=admin, version=published)
    with pytest.raises(InvalidTransition):
        version_withdraw(actor=admin, version=draft)


def test_withdraw_takes_a_published_version_out(admin):
    version = make_procedure()
    version_withdraw(actor=admin, version=version)
    version.refresh_from_db()
    assert version.state == "withdrawn"
    event = AuditEvent.objects.get(action="services.procedure_version.withdraw")
    assert (event.before, event.after) == ({"state": "published"}, {"state": "withdrawn"})


def test_publish_and_withdraw_need_the_permission(people, actor_for):
    draft = make_procedure(state="draft")
    published = make_procedure("2.000635")
    clerk = actor_for(people["nd_clerk"])
    with pytest.raises(PermissionDenied):
        version_publish(actor=clerk, version=draft)
    with pytest.raises(PermissionDenied):
        version_withdraw(actor=clerk, version=published)
    assert sorted(ProcedureVersion.objects.values_list("state", flat=True)) == ["draft", "published"]
    assert not AuditEvent.objects.filter(action__startswith="services.").exists()


def test_system_actor_may_import(db):
    assert procedure_import(actor=SYSTEM, records=[record()]).ok
