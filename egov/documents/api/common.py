"""What the documents API routers share: codes and usernames into objects, objects into output dicts."""

from __future__ import annotations

import enum

from django.urls import reverse
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.models import User
from egov.core.errors import ValidationFailed
from egov.documents.models import AccessGrant, Assignment, Document
from egov.organisations.models import Organisation


def plain(value):
    return value.value if isinstance(value, enum.Enum) else value


def org_by_code(code: str | None, field: str) -> Organisation | None:
    """Any organisation of the platform by identifier code (recipients and issuers may be anywhere), or a 422."""
    code = (code or "").strip()
    if not code:
        return None
    found = Organisation.objects.filter(code=code.upper()).first()
    if found is None:
        raise ValidationFailed(
            {field: [_("Không tìm thấy cơ quan, đơn vị có mã định danh “%(code)s”.") % {"code": code}]}
        )
    return found


def person_by_username(username: str | None, field: str) -> User | None:
    """An active account by username, or a 422; whether that person may take the role is the service's rule."""
    username = (username or "").strip()
    if not username:
        return None
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise ValidationFailed({field: [_("Không tìm thấy người dùng “%(u)s”.") % {"u": username}]})
    return found


def home_organisation(actor: Actor, code: str | None, field: str = "organisation") -> Organisation:
    """The organisation a new document belongs to: the one named, else the API key's own."""
    if code and code.strip():
        return org_by_code(code, field)
    if actor.api_key is not None:
        return actor.api_key.organisation
    raise ValidationFailed({field: [_("Chọn cơ quan (mã định danh).")]})


def document_reload(pk: int) -> Document:
    """A document the caller has just acted on, with what the detail needs joined in."""
    return Document.objects.select_related("organisation", "drafting_unit", "signer", "created_by").get(pk=pk)


# --- output -------------------------------------------------------------------------------------------------


def _username(user) -> str | None:
    return user.username if user is not None else None


def _full_name(user) -> str | None:
    return user.full_name if user is not None else None


def document_out(d: Document) -> dict:
    return {
        "id": d.pk,
        "uid": str(d.uid),
        "direction": d.direction,
        "state": d.state,
        "channel": d.channel,
        "organisation": d.organisation.code,
        "organisation_name": d.organisation.name,
        "type_code": d.type_code,
        "type_name": d.type_name,
        "number_symbol": d.number_symbol,
        "number_text": d.number_text,
        "symbol": d.symbol,
        "issued_on": d.issued_on,
        "issuer_code": d.issuer_code,
        "issuer_name": d.issuer_name,
        "subject": d.subject,
        "urgency": d.urgency,
        "secrecy": d.secrecy,
        "arrival_year": d.arrival_year,
        "arrival_number": d.arrival_number,
        "received_at": d.received_at,
        "registered_at": d.registered_at,
        "handling_due_on": d.handling_due_on,
        "recalled_at": d.recalled_at,
        "created_at": d.created_at,
        "updated_at": d.updated_at,
    }


def file_out(f) -> dict:
    return {
        "id": f.pk,
        "role": f.role,
        "stage": f.stage,
        "version": f.version,
        "position": f.position,
        "is_current": f.is_current,
        "name": f.original_name,
        "content_type": f.content_type,
        "size": f.size,
        "sha256": f.sha256,
        "page_count": f.page_count,
        "note": f.note,
        "created_by": _username(f.created_by),
        "created_at": f.created_at,
        "url": reverse("api:document_file", kwargs={"id": f.document_id, "file_id": f.pk}),
    }


def assignment_out(a: Assignment) -> dict:
    return {
        "id": a.pk,
        "document": a.document_id,
        "parent": a.parent_id,
        "role": a.role,
        "unit": a.unit.code if a.unit_id else None,
        "unit_name": a.unit.name if a.unit_id else None,
        "person": _username(a.person),
        "person_name": _full_name(a.person),
        "due_on": a.due_on,
        "instructions": a.instructions,
        "state": a.state,
        "result": a.result,
        "assigned_by": _username(a.assigned_by),
        "assigned_at": a.assigned_at,
        "completed_by": _username(a.completed_by),
        "completed_at": a.completed_at,
    }


def comment_out(c) -> dict:
    return {
        "id": c.pk,
        "document": c.document_id,
        "author": _username(c.author),
        "author_name": _full_name(c.author),
        "text": c.text,
        "file": c.file_id,
        "created_at": c.created_at,
    }


def grant_out(g: AccessGrant) -> dict:
    return {
        "id": g.pk,
        "document": g.document_id,
        "person": g.person.username,
        "person_name": g.person.full_name,
        "reason": g.reason,
        "granted_by": _username(g.granted_by),
        "granted_at": g.granted_at,
        "revoked_by": _username(g.revoked_by),
        "revoked_at": g.revoked_at,
        "confirmed_by": _username(g.confirmed_by),
        "confirmed_at": g.confirmed_at,
    }


def document_detail(d: Document) -> dict:
    """Everything about one document: metadata, files, recipients, handling, opinions, findings, timeline."""
    from egov.documents.selectors.documents import assignment_tree, timeline

    files = d.files.select_related("created_by").order_by("role", "position", "-version", "-pk")
    recipients = d.recipients.order_by("position", "pk")
    comments = d.comments.select_related("author").order_by("created_at", "pk")
    return {
        **document_out(d),
        "legal_normative": d.legal_normative,
        "series": d.series,
        "year": d.year,
        "number": d.number,
        "place": d.place,
        "drafting_unit": d.drafting_unit.code if d.drafting_unit_id else None,
        "drafting_unit_name": d.drafting_unit.name if d.drafting_unit_id else None,
        "signer": _username(d.signer),
        "signer_prefix": d.signer_prefix,
        "signer_position": d.signer_position,
        "signer_name": d.signer_name,
        "page_count": d.page_count,
        "copies": d.copies,
        "language": d.language,
        "description": d.description,
        "recall_reason": d.recall_reason,
        "source_uid": str(d.source_uid) if d.source_uid else None,
        "created_by": _username(d.created_by),
        "format_findings": [
            {
                "code": f.get("code", ""),
                "severity": f.get("severity", ""),
                "message": f.get("message", ""),
                "field": f.get("field"),
            }
            for f in d.format_findings or []
        ],
        "format_checked_at": d.format_checked_at,
        "files": [file_out(f) for f in files],
        "recipients": [
            {
                "id": r.pk,
                "kind": r.kind,
                "organisation": r.organisation_code,
                "organisation_name": r.organisation_name,
                "delivery_state": r.delivery_state,
                "state_changed_at": r.state_changed_at,
                "note": r.note,
            }
            for r in recipients
        ],
        "assignments": [assignment_out(a) for a in assignment_tree(d)],
        "comments": [comment_out(c) for c in comments],
        "timeline": [
            {
                "id": e.pk,
                "kind": e.kind,
                "at": e.at,
                "actor": _username(e.actor),
                "actor_label": e.actor_label,
                "note": e.note,
                "data": e.data or {},
            }
            for e in timeline(d)
        ],
    }
