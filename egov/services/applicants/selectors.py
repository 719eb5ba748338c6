"""What an applicant sees of their own dossiers: the list, one dossier, its timeline and its papers."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.core.errors import NotFound
from egov.services import selectors
from egov.services.dossiers.states import TRANSITIONS
from egov.services.models import Dossier, DossierEvent, DossierFile, DossierState

S = DossierState
# The result may be downloaded once the leader has approved it.
RESULT_STATES = frozenset({S.RESOLVED, S.RETURNED})


def my_dossiers(actor: Actor) -> QuerySet[Dossier]:
    return selectors.my_dossiers(actor).only(
        "code",
        "state",
        "submitted_at",
        "due_at",
        "agency__name",
        "version__name",
        "version__procedure__code",
    )


def my_dossier_get(actor: Actor, pk: int) -> Dossier:
    """One of the actor's own dossiers (as the applicant); anyone else's is "not found", even an official's."""
    dossier = selectors.my_dossiers(actor).filter(pk=pk).first()
    if dossier is None:
        raise NotFound(_("Không tìm thấy hồ sơ."))
    return dossier


def can_withdraw(dossier: Dossier) -> bool:
    return S.WITHDRAWN in TRANSITIONS[dossier.state]


def can_supplement(dossier: Dossier) -> bool:
    return dossier.state == S.SUPPLEMENT


@dataclass(frozen=True)
class TimelineEntry:
    at: object
    label: str
    note: str
    agency: str
    who: str


def timeline(dossier: Dossier) -> list[TimelineEntry]:
    """The dossier's events, oldest first, naming the officer and the agency; the applicant's own as "Bạn"."""
    rows = DossierEvent.objects.filter(dossier=dossier).order_by("at", "pk")
    entries = []
    for event in rows:
        mine = event.actor_id is not None and event.actor_id == dossier.applicant_id
        entries.append(
            TimelineEntry(
                at=event.at,
                label=selectors.event_label(event),
                note=event.note if event.kind != "step" else "",
                agency=event.agency_name,
                who=_("Bạn") if mine else event.actor_label.rsplit(" (", 1)[0],
            )
        )
    return entries


def supplement_items(dossier: Dossier) -> list[dict]:
    """What the agency asked for in its latest request for more papers (name and reason of each)."""
    event = DossierEvent.objects.filter(dossier=dossier, kind=f"state.{S.SUPPLEMENT}").order_by("-at", "-pk").first()
    return list(event.data.get("items", [])) if event is not None else []


def _visible_files(dossier: Dossier) -> QuerySet[DossierFile]:
    rows = DossierFile.objects.filter(dossier=dossier)
    if dossier.state not in RESULT_STATES:
        rows = rows.exclude(kind=DossierFile.Kind.RESULT)
    return rows


def papers(dossier: Dossier) -> dict[str, list[DossierFile]]:
    """The dossier's files by kind: what was handed in, the forms issued, and (once approved) the results."""
    grouped: dict[str, list[DossierFile]] = {kind: [] for kind in DossierFile.Kind.values}
    for row in _visible_files(dossier).order_by("uploaded_at", "pk"):
        grouped[row.kind].append(row)
    return grouped


def my_file_get(actor: Actor, pk: int, file_pk: int) -> DossierFile:
    dossier = my_dossier_get(actor, pk)
    row = _visible_files(dossier).filter(pk=file_pk).first()
    if row is None:
        raise NotFound(_("Không tìm thấy tệp."))
    return row


def my_drafts(actor) -> list:
    """Applications begun and not yet submitted (the applicant continues them from "Hồ sơ của tôi")."""
    from egov.services.models import ApplicationDraft

    user = actor.user
    if user is None or not user.is_authenticated:
        return []
    return list(ApplicationDraft.objects.filter(applicant=user).select_related("version").order_by("-updated_at")[:20])
