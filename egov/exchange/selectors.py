"""Reads of the exchange scoped to what the actor may see: a document's exchange timeline, the operator's view."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.permissions import can_globally
from egov.accounts.roles import Perm
from egov.core.errors import PermissionDenied
from egov.documents.models import DeliveryState, Direction, Document, OutgoingState, Recipient, RecipientKind
from egov.documents.selectors.documents import document_get
from egov.exchange.labels import status_label
from egov.exchange.models import InboxMessage, InboxState, OutboxMessage, ReceivedDocument, SentDocument, StatusEntry
from egov.exchange.services.outbox import STATUS_DELIVERY

# Only system administrators hold a permission platform-wide; this one stands for "operates the platform".
OPERATOR_PERM = Perm.EXCHANGE_OPERATE  # system administrators only (they hold every permission)
REFUSED_SHOWN = 50
FAILED_SHOWN = 200


@dataclass(frozen=True)
class Step:
    """One line of a timeline: a status message sent or received, or a step of this node."""

    code: str
    label: str
    direction: str
    direction_label: str
    occurred_at: dt.datetime
    description: str


@dataclass(frozen=True)
class Party:
    """The other side (a recipient of an outgoing document, the sender of an incoming copy) and its timeline."""

    organisation: str
    organisation_name: str
    delivery_state: str | None
    delivery_label: str
    steps: list[Step]


@dataclass(frozen=True)
class Timeline:
    document_id: str | None  # the edXML DocumentId
    incoming: bool
    parties: list[Party]


def _step(entry: StatusEntry) -> Step:
    return Step(
        code=entry.code,
        label=status_label(entry.code),
        direction=entry.direction,
        direction_label=entry.get_direction_display(),
        occurred_at=entry.occurred_at,
        description=entry.description,
    )


def _order(entry: StatusEntry):
    # Status messages carry their time to the second, the node's own steps to the microsecond: within one
    # second, the order this node recorded them in is the order they happened (a status follows the package).
    return (entry.occurred_at.replace(microsecond=0), entry.recorded_at, entry.pk)


def _entries(document: Document) -> list[StatusEntry]:
    return sorted(StatusEntry.objects.filter(document=document), key=_order)


def _delivery_label(state: str | None) -> str:
    return str(DeliveryState(state).label) if state in DeliveryState.values else ""


def _outgoing(document: Document) -> Timeline | None:
    sent_id = SentDocument.objects.filter(document=OuterRef("document")).values("edxml_id")[:1]
    recipients = list(
        Recipient.objects.filter(document=document)
        .exclude(kind=RecipientKind.ARCHIVE)
        .exclude(organisation_code="")
        .annotate(edxml_id=Subquery(sent_id))
        .order_by("position", "pk")
    )
    document_id = recipients[0].edxml_id if recipients else None
    entries = _entries(document)
    if document_id is None and not entries:
        return None  # never went to the exchange: no section
    by_recipient: dict[int, list[Step]] = {r.pk: [] for r in recipients}
    by_code = {r.organisation_code: r.pk for r in recipients}
    others: dict[str, list[Step]] = {}
    for entry in entries:
        key = entry.recipient_id if entry.recipient_id in by_recipient else by_code.get(entry.organ_code)
        if key is None:
            others.setdefault(entry.organ_code, []).append(_step(entry))
        else:
            by_recipient[key].append(_step(entry))
    parties = [
        Party(
            organisation=r.organisation_code,
            organisation_name=r.organisation_name,
            delivery_state=r.delivery_state,
            delivery_label=_delivery_label(r.delivery_state),
            steps=by_recipient[r.pk],
        )
        for r in recipients
    ]
    # A status from an organisation no longer among the recipients is still part of the record.
    parties += [Party(code, code, None, "", steps) for code, steps in others.items()]
    return Timeline(document_id=document_id, incoming=False, parties=parties)


def _incoming(document: Document) -> Timeline | None:
    received = ReceivedDocument.objects.filter(document=document).first()
    if received is None:
        return None  # not a copy that came through the exchange
    steps = [_step(entry) for entry in _entries(document)]
    # The state the sender sees is the one the last status this organisation sent back gives it.
    answered = [s.code for s in steps if s.direction == "sent" and s.code in STATUS_DELIVERY]
    state = str(STATUS_DELIVERY[answered[-1]]) if answered else None
    code = received.sender_code
    name = document.issuer_name if document.issuer_code == code and document.issuer_name else code
    party = Party(code, name, state, _delivery_label(state), steps)
    return Timeline(document_id=received.edxml_id, incoming=True, parties=[party])


def timeline_for(actor: Actor, document: Document | int) -> Timeline | None:
    """The exchange timeline of a document the actor may see (NotFound otherwise); None if it never went through it.

    Outgoing: one party per recipient with an identifier code. Incoming copy: one party, the sender, with what
    this organisation sent back. Three queries whatever the number of recipients (one for a draft).
    """
    document = document_get(actor, document.pk if isinstance(document, Document) else document)
    if document.direction == Direction.OUTGOING:
        if document.state not in (OutgoingState.ISSUED, OutgoingState.RECALLED):
            return None  # a draft has not been sent anywhere
        return _outgoing(document)
    return _incoming(document)


# --- the operator's page --------------------------------------------------------------------------------------


def require_operator(actor: Actor) -> None:
    if not can_globally(actor, OPERATOR_PERM):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được xem và vận hành liên thông văn bản."))


@dataclass(frozen=True)
class HubSettings:
    url: str
    system_id: str
    secret_set: bool

    @property
    def configured(self) -> bool:
        return bool(self.url and self.system_id and self.secret_set)


@dataclass(frozen=True)
class Overview:
    hub: HubSettings
    pending: int
    failed: int
    failed_rows: list[OutboxMessage]
    refused: list[InboxMessage]


def hub_settings() -> HubSettings:
    """Where this node sends: the address and system id; of the secret, only whether one is set."""
    return HubSettings(
        url=settings.EGOV_EXCHANGE_HUB_URL or "",
        system_id=settings.EGOV_EXCHANGE_SYSTEM_ID or "",
        secret_set=bool(settings.EGOV_EXCHANGE_SECRET or settings.EGOV_EXCHANGE_SECRET_FILE),
    )


def operator_overview(actor: Actor) -> Overview:
    """The outbox and the inbox as an operator sees them: counts, what the hub refused, what this node refused."""
    require_operator(actor)
    failed_rows = list(
        OutboxMessage.objects.filter(failed=True)
        .select_related("document", "organisation")
        .defer("payload")
        .order_by("id")[:FAILED_SHOWN]
    )
    pending = OutboxMessage.objects.filter(failed=False).count()
    failed = OutboxMessage.objects.filter(failed=True).count() if len(failed_rows) == FAILED_SHOWN else len(failed_rows)
    refused = list(
        InboxMessage.objects.filter(state=InboxState.REFUSED).order_by("-received_at", "-id")[:REFUSED_SHOWN]
    )
    return Overview(hub=hub_settings(), pending=pending, failed=failed, failed_rows=failed_rows, refused=refused)
