"""Which actions of the document page the actor may take: shown only when allowed, refused early (403) otherwise.

`allowed` answers "may this person do it at all" (their role, their being the signer or the author) and gives
the reason when not; `due` answers "is it the document's turn for it" (its state). The services check both
again: these only decide what the page offers.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from egov.accounts.permissions import can
from egov.accounts.roles import Perm
from egov.core.errors import PermissionDenied
from egov.core.validation import acting_user
from egov.documents.models import INCOMING_TRANSITIONS, Channel, Direction, IncomingState, OutgoingState

OUTGOING_ACTIONS = ("edit", "submit", "version", "review", "approve", "sign", "issue", "recall")
INCOMING_ACTIONS = ("register", "return", "assign", "urge")
COMMON_ACTIONS = ("comment", "check", "grant")

_DUE = {
    "edit": {OutgoingState.DRAFT},
    "submit": {OutgoingState.DRAFT},
    "version": {OutgoingState.DRAFT, OutgoingState.IN_REVIEW, OutgoingState.AWAITING_APPROVAL},
    "review": {OutgoingState.IN_REVIEW},
    "approve": {OutgoingState.AWAITING_APPROVAL},
    "sign": {OutgoingState.APPROVED},
    "issue": {OutgoingState.SIGNED},
    "recall": {OutgoingState.ISSUED},
    "register": {IncomingState.ARRIVED},
    "return": {IncomingState.ARRIVED},
    # (Re)assignment: wherever the lifecycle table lets the document move to "assigned".
    "assign": {state for state, targets in INCOMING_TRANSITIONS.items() if IncomingState.ASSIGNED in targets},
    "urge": {IncomingState.ASSIGNED},
}


def _is_editor(actor, document) -> bool:
    user = acting_user(actor)
    if actor.is_system or (user is not None and user.pk == document.created_by_id):
        return True
    unit = document.drafting_unit or document.organisation
    return can(actor, Perm.DOCS_REVIEW, unit) or can(actor, Perm.DOCS_APPROVE, document.organisation)


def refusal(actor, document, action: str) -> str:
    """Why the actor may not take the action ("" when they may)."""
    org = document.organisation
    user = acting_user(actor)
    if action in ("edit", "submit", "version"):
        ok = _is_editor(actor, document)
        return "" if ok else _("Chỉ người soạn thảo và lãnh đạo duyệt được sửa, trình dự thảo.")
    if action == "review":
        unit = document.drafting_unit or org
        ok = can(actor, Perm.DOCS_REVIEW, unit)
        return "" if ok else _("Chỉ lãnh đạo %(unit)s được duyệt dự thảo này.") % {"unit": unit.name}
    if action in ("approve", "recall"):
        if can(actor, Perm.DOCS_APPROVE, org):
            return ""
        if action == "approve":
            return _("Bạn không có quyền phê duyệt văn bản của %(org)s.") % {"org": org.name}
        return _("Chỉ lãnh đạo %(org)s được thu hồi văn bản.") % {"org": org.name}
    if action == "sign":
        ok = user is not None and user.pk == document.signer_id
        return (
            ""
            if ok
            else _("Chỉ người ký được chỉ định (%(name)s) được ký văn bản này.") % {"name": document.signer_name}
        )
    if action in ("issue", "register", "return", "check"):
        return (
            ""
            if can(actor, Perm.DOCS_REGISTER, org)
            else _("Chỉ văn thư của %(org)s được làm việc này.") % {"org": org.name}
        )
    if action in ("assign", "urge"):
        ok = can(actor, Perm.DOCS_ASSIGN, org)
        return "" if ok else _("Chỉ lãnh đạo %(org)s được phân công, đôn đốc giải quyết văn bản.") % {"org": org.name}
    if action == "grant":
        ok = can(actor, Perm.DOCS_GRANT, org)
        return "" if ok else _("Bạn không có quyền cấp quyền truy cập văn bản của %(org)s.") % {"org": org.name}
    return ""


def require(actor, document, action: str) -> None:
    reason = refusal(actor, document, action)
    if reason:
        raise PermissionDenied(reason)


def _due(document, action: str) -> bool:
    if document.is_recalled and action != "grant":
        return False
    if action in _DUE:
        return document.state in _DUE[action]
    return True


def abilities(actor, document) -> dict[str, bool]:
    """Action name → offered on the page now."""
    names = OUTGOING_ACTIONS if document.direction == Direction.OUTGOING else INCOMING_ACTIONS
    may = {name: _due(document, name) and not refusal(actor, document, name) for name in (*names, *COMMON_ACTIONS)}
    if document.direction == Direction.INCOMING:
        # Paper arrives by hand: there is no sender on the system to return it to.
        may["return"] = may["return"] and document.channel != Channel.PAPER
    return may
