"""Pieces the document services share: state transitions, the timeline, stored files, metadata checks."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.audit.services import audit_record
from egov.core.errors import InvalidTransition, ValidationFailed
from egov.core.validation import acting_user
from egov.documents.models import (
    INCOMING_TRANSITIONS,
    OUTGOING_TRANSITIONS,
    Direction,
    Document,
    DocumentEvent,
    DocumentFile,
    DocumentText,
    IncomingState,
    OutgoingState,
)


def state_label(document: Document, state: str) -> str:
    choices = OutgoingState if document.direction == Direction.OUTGOING else IncomingState
    return str(choices(state).label) if state in choices.values else state


def transition(document: Document, to: str, *, actor: Actor, note: str = "", data: dict | None = None) -> None:
    """Move a document along its lifecycle table, recording the move in the timeline and the audit trail."""
    table = OUTGOING_TRANSITIONS if document.direction == Direction.OUTGOING else INCOMING_TRANSITIONS
    before = document.state
    if to not in table.get(before, frozenset()):
        raise InvalidTransition(
            _("Văn bản đang ở trạng thái “%(from)s”, không thể chuyển sang “%(to)s”.")
            % {"from": state_label(document, before), "to": state_label(document, to)}
        )
    document.state = to
    document.save(update_fields=["state", "updated_at"])
    event(document, f"state.{to}", actor=actor, note=note, data={"from": before, "to": to, **(data or {})})
    reindex(document)
    audit_record(
        actor=actor,
        action=f"documents.{document.direction}.{to}",
        obj=document,
        scope_org=document.organisation,
        before={"state": before},
        after={"state": to, **({"note": note} if note else {})},
    )


def event(document: Document, kind: str, *, actor: Actor, note: str = "", data: dict | None = None) -> DocumentEvent:
    return DocumentEvent.objects.create(
        document=document,
        kind=kind,
        at=timezone.now(),
        actor=acting_user(actor),
        actor_label=actor.label[:300],
        note=note[:2000],
        data=data or {},
    )


def store_file(
    document: Document,
    data: bytes,
    *,
    name: str,
    role: str,
    stage: str,
    actor: Actor,
    page_count: int | None,
    position: int = 0,
    note: str = "",
    replaces: Iterable[DocumentFile] = (),
) -> DocumentFile:
    """Keep a new immutable file; the files it replaces stay in the record but are no longer current."""
    previous = list(replaces)
    version = max((f.version for f in previous), default=0) + 1
    digest = hashlib.sha256(data).hexdigest()
    row = DocumentFile(
        document=document,
        role=role,
        stage=stage,
        version=version,
        position=position,
        original_name=name[:255],
        size=len(data),
        sha256=digest,
        page_count=page_count,
        note=note[:500],
        created_by=acting_user(actor),
    )
    row.file.save(_safe_name(name), ContentFile(data), save=False)
    row.save()
    if previous:
        DocumentFile.objects.filter(pk__in=[f.pk for f in previous]).update(is_current=False)
    DocumentText.objects.update_or_create(document=document, defaults={"needs_extraction": True})
    reindex(document)
    return row


def _safe_name(name: str) -> str:
    import re

    from egov.core.text import fold

    base = re.sub(r"[^A-Za-z0-9._-]+", "-", fold(name)).strip("-.") or "file"
    if not base.lower().endswith(".pdf"):
        base += ".pdf"
    return base[-120:]


def current_files(document: Document, role: str | None = None) -> list[DocumentFile]:
    qs = document.files.filter(is_current=True)
    if role:
        qs = qs.filter(role=role)
    return list(qs.order_by("role", "position", "pk"))


def read_file(row: DocumentFile) -> bytes:
    with row.file.open("rb") as handle:
        return handle.read()


def require_state(document: Document, *states: str, message: str) -> None:
    if document.state not in states:
        raise InvalidTransition(message)


def require_not_frozen(document: Document) -> None:
    if document.is_recalled:
        raise InvalidTransition(_("Văn bản đã bị thu hồi: văn bản và dữ liệu đặc tả được giữ nguyên, không sửa đổi."))


def lengths_error(field: str, value: str, limit: int) -> ValidationFailed:
    return ValidationFailed({field: [_("Tối đa %(n)d ký tự (đang có %(m)d).") % {"n": limit, "m": len(value)}]})


def reindex(document: Document) -> None:
    """Keep the search index in step with the metadata; PDF text is extracted after commit, in the background."""
    from egov.documents.search.indexing import schedule_reindex

    schedule_reindex(document)
