"""The exchange JSON API: a document's exchange timeline at /api/v1/documents/{id}/exchange."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema

from egov.documents.permissions import require_documents_access
from egov.exchange.selectors import timeline_for

router = Router(tags=["exchange"])


class StepOut(Schema):
    code: str = Field(
        description="Status code 01…16 (QCVN 102:2016), or a step of this node: queued, sent, "
        "recall, update, replace, received"
    )
    label: str
    direction: str = Field(description="sent: from this organisation; received: from the other side")
    occurred_at: dt.datetime = Field(description="The message's own time (to the second for status messages)")
    description: str


class PartyOut(Schema):
    organisation: str = Field(description="Identifier code of the recipient (outgoing) or of the sender (incoming)")
    organisation_name: str
    delivery_state: str | None = Field(
        description="As the sender sees it: a recipient's delivery state (sent, delivered, received…); for an "
        "incoming copy, the state its last status sent back gives the sender"
    )
    timeline: list[StepOut]


class ExchangeOut(Schema):
    document_id: str | None = Field(description="The edXML DocumentId; null if the document never went through")
    recipients: list[PartyOut] = Field(description="One per recipient; for an incoming copy, one: the sender")


@router.get(
    "/{int:id}/exchange", response=ExchangeOut, summary="The exchange timeline: each recipient's statuses, in order"
)
def document_exchange(request, id: int):
    actor = request.actor
    require_documents_access(actor)
    timeline = timeline_for(actor, id)
    if timeline is None:
        return {"document_id": None, "recipients": []}
    return {
        "document_id": timeline.document_id,
        "recipients": [
            {
                "organisation": party.organisation,
                "organisation_name": party.organisation_name,
                "delivery_state": party.delivery_state,
                "timeline": [
                    {
                        "code": step.code,
                        "label": step.label,
                        "direction": step.direction,
                        "occurred_at": step.occurred_at,
                        "description": step.description,
                    }
                    for step in party.steps
                ],
            }
            for party in timeline.parties
        ],
    }
