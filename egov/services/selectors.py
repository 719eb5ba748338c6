"""Reads of dossiers, each scoped to what the actor may see (`permissions.visible_q`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.core.errors import NotFound
from egov.services import permissions
from egov.services.dossiers.codes import parse_code
from egov.services.models import FINAL_STATES, Dossier, DossierEvent, DossierState

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
    return rows.select_related("agency", "version", "version__procedure").order_by(
        F("due_at").asc(nulls_last=True), "submitted_at", "pk"
    )


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


def public_lookup(code: str, second_factor: str) -> PublicView | None:
    """The dossier with this code if the second factor (the receipt's secret or the phone) matches; else None.

    One answer for "no such code" and "wrong second factor", so the lookup says nothing about which codes exist.
    """
    code = (code or "").strip().upper()
    factor = (second_factor or "").strip()
    if parse_code(code) is None or not factor:
        return None
    dossier = (
        Dossier.objects.select_related("agency", "version")
        .only(
            "code",
            "state",
            "lookup_secret",
            "applicant_phone",
            "applicant_id",
            "submitted_at",
            "due_at",
            "agency__name",
            "version__name",
        )
        .filter(code=code)
        .first()
    )
    if dossier is None:
        return None
    if factor.upper() != dossier.lookup_secret and not _same_phone(factor, dossier.applicant_phone):
        return None
    events = [
        PublicEvent(at=e.at, label=event_label(e), agency=e.agency_name, who=public_who(e, dossier.applicant_id))
        for e in DossierEvent.objects.filter(dossier=dossier, public=True)
        .only("kind", "note", "at", "agency_name", "actor_label", "actor_id", "dossier_id")
        .order_by("at", "pk")
    ]
    return PublicView(
        code=dossier.code,
        procedure=dossier.version.name,
        agency=dossier.agency.name,
        state=dossier.state,
        state_label=str(DossierState(dossier.state).label),
        national_status=dossier.national_status,
        submitted_at=dossier.submitted_at,
        due_at=dossier.due_at,
        events=events,
    )
