"""Hồ sơ: the organisation's file catalogue, and filing documents into files without copying them.

Appendix VI Part I §III.4: each file has a code (OrganId.FileCatalog.FileNotation), its documents are
numbered automatically, and one document may sit in several files opened by different people. Documents
in a file are numbered in the order they came into being (the export keeps that order), so adding an older
document renumbers the ones after it.

Who may do what: anyone who drafts documents at the organisation (DOCS_DRAFT, held there or at one of
its units) keeps their own files; the clerks (DOCS_REGISTER) manage the whole catalogue, including the
dates files are due for the organisation's archive.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.permissions import can
from egov.accounts.roles import Perm
from egov.audit.services import audit_record, snapshot
from egov.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from egov.core.validation import Errors, acting_user, long_text, text
from egov.documents.models import CaseFile, CaseFileItem, CaseFileState, Direction, Document, IncomingState
from egov.documents.permissions import member_org_ids, require_see
from egov.documents.services import common
from egov.documents.services.metadata import date_value
from egov.organisations.models import Organisation

# Appendix VI Part II §III lengths.
NOTATION_MAX = 20
TITLE_MAX = 500
MAINTENANCE_MAX = 30
RIGHTS_MAX = 30
LANGUAGE_MAX = 50
DESCRIPTION_MAX = 500
# DocOrdinal is three digits.
ORDINAL_MAX = 999
# Renumbering moves rows out of the way first, so the (file, ordinal) constraint holds after every row.
_RENUMBER_OFFSET = 1000
FIRST_YEAR = 1945
_NOTATION = re.compile(r"^[\w./-]+$")

CASEFILE_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseFileState.OPEN: frozenset({CaseFileState.CLOSED}),
    CaseFileState.CLOSED: frozenset({CaseFileState.ARCHIVED}),
    CaseFileState.ARCHIVED: frozenset(),
}
AUDITED_FIELDS = (
    "year",
    "notation",
    "title",
    "unit",
    "maintenance",
    "rights",
    "language",
    "start_date",
    "end_date",
    "description",
    "archive_due_on",
)


def manages_catalogue(actor: Actor, organisation: Organisation) -> bool:
    """Văn thư: keeps the organisation's danh mục hồ sơ."""
    return actor.is_system or can(actor, Perm.DOCS_REGISTER, organisation)


def may_edit(actor: Actor, case_file: CaseFile) -> bool:
    """The clerks of the organisation, or the person who opened the file while they still draft there."""
    if manages_catalogue(actor, case_file.organisation):
        return True
    user = acting_user(actor)
    return (
        user is not None
        and user.pk == case_file.creator_id
        and can(actor, Perm.DOCS_DRAFT, case_file.unit or case_file.organisation)
    )


def _require_edit(actor: Actor, case_file: CaseFile) -> None:
    if not may_edit(actor, case_file):
        raise PermissionDenied(
            _("Chỉ người lập hồ sơ hoặc văn thư của %(org)s được thay đổi hồ sơ này.")
            % {"org": case_file.organisation.name}
        )


def _require_open(case_file: CaseFile) -> None:
    if case_file.state != CaseFileState.OPEN:
        raise InvalidTransition(
            _("Hồ sơ %(code)s đang ở trạng thái “%(state)s”, không thay đổi được.")
            % {"code": case_file.file_code, "state": CaseFileState(case_file.state).label}
        )


def _own_unit(actor: Actor, organisation: Organisation) -> Organisation | None:
    """The unit of the organisation where the person drafts, for someone whose role is held in a unit."""
    ids = member_org_ids(actor)
    units = Organisation.objects.filter(pk__in=ids, path__startswith=organisation.path).order_by("path")
    return next((u for u in units if can(actor, Perm.DOCS_DRAFT, u)), None)


def _in_subtree(unit: Organisation, organisation: Organisation) -> bool:
    return unit.path.startswith(organisation.path)


def _unit_value(values: dict, organisation: Organisation, errors: Errors, current: Organisation | None):
    if "unit" not in values:
        return current
    raw = values.get("unit")
    if raw in (None, ""):
        return None
    unit = Organisation.objects.filter(pk=raw).first() if str(raw).isdigit() else None
    if unit is None or not _in_subtree(unit, organisation):
        errors.add("unit", _("Đơn vị lập hồ sơ phải thuộc %(org)s.") % {"org": organisation.name})
        return current
    return unit


def _year_value(values: dict, errors: Errors, current: int | None) -> int | None:
    raw = values.get("year")
    if raw in (None, ""):
        return current if current is not None else timezone.localdate().year
    try:
        year = int(str(raw).strip())
    except ValueError:
        errors.add("year", _("Năm hình thành hồ sơ phải là số có 4 chữ số."))
        return current
    last = timezone.localdate().year + 1
    if not FIRST_YEAR <= year <= last:
        errors.add("year", _("Năm hình thành hồ sơ phải từ %(a)d đến %(b)d.") % {"a": FIRST_YEAR, "b": last})
        return current
    return year


def _fields(values: dict, organisation: Organisation, errors: Errors, *, current: CaseFile | None = None) -> dict:
    """Every field of the form; a key left out of `values` keeps the file's current value (partial updates)."""

    def given(name: str, default=""):
        if name in values or current is None:
            return values
        return {name: getattr(current, name) if getattr(current, name) is not None else default}

    fields = {
        "year": _year_value(values, errors, current.year if current else None),
        "notation": text(given("notation"), "notation", errors, required=True, max_length=NOTATION_MAX),
        "title": text(given("title"), "title", errors, required=True, max_length=TITLE_MAX),
        "maintenance": text(given("maintenance"), "maintenance", errors, required=True, max_length=MAINTENANCE_MAX),
        "rights": text(given("rights"), "rights", errors, max_length=RIGHTS_MAX),
        "language": text(given("language"), "language", errors, max_length=LANGUAGE_MAX) or "Tiếng Việt",
        "description": long_text(given("description"), "description", errors, max_length=DESCRIPTION_MAX),
        "start_date": date_value(given("start_date"), "start_date", errors),
        "end_date": date_value(given("end_date"), "end_date", errors),
        "archive_due_on": date_value(given("archive_due_on"), "archive_due_on", errors),
        "unit": _unit_value(values, organisation, errors, current.unit if current else None),
    }
    if fields["notation"] and not _NOTATION.match(fields["notation"]):
        errors.add(
            "notation",
            _("Số và ký hiệu hồ sơ chỉ gồm chữ, số và các dấu . - / _ (không có khoảng trắng), ví dụ 01.VP."),
        )
    if fields["start_date"] and fields["end_date"] and fields["end_date"] < fields["start_date"]:
        errors.add("end_date", _("Thời gian kết thúc không thể trước thời gian bắt đầu."))
    return fields


def _check_archive_due(actor: Actor, organisation: Organisation, fields: dict, current, errors: Errors) -> None:
    before = current.archive_due_on if current is not None else None
    if fields["archive_due_on"] != before and not manages_catalogue(actor, organisation):
        errors.add("archive_due_on", _("Chỉ văn thư cơ quan được đặt hạn nộp lưu hồ sơ."))
        fields["archive_due_on"] = before


def _check_code_free(organisation: Organisation, fields: dict, errors: Errors, exclude_pk: int | None = None) -> None:
    if not fields["notation"] or fields["year"] is None:
        return
    taken = CaseFile.objects.filter(organisation=organisation, year=fields["year"], notation=fields["notation"])
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        errors.add(
            "notation",
            _("Năm %(year)d đã có hồ sơ số %(notation)s trong danh mục của %(org)s.")
            % {"year": fields["year"], "notation": fields["notation"], "org": organisation.name},
        )


@transaction.atomic
def casefile_create(*, actor: Actor, organisation: Organisation, values: dict) -> CaseFile:
    """Lập hồ sơ: a new entry of the organisation's catalogue, opened by the actor."""
    errors = Errors()
    fields = _fields(values, organisation, errors)
    if not manages_catalogue(actor, organisation):
        unit = fields["unit"]
        if unit is None and not can(actor, Perm.DOCS_DRAFT, organisation):
            unit = fields["unit"] = _own_unit(actor, organisation)
        if not can(actor, Perm.DOCS_DRAFT, unit or organisation):
            raise PermissionDenied(_("Bạn không có quyền lập hồ sơ của %(org)s.") % {"org": organisation.name})
    _check_archive_due(actor, organisation, fields, None, errors)
    _check_code_free(organisation, fields, errors)
    errors.raise_if_any()
    case_file = CaseFile.objects.create(organisation=organisation, creator=acting_user(actor), **fields)
    audit_record(
        actor=actor,
        action="documents.casefile.create",
        obj=case_file,
        scope_org=organisation,
        after=snapshot(case_file, AUDITED_FIELDS),
    )
    return case_file


def _lock(case_file: CaseFile) -> CaseFile:
    return CaseFile.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=case_file.pk)


@transaction.atomic
def casefile_update(*, actor: Actor, case_file: CaseFile, values: dict) -> CaseFile:
    """Sửa hồ sơ đang lập: its code, title, retention and the other catalogue fields."""
    case_file = _lock(case_file)
    _require_edit(actor, case_file)
    _require_open(case_file)
    errors = Errors()
    fields = _fields(values, case_file.organisation, errors, current=case_file)
    _check_archive_due(actor, case_file.organisation, fields, case_file, errors)
    _check_code_free(case_file.organisation, fields, errors, exclude_pk=case_file.pk)
    errors.raise_if_any()
    before = snapshot(case_file, AUDITED_FIELDS)
    due_before = case_file.archive_due_on
    for name, value in fields.items():
        setattr(case_file, name, value)
    if case_file.archive_due_on != due_before:
        case_file.archive_notice_sent_at = None  # a new due date deserves its own notice
    case_file.save()
    after = snapshot(case_file, AUDITED_FIELDS)
    audit_record(
        actor=actor,
        action="documents.casefile.update",
        obj=case_file,
        scope_org=case_file.organisation,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
    )
    return case_file


@transaction.atomic
def casefile_close(*, actor: Actor, case_file: CaseFile, end_date: dt.date | None = None) -> CaseFile:
    """Kết thúc hồ sơ: no more documents; the start and end dates default to its first and last document."""
    case_file = _lock(case_file)
    _require_edit(actor, case_file)
    if CaseFileState.CLOSED not in CASEFILE_TRANSITIONS[case_file.state]:
        _require_open(case_file)
    documents = [item.document for item in case_file.items.select_related("document")]
    if not documents:
        raise ValidationFailed({"__all__": [_("Hồ sơ chưa có văn bản nào, không thể kết thúc.")]})
    days = sorted(document_date(d) for d in documents)
    start = case_file.start_date or days[0]
    end = end_date or case_file.end_date or days[-1]
    if end < start:
        raise ValidationFailed({"end_date": [_("Thời gian kết thúc không thể trước thời gian bắt đầu.")]})
    before = {"state": case_file.state, "start_date": case_file.start_date, "end_date": case_file.end_date}
    case_file.start_date, case_file.end_date, case_file.state = start, end, CaseFileState.CLOSED
    case_file.save(update_fields=["start_date", "end_date", "state"])
    audit_record(
        actor=actor,
        action="documents.casefile.close",
        obj=case_file,
        scope_org=case_file.organisation,
        before=before,
        after={"state": case_file.state, "start_date": start, "end_date": end, "documents": len(documents)},
    )
    return case_file


def document_date(document: Document) -> dt.date:
    """When a document came into being, for the order of a file: its date, else its arrival, else its creation."""
    if document.issued_on:
        return document.issued_on
    if document.received_at:
        return timezone.localdate(document.received_at)
    return timezone.localdate(document.created_at)


def chronological_key(document: Document) -> tuple:
    return (document_date(document), document.created_at, document.pk)


def _renumber(case_file: CaseFile) -> None:
    """Ordinals 1…n in the order the documents came into being."""
    items = list(case_file.items.select_related("document"))
    wanted = {
        item.pk: n
        for n, item in enumerate(sorted(items, key=lambda i: (chronological_key(i.document), i.added_at, i.pk)), 1)
    }
    moved = [item for item in items if item.ordinal != wanted[item.pk]]
    if not moved:
        return
    CaseFileItem.objects.filter(pk__in=[i.pk for i in moved]).update(ordinal=F("ordinal") + _RENUMBER_OFFSET)
    for item in sorted(moved, key=lambda i: wanted[i.pk]):
        CaseFileItem.objects.filter(pk=item.pk).update(ordinal=wanted[item.pk])


def _require_fileable(case_file: CaseFile, document: Document) -> None:
    if not _in_subtree(document.organisation, case_file.organisation):
        raise ValidationFailed(
            {"document": [_("Văn bản không thuộc sổ văn bản của %(org)s.") % {"org": case_file.organisation.name}]}
        )
    if document.direction == Direction.INCOMING and document.state == IncomingState.RECALLED:
        raise ValidationFailed({"document": [_("Văn bản đến đã bị hủy do nơi gửi thu hồi, không đưa vào hồ sơ.")]})


@transaction.atomic
def casefile_add_document(*, actor: Actor, case_file: CaseFile, document: Document) -> CaseFileItem:
    """Đưa văn bản vào hồ sơ — a link, not a copy; the same document may be in other files too."""
    case_file = _lock(case_file)
    _require_edit(actor, case_file)
    require_see(actor, document)
    _require_open(case_file)
    document = Document.objects.select_related("organisation").get(pk=document.pk)
    _require_fileable(case_file, document)
    if case_file.items.filter(document=document).exists():
        raise Conflict(
            _("Văn bản %(doc)s đã có trong hồ sơ %(code)s.") % {"doc": document, "code": case_file.file_code},
            field="document",
            code="duplicate",
        )
    if case_file.items.count() >= ORDINAL_MAX:
        raise ValidationFailed({"document": [_("Một hồ sơ có tối đa %(n)d văn bản.") % {"n": ORDINAL_MAX}]})
    last = case_file.items.aggregate(last=Max("ordinal"))["last"] or 0
    item = CaseFileItem.objects.create(
        case_file=case_file, document=document, ordinal=last + 1, added_by=acting_user(actor)
    )
    _renumber(case_file)
    item.refresh_from_db()
    common.event(document, "casefile.added", actor=actor, note=case_file.file_code, data={"case_file": case_file.pk})
    audit_record(
        actor=actor,
        action="documents.casefile.add_document",
        obj=case_file,
        scope_org=case_file.organisation,
        after={"document": document.pk, "ordinal": item.ordinal},
    )
    return item


@transaction.atomic
def casefile_remove_document(*, actor: Actor, case_file: CaseFile, document: Document) -> None:
    """Rút văn bản khỏi hồ sơ đang lập; the documents after it move up one place."""
    case_file = _lock(case_file)
    _require_edit(actor, case_file)
    require_see(actor, document)
    _require_open(case_file)
    item = case_file.items.filter(document=document).first()
    if item is None:
        raise ValidationFailed(
            {"document": [_("Văn bản không có trong hồ sơ %(code)s.") % {"code": case_file.file_code}]}
        )
    ordinal = item.ordinal
    item.delete()
    _renumber(case_file)
    common.event(document, "casefile.removed", actor=actor, note=case_file.file_code, data={"case_file": case_file.pk})
    audit_record(
        actor=actor,
        action="documents.casefile.remove_document",
        obj=case_file,
        scope_org=case_file.organisation,
        before={"document": document.pk, "ordinal": ordinal},
    )


@transaction.atomic
def casefile_set_archive_due(*, actor: Actor, case_file: CaseFile, archive_due_on) -> CaseFile:
    """Hạn nộp lưu: set by the clerk while the file is open or once it is closed (not after it is archived)."""
    case_file = _lock(case_file)
    if not manages_catalogue(actor, case_file.organisation):
        raise PermissionDenied(_("Chỉ văn thư cơ quan được đặt hạn nộp lưu hồ sơ."))
    if case_file.state == CaseFileState.ARCHIVED:
        raise InvalidTransition(_("Hồ sơ đã nộp lưu."))
    errors = Errors()
    due = date_value({"archive_due_on": archive_due_on}, "archive_due_on", errors)
    errors.raise_if_any()
    before = case_file.archive_due_on
    if due != before:
        case_file.archive_due_on = due
        case_file.archive_notice_sent_at = None  # a new due date deserves its own notice
        case_file.save(update_fields=["archive_due_on", "archive_notice_sent_at"])
        audit_record(
            actor=actor,
            action="documents.casefile.archive_due",
            obj=case_file,
            scope_org=case_file.organisation,
            before={"archive_due_on": before.isoformat() if before else None},
            after={"archive_due_on": due.isoformat() if due else None},
        )
    return case_file
