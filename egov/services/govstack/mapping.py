"""Our models as the spec's objects: procedure versions as services and e-forms, dossiers as application files.

Every function returns plain dicts keyed by the spec's field names; a field we have no value for is left out
(the spec marks none of them nullable).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from egov.accounts.roles import Role
from egov.calendar.hours import localise
from egov.services.models import FINAL_STATES, DossierFile, DossierState, ProcedureVersion, StepKind

S = DossierState
# The spec's four outcomes for our ten states; the title keeps our own label, so nothing is lost.
STATUS_CODES: dict[str, str] = {
    S.SUBMITTED: "PENDING",
    S.RECEIVED: "PENDING",
    S.PROCESSING: "PENDING",
    S.AWAITING_PAYMENT: "PENDING",
    S.SUPPLEMENT: "SENDBACK",
    S.RESOLVED: "APPROVED",
    S.RETURNED: "APPROVED",
    S.REFUSED: "REJECTED",
    S.STOPPED: "REJECTED",
    S.WITHDRAWN: "REJECTED",
}
assert set(STATUS_CODES) == set(S.values)


def status_out(state: str) -> dict:
    return {"code": STATUS_CODES[state], "title": str(S(state).label)}


def moment(value: dt.datetime | None) -> dt.datetime | None:
    return localise(value) if value is not None else None


def compact(data: dict) -> dict:
    """Leave out the fields we have no value for."""
    return {key: value for key, value in data.items() if value is not None}


# --- variables: the spec's maps of objects (additionalData.data, formVariables) hold Camunda-style variables --
def variable(value) -> dict:
    if value is None:
        kind = "Null"
    elif isinstance(value, bool):
        kind = "Boolean"
    elif isinstance(value, int):
        kind = "Long"
    elif isinstance(value, float | Decimal):
        kind = "Double"
    elif isinstance(value, str):
        kind = "String"
    else:
        kind = "Json"
    return {"value": value, "type": kind}


def variables(values: dict) -> dict:
    return {name: variable(value) for name, value in values.items()}


# --- services and e-forms -------------------------------------------------------------------------------------
def eform_id(version: ProcedureVersion) -> str:
    return f"{version.procedure.code}-v{version.number}"


def parse_eform_id(value: str) -> tuple[str, int] | None:
    code, sep, number = (value or "").rpartition("-v")
    if not sep or not code or not number.isdigit() or len(number) > 6:
        return None
    return code, int(number)


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def service_body(version: ProcedureVersion) -> list[dict]:
    rows = [
        ("procedureCode", version.procedure.code),
        ("field", version.procedure.field.name),
        ("level", version.procedure.level),
        ("receivingAgency", version.receiving_agency),
        ("legalBasis", version.legal_basis),
        ("decision", version.decision),
        ("effectiveFrom", version.effective_from.isoformat()),
        ("effectiveTo", version.effective_to.isoformat() if version.effective_to else ""),
        ("processingTime", _plain(version.processing_time)),
        ("timeUnit", version.time_unit),
        ("resultType", version.result_type),
        ("onlineClass", version.online_class),
        ("eFormId", eform_id(version)),
    ]
    for document in version.required_documents.all():
        rows.append((f"document.{document.key}", document.name))
        rows.append((f"document.{document.key}.mandatory", "true" if document.mandatory else "false"))
        rows.append((f"document.{document.key}.acceptedTypes", ",".join(document.accepted_types)))
        rows.append((f"document.{document.key}.maxBytes", str(document.max_bytes)))
    for fee in version.fees.all():
        rows.append((f"fee.{fee.position}", f"{fee.description}: {fee.amount} VND"))
    return [{"code": code, "value": value} for code, value in rows if value]


def service_out(version: ProcedureVersion) -> dict:
    return {
        "id": version.procedure.code,
        "name": version.name,
        "version": str(version.number),
        "type": "Public",
        "isExecutable": True,
        "isClosed": False,
        "description": f"{version.procedure.field.name} — {version.receiving_agency}",
        "serviceBody": service_body(version),
    }


def eform_out(version: ProcedureVersion, *, latest: bool, with_schema: bool) -> dict:
    data = {
        "eFormId": eform_id(version),
        "name": version.name,
        "description": f"Tờ khai điện tử, thủ tục {version.procedure.code}, phiên bản {version.number}",
        "version": str(version.number),
        "latest": latest,
    }
    if with_schema:
        data["schema"] = version.form_schema or {"type": "object"}
    return data


# --- application files (dossiers) -----------------------------------------------------------------------------
def applicant_id(dossier) -> str:
    """The applicant's account (username); a counter dossier has none, so its applicant's identity number."""
    if dossier.applicant_id is not None:
        return dossier.applicant.username
    return dossier.applicant_id_number


def document_urls(dossier, *, owner: bool) -> list[str]:
    """Where the caller downloads each paper handed in: the applicant's page, or the desk's."""
    name = "services:my_dossier_file" if owner else "services:desk_file"
    return [
        reverse(name, args=[dossier.pk, row.pk])
        for row in dossier.files.all()
        if row.kind == DossierFile.Kind.SUBMITTED
    ]


def application_data(dossier, *, owner: bool) -> dict:
    return {
        "applicationName": dossier.applicant_name,
        "applicantId": applicant_id(dossier),
        "created": moment(dossier.submitted_at),
        "formData": {"data": dossier.form_data, "eFormId": eform_id(dossier.version)},
        "documentUrls": document_urls(dossier, owner=owner),
    }


def application_out(dossier, *, owner: bool) -> dict:
    return compact(
        {
            "fileId": dossier.code,
            # The spec requires applicantId here as well as in applicationData.
            "applicantId": applicant_id(dossier),
            "registered": moment(dossier.received_at),
            "serviceId": dossier.version.procedure.code,
            "serviceName": dossier.version.name,
            "status": status_out(dossier.state),
            "ended": dossier.state in FINAL_STATES,
            "applicationData": application_data(dossier, owner=owner),
        }
    )


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def step_kind_label(kind: str) -> str:
    return str(StepKind(kind).label) if kind in StepKind.values else kind


def application_meta(dossier) -> dict:
    return {
        "data": variables(
            compact(
                {
                    "state": dossier.state,
                    "nationalStatus": dossier.national_status,
                    "agencyCode": dossier.agency.code,
                    "agencyName": dossier.agency.name,
                    "channel": dossier.channel,
                    "dueAt": moment(dossier.due_at).isoformat() if dossier.due_at else None,
                }
            )
        )
    }


def application_list_item(dossier, *, owner: bool, task=None) -> dict:
    """One row of GET /applications; `task` is the dossier's open task (tasks.Task) if it has one."""
    assignee = task.assignee if task is not None else None
    return compact(
        {
            "fileId": dossier.code,
            "mainTaskId": dossier.code,
            "taskTitle": task.name if task is not None else str(S(dossier.state).label),
            "roleId": task.role or None if task is not None else None,
            "roleName": role_label(task.role) if task is not None and task.role else None,
            "assigneeId": assignee.username if assignee is not None else None,
            "operatorName": assignee.full_name if assignee is not None else None,
            "status": status_out(dossier.state),
            "applicantId": applicant_id(dossier),
            "created": moment(dossier.submitted_at),
            "registered": moment(dossier.received_at),
            "description": f"{dossier.code}: {dossier.version.name}",
            "serviceName": dossier.version.name,
            "serviceId": dossier.version.procedure.code,
            "eformId": eform_id(dossier.version),
            "documentUrls": document_urls(dossier, owner=owner),
            "additionalMeta": application_meta(dossier),
        }
    )
