"""The dossier's state machine: the allowed moves, and the one function that makes a move and records it."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.audit.services import audit_record
from egov.core.errors import InvalidTransition
from egov.core.validation import acting_user
from egov.services.models import FINAL_STATES, NATIONAL_STATUS, Dossier, DossierEvent, DossierState

S = DossierState
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.RECEIVED, S.SUPPLEMENT, S.REFUSED, S.WITHDRAWN}),
    S.RECEIVED: frozenset({S.PROCESSING, S.AWAITING_PAYMENT, S.SUPPLEMENT, S.WITHDRAWN, S.STOPPED}),
    S.PROCESSING: frozenset({S.AWAITING_PAYMENT, S.SUPPLEMENT, S.RESOLVED, S.REFUSED, S.WITHDRAWN, S.STOPPED}),
    S.SUPPLEMENT: frozenset({S.SUBMITTED, S.PROCESSING, S.WITHDRAWN, S.STOPPED}),
    S.AWAITING_PAYMENT: frozenset({S.PROCESSING, S.WITHDRAWN, S.STOPPED}),
    S.RESOLVED: frozenset({S.RETURNED}),
    S.REFUSED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.STOPPED: frozenset(),
    S.RETURNED: frozenset(),
}
assert set(TRANSITIONS) == set(S.values)
assert all(not TRANSITIONS[state] for state in FINAL_STATES)


def label(state: str) -> str:
    return str(S(state).label) if state in S.values else state


def event(
    dossier: Dossier,
    kind: str,
    *,
    actor: Actor,
    note: str = "",
    public: bool = True,
    data: dict | None = None,
) -> DossierEvent:
    row = DossierEvent.objects.create(
        dossier=dossier,
        kind=kind,
        state=dossier.state,
        at=timezone.now(),
        actor=acting_user(actor),
        actor_label=actor.label[:300],
        agency_name=dossier.agency.name[:200],
        note=note[:2000],
        public=public,
        data=data or {},
    )
    if public:
        from egov.services.notify import notify_applicant

        notify_applicant(row)
    return row


def move(dossier: Dossier, to: str, *, actor: Actor, note: str = "", data: dict | None = None) -> None:
    """Apply one transition: refuse a move the table forbids, then save, put it on the timeline and audit it."""
    before = dossier.state
    if to not in TRANSITIONS[before]:
        raise InvalidTransition(
            _("Hồ sơ đang ở trạng thái “%(from)s”, không thể chuyển sang “%(to)s”.")
            % {"from": label(before), "to": label(to)},
            field="state",
        )
    dossier.state = to
    if to in FINAL_STATES:
        dossier.ended_at = timezone.now()
    dossier.save()
    event(dossier, f"state.{to}", actor=actor, note=note, data={"from": before, "to": to, **(data or {})})
    audit_record(
        actor=actor,
        action=f"services.dossier.{to}",
        obj=dossier,
        scope_org=dossier.agency,
        before={"state": before},
        after={"state": to, "national_status": NATIONAL_STATUS[to], **({"note": note} if note else {})},
    )
