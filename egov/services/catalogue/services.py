"""Writes to the procedure catalogue: import, publish, withdraw — each in one transaction with one audit event.

A version's life: draft → published → withdrawn. A published (or withdrawn) version never changes its
content; a change is a new version. Publishing a version closes the previous published version the day
before the new one takes effect, so at most one version of a procedure is in force on any day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.audit.services import audit_record
from egov.core.errors import Conflict, InvalidTransition, ValidationFailed
from egov.services.catalogue.errors import RecordError
from egov.services.catalogue.permissions import require_manage_catalogue
from egov.services.catalogue.records import (
    CONTENT_FIELDS,
    clean_record,
    first_difference,
    folded_text,
    publish_problems,
    version_to_record,
)
from egov.services.models import (
    Fee,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    RouteStep,
    ServiceField,
    VersionState,
)

VERSION_TRANSITIONS: dict[str, frozenset[str]] = {
    VersionState.DRAFT: frozenset({VersionState.PUBLISHED}),
    VersionState.PUBLISHED: frozenset({VersionState.WITHDRAWN}),
    VersionState.WITHDRAWN: frozenset(),
}
ONE_DAY = dt.timedelta(days=1)


@dataclass
class ImportReport:
    records: int = 0
    fields_created: int = 0
    fields_updated: int = 0
    procedures_created: int = 0
    procedures_updated: int = 0
    versions_created: int = 0
    versions_updated: int = 0
    versions_unchanged: int = 0
    saved: bool = False
    errors: list[RecordError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {
            name: getattr(self, name)
            for name in (
                "records",
                "fields_created",
                "fields_updated",
                "procedures_created",
                "procedures_updated",
                "versions_created",
                "versions_updated",
                "versions_unchanged",
            )
        }

    def as_dict(self) -> dict:
        return {"ok": self.ok, "saved": self.saved, **self.counts(), "errors": [e.as_dict() for e in self.errors]}


class _Rejected(Exception):
    """Rolls the import's transaction back once the report holds its errors."""


def _transition_error(version: ProcedureVersion, target: str) -> InvalidTransition:
    return InvalidTransition(
        _("Phiên bản %(version)s đang ở trạng thái “%(state)s”, không thể chuyển sang “%(target)s”.")
        % {
            "version": version.number,
            "state": VersionState(version.state).label,
            "target": VersionState(target).label,
        }
    )


def _fold(version: ProcedureVersion, procedure: Procedure, service_field: ServiceField) -> str:
    return folded_text(
        code=procedure.code,
        name=version.name,
        field_name=service_field.name,
        receiving_agency=version.receiving_agency,
        result_type=version.result_type,
    )


def _close_earlier(version: ProcedureVersion) -> list[dict[str, Any]]:
    """Close the earlier published versions that overlap `version`; refuse one that overlaps a later version."""
    closed = []
    others = (
        ProcedureVersion.objects.select_for_update()
        .filter(procedure_id=version.procedure_id, state=VersionState.PUBLISHED)
        .exclude(pk=version.pk)
        .order_by("effective_from")
    )
    for other in others:
        if other.effective_from >= version.effective_from:
            if version.effective_to is None or version.effective_to >= other.effective_from:
                raise Conflict(
                    _(
                        "Phiên bản %(other)s đã công bố có hiệu lực từ ngày %(date)s; phiên bản %(number)s "
                        "phải hết hiệu lực trước ngày đó hoặc có hiệu lực sau phiên bản %(other)s."
                    )
                    % {
                        "other": other.number,
                        "number": version.number,
                        "date": other.effective_from.strftime("%d/%m/%Y"),
                    },
                    field="effective_from",
                )
        elif other.effective_to is None or other.effective_to >= version.effective_from:
            other.effective_to = version.effective_from - ONE_DAY
            other.save(update_fields=["effective_to"])
            closed.append({"version": other.number, "effective_to": other.effective_to})
    return closed


# --- publish and withdraw ------------------------------------------------------------------------


def version_publish(*, actor: Actor, version: ProcedureVersion) -> ProcedureVersion:
    """Công bố: draft → published, after checking what a published version must have."""
    with transaction.atomic():
        require_manage_catalogue(actor)
        Procedure.objects.select_for_update().filter(pk=version.procedure_id).get()
        version = ProcedureVersion.objects.select_related("procedure__field").get(pk=version.pk)
        if VersionState.PUBLISHED not in VERSION_TRANSITIONS[version.state]:
            raise _transition_error(version, VersionState.PUBLISHED)
        problems = publish_problems(version_to_record(version))
        if problems:
            errors: dict[str, list[str]] = {}
            for name, message in problems:
                errors.setdefault(name, []).append(message)
            raise ValidationFailed(errors)
        closed = _close_earlier(version)
        version.state = VersionState.PUBLISHED
        version.published_at = timezone.now()
        version.folded = _fold(version, version.procedure, version.procedure.field)
        version.save(update_fields=["state", "published_at", "folded"])
        audit_record(
            actor=actor,
            action="services.procedure_version.publish",
            obj=version,
            before={"state": VersionState.DRAFT},
            after={
                "state": version.state,
                "effective_from": version.effective_from,
                "effective_to": version.effective_to,
                "closed": closed,
            },
        )
    return version


def version_withdraw(*, actor: Actor, version: ProcedureVersion) -> ProcedureVersion:
    """Bãi bỏ: published → withdrawn; the version leaves the public catalogue, its content stays as it was."""
    with transaction.atomic():
        require_manage_catalogue(actor)
        version = ProcedureVersion.objects.select_for_update().select_related("procedure__field").get(pk=version.pk)
        if VersionState.WITHDRAWN not in VERSION_TRANSITIONS[version.state]:
            raise _transition_error(version, VersionState.WITHDRAWN)
        before = version.state
        version.state = VersionState.WITHDRAWN
        version.folded = _fold(version, version.procedure, version.procedure.field)
        version.save(update_fields=["state", "folded"])
        audit_record(
            actor=actor,
            action="services.procedure_version.withdraw",
            obj=version,
            before={"state": before},
            after={"state": version.state},
        )
    return version


# --- import --------------------------------------------------------------------------------------


def _clean_all(records: list[Any], report: ImportReport) -> list[tuple[int, dict]]:
    """Each record checked on its own, then against the others in the file."""
    cleaned: list[tuple[int, dict]] = []
    versions: dict[tuple[str, int], int] = {}
    procedures: dict[str, tuple[int, str, str]] = {}
    field_names: dict[str, tuple[int, str]] = {}
    for index, raw in enumerate(records, start=1):

        def add(name: str, message: str, index: int = index) -> None:
            report.errors.append(RecordError(index, name or None, message))

        record = clean_record(raw, add)
        if record is None:
            continue
        key = (record["code"], record["version"])
        if key in versions:
            add(
                "version",
                _("phiên bản %(n)d của thủ tục %(code)s trùng với bản ghi %(other)d.")
                % {"n": key[1], "code": key[0], "other": versions[key]},
            )
            continue
        versions[key] = index
        first = procedures.setdefault(record["code"], (index, record["field_code"], record["level"]))
        for position, name in ((1, "field_code"), (2, "level")):
            if first[position] != record[name]:
                add(
                    name,
                    _("khác với bản ghi %(other)d của cùng thủ tục (“%(value)s”).")
                    % {"other": first[0], "value": first[position]},
                )
        named = field_names.setdefault(record["field_code"], (index, record["field_name"]))
        if named[1] != record["field_name"]:
            add(
                "field_name",
                _("khác với bản ghi %(other)d của cùng lĩnh vực (“%(value)s”).")
                % {"other": named[0], "value": named[1]},
            )
        cleaned.append((index, record))
    return cleaned


def _existing_versions(codes: set[str]) -> dict[tuple[str, int], ProcedureVersion]:
    qs = (
        ProcedureVersion.objects.filter(procedure__code__in=codes)
        .select_related("procedure__field")
        .prefetch_related("required_documents", "fees", "route")
    )
    return {(v.procedure.code, v.number): v for v in qs}


def _closed_by_later(version: ProcedureVersion, record: dict, existing: dict) -> bool:
    """True when a published version's end date was set by publishing the next one and the file leaves it open."""
    if record["effective_to"] is not None or version.effective_to is None:
        return False
    start = version.effective_to + ONE_DAY
    return any(
        other.procedure_id == version.procedure_id
        and other.state == VersionState.PUBLISHED
        and other.effective_from == start
        for other in existing.values()
    )


def _check_against_saved(cleaned: list[tuple[int, dict]], existing: dict, report: ImportReport) -> None:
    """A saved version may only move along its life; a published or withdrawn one keeps its content."""
    for index, record in cleaned:
        version = existing.get((record["code"], record["version"]))
        if version is None or (
            version.state == VersionState.DRAFT and record["state"] in (VersionState.DRAFT, VersionState.PUBLISHED)
        ):
            continue
        if record["state"] != version.state and record["state"] not in VERSION_TRANSITIONS[version.state]:
            report.errors.append(RecordError(index, "state", str(_transition_error(version, record["state"]))))
            continue
        saved = version_to_record(version)
        if _closed_by_later(version, record, existing):
            saved["effective_to"] = None
        old = {name: saved[name] for name in CONTENT_FIELDS}
        new = {name: record[name] for name in CONTENT_FIELDS}
        path = next((found for name in CONTENT_FIELDS if (found := first_difference(old[name], new[name], name))), None)
        if path is not None:
            report.errors.append(
                RecordError(
                    index,
                    path,
                    _(
                        "phiên bản %(n)d của thủ tục %(code)s đã %(state)s, không được sửa nội dung; "
                        "hãy nhập một phiên bản mới."
                    )
                    % {
                        "n": version.number,
                        "code": version.procedure.code,
                        "state": version.get_state_display().lower(),
                    },
                )
            )


def _save_fields(cleaned: list[tuple[int, dict]], report: ImportReport) -> tuple[dict[str, ServiceField], set[int]]:
    fields = {f.code: f for f in ServiceField.objects.filter(code__in={r["field_code"] for _i, r in cleaned})}
    renamed: set[int] = set()
    for _index, record in cleaned:
        code, name = record["field_code"], record["field_name"]
        service_field = fields.get(code)
        if service_field is None:
            fields[code] = ServiceField.objects.create(code=code, name=name)
            report.fields_created += 1
        elif service_field.name != name:
            service_field.name = name
            service_field.save(update_fields=["name"])
            renamed.add(service_field.pk)
            report.fields_updated += 1
    return fields, renamed


def _save_procedures(cleaned, fields: dict[str, ServiceField], report: ImportReport) -> tuple[dict, set[int]]:
    procedures = {
        p.code: p for p in Procedure.objects.select_for_update().filter(code__in={r["code"] for _i, r in cleaned})
    }
    moved: set[int] = set()
    for _index, record in cleaned:
        service_field = fields[record["field_code"]]
        procedure = procedures.get(record["code"])
        if procedure is None:
            procedures[record["code"]] = Procedure.objects.create(
                code=record["code"], field=service_field, level=record["level"]
            )
            report.procedures_created += 1
        elif procedure.field_id != service_field.pk or procedure.level != record["level"]:
            procedure.field, procedure.level = service_field, record["level"]
            procedure.save(update_fields=["field", "level"])
            moved.add(procedure.pk)
            report.procedures_updated += 1
    return procedures, moved


def _save_children(version: ProcedureVersion, record: dict) -> None:
    version.required_documents.all().delete()
    version.fees.all().delete()
    version.route.all().delete()
    RequiredDocument.objects.bulk_create(
        RequiredDocument(version=version, position=i, **doc) for i, doc in enumerate(record["required_documents"])
    )
    Fee.objects.bulk_create(Fee(version=version, position=i, **fee) for i, fee in enumerate(record["fees"]))
    RouteStep.objects.bulk_create(
        RouteStep(version=version, position=i, **step) for i, step in enumerate(record["route"])
    )


def _save_version(
    record: dict, procedure: Procedure, existing: ProcedureVersion | None
) -> tuple[ProcedureVersion, str]:
    """Create or update one version; says whether it was created, updated or left unchanged."""
    content = {name: record[name] for name in CONTENT_FIELDS if name not in ("required_documents", "fees", "route")}
    if existing is not None and existing.state != VersionState.DRAFT:
        if existing.state == record["state"]:
            return existing, "unchanged"
        existing.state = record["state"]
        existing.save(update_fields=["state"])
        return existing, "updated"
    if existing is not None and existing.state == record["state"]:
        saved = version_to_record(existing)
        if all(saved[name] == record[name] for name in CONTENT_FIELDS):
            return existing, "unchanged"
    version = existing or ProcedureVersion(procedure=procedure, number=record["version"])
    for name, value in content.items():
        setattr(version, name, value)
    version.state = record["state"]
    if version.state != VersionState.DRAFT:
        version.published_at = record["published_at"] or timezone.now()
    version.folded = _fold(version, procedure, procedure.field)
    version.save()
    _save_children(version, record)
    return version, "updated" if existing is not None else "created"


def _refold(field_ids: set[int], procedure_ids: set[int]) -> None:
    """Renamed fields and moved procedures change what their versions' search text says."""
    if not field_ids and not procedure_ids:
        return
    rows = list(
        ProcedureVersion.objects.filter(
            Q(procedure__field_id__in=field_ids) | Q(procedure_id__in=procedure_ids)
        ).select_related("procedure__field")
    )
    for version in rows:
        version.folded = _fold(version, version.procedure, version.procedure.field)
    ProcedureVersion.objects.bulk_update(rows, ["folded"])


def procedure_import(*, actor: Actor, records: list[dict], dry_run: bool = False) -> ImportReport:
    """Create or update fields, procedures and versions from plain dicts: all saved (one audit event) or none."""
    report = ImportReport(records=len(records))
    try:
        with transaction.atomic():
            require_manage_catalogue(actor)
            cleaned = _clean_all(records, report)
            existing = _existing_versions({r["code"] for _i, r in cleaned})
            _check_against_saved(cleaned, existing, report)
            if report.errors:
                raise _Rejected
            fields, renamed = _save_fields(cleaned, report)
            procedures, moved = _save_procedures(cleaned, fields, report)
            published: list[tuple[int, ProcedureVersion]] = []
            for index, record in cleaned:
                before = existing.get((record["code"], record["version"]))
                was_draft = before is None or before.state == VersionState.DRAFT
                version, outcome = _save_version(record, procedures[record["code"]], before)
                setattr(report, f"versions_{outcome}", getattr(report, f"versions_{outcome}") + 1)
                if was_draft and version.state == VersionState.PUBLISHED:
                    published.append((index, version))
            published.sort(key=lambda item: (item[1].procedure_id, item[1].effective_from))
            closed: list[dict] = []
            for index, version in published:
                try:
                    closed += [{"code": version.procedure.code, **c} for c in _close_earlier(version)]
                except Conflict as exc:
                    report.errors.append(RecordError(index, exc.field, exc.message))
            if report.errors:
                raise _Rejected
            _refold(renamed, moved)
            if dry_run:
                raise _Rejected
            audit_record(
                actor=actor,
                action="services.catalogue.import",
                object_type="services.procedure",
                object_repr=_("Nhập danh mục thủ tục hành chính"),
                after={**report.counts(), "codes": sorted(procedures)[:500], "closed": closed},
            )
            report.saved = True
    except _Rejected:
        report.saved = False
    return report
