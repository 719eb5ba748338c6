"""Reads of dossiers, each scoped to what the actor may see (`permissions.visible_q`)."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass, field

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.core.errors import NotFound
from egov.core.sql import fetch_all_prepared
from egov.services import permissions
from egov.services.dossiers.codes import parse_code
from egov.services.models import FINAL_STATES, NATIONAL_STATUS, Dossier, DossierEvent, DossierState

OPEN_STATES = [s for s in DossierState.values if s not in FINAL_STATES]


def dossiers_visible(actor: Actor) -> QuerySet[Dossier]:
    return Dossier.objects.filter(permissions.visible_q(actor))


def dossier_get(actor: Actor, pk: int) -> Dossier:
    dossier = (
        dossiers_visible(actor).select_related("agency", "version", "version__procedure", "applicant").filter(pk=pk)
    ).first()
    if dossier is None:
        raise NotFound("dossier")
    return dossier


def my_dossiers(actor: Actor) -> QuerySet[Dossier]:
    """An applicant's own dossiers, newest first."""
    if actor.user is None or not actor.user.is_authenticated:
        return Dossier.objects.none()
    return (
        Dossier.objects.filter(applicant=actor.user)
        .select_related("agency", "version", "version__procedure")
        .order_by("-submitted_at", "-pk")
    )


def queue(actor: Actor, *, agency=None, state: str | None = None, overdue: bool = False) -> QuerySet[Dossier]:
    """The back office's queue: open dossiers of the actor's agencies, the nearest due date first."""
    rows = Dossier.objects.filter(permissions.staff_q(actor), state__in=OPEN_STATES)
    if agency is not None:
        rows = rows.filter(agency=agency)
    if state:
        rows = rows.filter(state=state)
    if overdue:
        rows = rows.filter(due_at__lt=timezone.now())
    # Not yet accepted (no due date) after those with one, on every database.
    # Only the columns the queue shows: a dossier's answers and its version's form schema are large JSON.
    return (
        rows.select_related("version")
        .only(*QUEUE_FIELDS)
        .order_by(F("due_at").asc(nulls_last=True), "submitted_at", "pk")
    )


QUEUE_FIELDS = (
    "code", "state", "applicant_name", "submitted_at", "due_at", "resolved_at", "agency_id", "version__name",
)  # fmt: skip


@dataclass(frozen=True)
class PublicEvent:
    at: object
    label: str
    agency: str
    who: str


def event_label(event: DossierEvent) -> str:
    if event.kind.startswith("state."):
        state = event.kind.removeprefix("state.")
        return str(DossierState(state).label) if state in DossierState.values else state
    if event.kind == "step":
        return _("Chuyển bước xử lý: %(step)s") % {"step": event.note}
    if event.kind.startswith("agency."):
        from egov.services.dossiers.interagency import event_label as agency_label

        return agency_label(event)
    return {
        "apology": _("Xin lỗi và hẹn lại ngày trả kết quả"),
        "paid": _("Đã nộp phí, lệ phí"),
    }.get(event.kind, event.kind)


def public_who(event: DossierEvent, applicant_id: int | None, *, in_sentence: bool = False) -> str:
    """Who acted, as the public may see it: the officer's name, never the applicant's."""
    if event.actor_id is not None and event.actor_id == applicant_id:
        return _("người nộp hồ sơ") if in_sentence else _("Người nộp hồ sơ")
    return event.actor_label.rsplit(" (", 1)[0]


@dataclass(frozen=True)
class PublicView:
    """What the public lookup shows: the dossier's progress, never the applicant's details."""

    code: str
    procedure: str
    agency: str
    state: str
    state_label: str
    national_status: int
    submitted_at: object
    due_at: object
    events: list[PublicEvent]


def _same_phone(a: str, b: str) -> bool:
    def digits(text: str) -> str:
        text = "".join(ch for ch in text if ch.isdigit())
        return "0" + text[2:] if text.startswith("84") else text

    return bool(a) and digits(a) == digits(b)


_LOOKUP_SQL = None


def _lookup_sql() -> str:
    """One query for the lookup: the dossier, its agency and procedure, and its public events (plain SQL: the
    lookup is the busiest public page, and compiling two ORM queries cost more than running them)."""
    global _LOOKUP_SQL
    if _LOOKUP_SQL is None:
        d, e = Dossier._meta.db_table, DossierEvent._meta.db_table
        o = Dossier._meta.get_field("agency").related_model._meta.db_table
        v = Dossier._meta.get_field("version").related_model._meta.db_table
        _LOOKUP_SQL = (
            f"SELECT d.lookup_secret, d.applicant_phone, d.applicant_id, d.state, d.submitted_at, d.due_at,"
            f" o.name, v.name, e.kind, e.note, e.at, e.agency_name, e.actor_label, e.actor_id"
            f" FROM {d} d JOIN {o} o ON o.id = d.agency_id JOIN {v} v ON v.id = d.version_id"
            f" LEFT JOIN {e} e ON e.dossier_id = d.id AND e.public"
            f" WHERE d.code = %s ORDER BY e.at, e.id"
        )
    return _LOOKUP_SQL


@dataclass(frozen=True)
class _EventRow:
    kind: str
    note: str
    actor_id: int | None
    actor_label: str
    data: dict = field(default_factory=dict)  # internal events' details: never read for public ones


def public_lookup(code: str, second_factor: str) -> PublicView | None:
    """The dossier with this code if the second factor (the receipt's secret or the phone) matches; else None.

    One answer for "no such code" and "wrong second factor", so the lookup says nothing about which codes exist.
    """
    code = (code or "").strip().upper()
    factor = (second_factor or "").strip()
    if parse_code(code) is None or not factor:
        return None
    rows = fetch_all_prepared(_lookup_sql(), [code])
    if not rows:
        return None
    secret, phone, applicant_id, state, submitted_at, due_at, agency, procedure = rows[0][:8]
    secret_matches = hmac.compare_digest(factor.upper().encode(), secret.encode())
    if not secret_matches and not _same_phone(factor, phone):
        return None
    events = []
    for row in rows:
        if row[8] is None:  # no public event (the LEFT JOIN's empty row)
            continue
        event = _EventRow(kind=row[8], note=row[9], actor_id=row[13], actor_label=row[12])
        events.append(
            PublicEvent(
                at=_aware(row[10]), label=event_label(event), agency=row[11], who=public_who(event, applicant_id)
            )
        )
    return PublicView(
        code=code,
        procedure=procedure,
        agency=agency,
        state=state,
        state_label=str(DossierState(state).label),
        national_status=NATIONAL_STATUS[state],
        submitted_at=_aware(submitted_at),
        due_at=_aware(due_at),
        events=events,
    )


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """A datetime from a raw query: PostgreSQL gives it aware, SQLite naive in UTC (Django stores UTC there)."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value
