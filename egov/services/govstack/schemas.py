"""Ninja schemas mirroring the GovStack Registration BB spec (0.1.1) and its statistics spec (1.0.0).

Field names are the spec's (camelCase); optional fields are left out of responses when we have no value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

StatusCode = Literal["PENDING", "APPROVED", "SENDBACK", "REJECTED"]


class StatusModel(Schema):
    code: StatusCode | None = None
    title: str | None = None


class Property(Schema):
    code: str | None = None
    value: str | None = None


class Service(Schema):
    id: str = Field(..., description="The procedure's national code (mã thủ tục), e.g. 1.001193")
    name: str
    version: str
    type: Literal["None", "Private", "Public"]
    isExecutable: bool | None = None
    isClosed: bool | None = None
    description: str | None = None
    serviceBody: list[Property] | None = None


class EFormListItem(Schema):
    eFormId: str | None = None
    name: str | None = None
    description: str | None = None
    version: str | None = None
    latest: bool | None = None


class EForm(EFormListItem):
    form_schema: dict[str, Any] | None = Field(None, alias="schema", description="JSON Schema (draft 2020-12)")


class FormData(Schema):
    # The spec types each value as an object, but its own ExamplePayload (for formData) holds strings, numbers and
    # booleans: any JSON value is taken, and checked against the e-form's JSON Schema.
    data: dict[str, Any] | None = None
    eFormId: str | None = None


class ApplicationFileSubmit(Schema):
    applicationName: str | None = Field(None, description="The applicant's name as written on the application")
    applicantId: str = Field(..., description="The caller's username")
    created: dt.datetime | None = None
    formData: FormData | None = None
    documentUrls: list[str] | None = None
    agencyCode: str | None = Field(
        None,
        description="egov extension: identifier code of the receiving agency, when the service has more than one",
    )


class ApplicationFileData(Schema):
    applicationName: str | None = None
    applicantId: str
    created: dt.datetime | None = None
    formData: FormData | None = None
    documentUrls: list[str] | None = None


class ApplicationFileResponse(Schema):
    fileId: str | None = None
    applicantId: str
    registered: dt.datetime | None = None
    serviceId: str
    serviceName: str | None = None
    status: StatusModel | None = None
    ended: bool | None = None
    applicationData: ApplicationFileData | None = None


class AdditionalData(Schema):
    # Camunda-style variables: {"name": {"value": …, "type": "String"}}.
    data: dict[str, dict[str, Any]] | None = None


class ApplicationListItem(Schema):
    fileId: str | None = None
    mainTaskId: str | None = None
    taskTitle: str | None = None
    roleId: str | None = None
    roleName: str | None = None
    assigneeId: str | None = None
    operatorName: str | None = None
    status: StatusModel | None = None
    applicantId: str | None = None
    created: dt.datetime | None = None
    registered: dt.datetime | None = None
    description: str | None = None
    serviceName: str | None = None
    serviceId: str | None = None
    eformId: str | None = None
    documentUrls: list[str] | None = None
    additionalMeta: AdditionalData | None = None


class UploadResponse(Schema):
    code: int | None = None
    type: str | None = None
    message: str | None = None
    url: str | None = None


class CompletedTaskResponse(Schema):
    taskId: str | None = None
    fileId: str | None = None
    serviceId: str | None = None
    status: StatusModel | None = None
    variables: dict[str, AdditionalData] | None = None


class UserTaskResponse(Schema):
    taskId: str | None = None
    mainTaskId: str | None = None
    name: str | None = None
    assigneeId: str | None = None
    roleId: str | None = None
    created: dt.datetime | None = None
    description: str | None = None
    serviceId: str | None = None
    serviceName: str | None = None
    fileId: str | None = None
    eFormId: str | None = None
    status: StatusModel | None = None


class DataUserTaskResponse(Schema):
    taskId: str | None = None
    taskName: str | None = None
    assigneeId: str | None = None
    roleId: str | None = None
    created: dt.datetime | None = None
    description: str | None = None
    fileId: str | None = None
    serviceId: str | None = None
    serviceName: str | None = None
    eFormId: str | None = None
    formVariables: dict[str, dict[str, Any]] | None = None
    status: StatusModel | None = None
    data: dict[str, dict[str, Any]] | None = None


class SystemError(Schema):
    traceId: str | None = None
    code: str | None = None
    message: str | None = None
    localizedMessage: str | None = None
    field: str | None = Field(None, description="egov extension: the input at fault")
    errors: list[dict[str, Any]] | None = Field(None, description="egov extension: every field error")


class References(Schema):
    startDate: dt.date | None = None
    endDate: dt.date | None = None
    registrationName: str | None = None
    operator: str | None = None
    role: str | None = None
    timeframeDay: bool | None = None
    timeframeWeek: bool | None = None
    timeframeMonth: bool | None = None
    timeframeYear: bool | None = None


class Statistics(Schema):
    processed: int | None = None
    approved: int | None = None
    sentBack: int | None = None
    rejected: int | None = None
    references: References | None = None


# --- query parameters -------------------------------------------------------------------------------------------
class Paging(Schema):
    firstResult: int | None = Field(None, ge=0, description="Index of the first result, from 0")
    maxResult: int | None = Field(None, ge=1, le=500, description="At most this many results (default 50)")
    sortBy: str | None = None
    sortOrder: Literal["asc", "desc"] | None = None


class ApplicationFilters(Paging):
    serviceId: str | None = None
    applicantId: str | None = None


class TaskFilters(Paging):
    mainTaskId: str | None = None
    fileId: str | None = None
    assigneeId: str | None = None


class StatisticsFilters(Schema):
    startDate: dt.date | None = None
    endDate: dt.date | None = None
    registrationName: str | None = None
    operator: str | None = None
    role: str | None = None
    timeframe: Literal["day", "week", "month", "year"] | None = None
