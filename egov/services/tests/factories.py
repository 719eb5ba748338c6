"""Test data for the services app: an agency with its one-stop staff, and procedures with their versions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from egov.accounts.actor import Actor
from egov.accounts.models import User
from egov.accounts.tests.factories import make_person
from egov.organisations.models import Organisation
from egov.organisations.tests.factories import make_org
from egov.services.catalogue.records import folded_text
from egov.services.models import (
    Fee,
    OnlineClass,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    RouteStep,
    ServiceField,
    StepKind,
    TimeUnit,
    VersionState,
)

SYSTEM = Actor.system("tests")


@dataclass
class Agency:
    """Ủy ban nhân dân xã — an agency with a one-stop officer, a specialist, a leader and an applicant."""

    org: Organisation
    officer: User
    specialist: User
    leader: User
    applicant: User
    other_org: Organisation
    other_officer: User


def make_agency(prefix: str = "") -> Agency:
    province = make_org(
        f"000.00.00.H4{prefix or '0'}", "Ủy ban nhân dân tỉnh Nam Định", "province", abbreviation="UBND"
    )
    org = make_org(
        f"000.00.15.H4{prefix or '0'}", "Ủy ban nhân dân xã Hải Hậu", "commune", province, abbreviation="UBND"
    )
    other = make_org(
        f"000.00.16.H4{prefix or '0'}", "Ủy ban nhân dân xã Giao Thủy", "commune", province, abbreviation="UBND"
    )
    return Agency(
        org=org,
        officer=make_person(f"motcua{prefix}", org, "one_stop_officer"),
        specialist=make_person(f"chuyenvien{prefix}", org, "specialist"),
        leader=make_person(f"chutich{prefix}", org, "leader"),
        applicant=make_person(f"congdan{prefix}", None, "applicant", kind="applicant"),
        other_org=other,
        other_officer=make_person(f"motcuakhac{prefix}", other, "one_stop_officer"),
    )


def make_procedure(
    code: str = "1.001193",
    *,
    name: str = "Thủ tục đăng ký khai sinh",
    field: str = "Hộ tịch",
    level: str = "commune",
    processing_time: Decimal | int = 3,
    time_unit: str = TimeUnit.WORKING_DAYS,
    online_class: str = OnlineClass.FULL,
    fees: list[tuple[str, str, int]] | None = None,
    effective_from: dt.date = dt.date(2025, 7, 1),
    state: str = VersionState.PUBLISHED,
) -> ProcedureVersion:
    """A published procedure version with two required papers, a route of four steps and, if given, fees."""
    service_field, _ = ServiceField.objects.get_or_create(
        code=field.lower().replace(" ", "-"), defaults={"name": field}
    )
    procedure = Procedure.objects.create(code=code, field=service_field, level=level)
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        state=state,
        name=name,
        receiving_agency="Bộ phận Một cửa Ủy ban nhân dân cấp xã",
        legal_basis="Luật Hộ tịch năm 2014; Nghị định 123/2015/NĐ-CP",
        decision="Quyết định 1872/QĐ-BTP",
        effective_from=effective_from,
        processing_time=Decimal(processing_time),
        time_unit=time_unit,
        result_type="Giấy khai sinh (bản chính)",
        online_class=online_class,
        partial_reason="" if online_class == OnlineClass.FULL else "Phải xuất trình bản chính giấy tờ.",
        form_schema={
            "type": "object",
            "required": ["child_name", "birth_date"],
            "properties": {
                "child_name": {"type": "string", "title": "Họ, chữ đệm, tên người được khai sinh", "maxLength": 100},
                "birth_date": {"type": "string", "format": "date", "title": "Ngày, tháng, năm sinh"},
            },
        },
        folded=folded_text(
            code=code,
            name=name,
            field_name=field,
            receiving_agency="Bộ phận Một cửa Ủy ban nhân dân cấp xã",
            result_type="Giấy khai sinh (bản chính)",
        ),
    )
    RequiredDocument.objects.create(
        version=version,
        position=0,
        key="to-khai",
        name="Tờ khai đăng ký khai sinh",
        originals=1,
        template_name="Mẫu tờ khai đăng ký khai sinh",
        accepted_types=["application/pdf", "image/jpeg", "image/png"],
        max_bytes=5 * 1024 * 1024,
    )
    RequiredDocument.objects.create(
        version=version,
        position=1,
        key="giay-chung-sinh",
        name="Giấy chứng sinh",
        originals=1,
        accepted_types=["application/pdf", "image/jpeg", "image/png"],
        max_bytes=5 * 1024 * 1024,
    )
    for position, (kind, step_name, budget, role) in enumerate(
        [
            (StepKind.INTAKE, "Tiếp nhận hồ sơ", "0.5", "one_stop_officer"),
            (StepKind.APPRAISAL, "Thẩm định hồ sơ", "1.5", "specialist"),
            (StepKind.APPROVAL, "Lãnh đạo phê duyệt, ký", "0.5", "leader"),
            (StepKind.RETURN, "Trả kết quả", "0.5", "one_stop_officer"),
        ]
    ):
        RouteStep.objects.create(
            version=version, position=position, kind=kind, name=step_name, budget=Decimal(budget), role=role
        )
    for position, (kind, description, amount) in enumerate(fees or []):
        Fee.objects.create(version=version, position=position, kind=kind, description=description, amount=amount)
    return version
