"""The document page: metadata, files, signature report, format findings, handling, timeline — and its actions."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from egov.core.errors import DomainError
from egov.core.validation import acting_user
from egov.core.views_helpers import safe_next
from egov.documents.forms import actions as action_forms
from egov.documents.forms.fields import people_of, target_choices
from egov.documents.models import AccessAction, AssignmentRole, AssignmentState, Direction, FileRole
from egov.documents.permissions import member_org_ids
from egov.documents.selectors import documents as selectors
from egov.documents.selectors.casefiles import files_of_document
from egov.documents.services.access import access_log
from egov.documents.views._abilities import abilities
from egov.documents.views._common import document_url, show_error, shows_refusal
from egov.exchange.selectors import timeline_for

logger = logging.getLogger(__name__)
OPEN_STATES = (AssignmentState.OPEN, AssignmentState.IN_PROGRESS)


def signature_report(row):
    """The validation of one stored PDF; a file missing from storage is reported, not a 500."""
    from egov.documents.signing.report import PdfReport
    from egov.documents.signing.validate import validate_pdf

    if row is None:
        return None
    try:
        with row.file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError, ValueError):
        logger.warning("document file %s is missing from storage", row.pk)
        return PdfReport(error=_("Không đọc được tệp đã lưu."))
    return validate_pdf(data)


def _assignment_nodes(actor, document, rows, bound, targets):
    """The assignment tree, depth-first, each row knowing whether it is the actor's to act on."""
    user = acting_user(actor)
    units = set(member_org_ids(actor))
    children: dict[int | None, list] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered = []

    def walk(parent_id, depth):
        for row in children.get(parent_id, []):
            row.depth = depth
            mine = (user is not None and row.person_id == user.pk) or (row.unit_id is not None and row.unit_id in units)
            row.actionable = mine and row.state in OPEN_STATES and not document.is_recalled
            if row.actionable:
                row.start_key, row.forward_key, row.complete_key = (
                    f"start-{row.pk}",
                    f"forward-{row.pk}",
                    f"complete-{row.pk}",
                )
                row.forward_form = bound.get(row.forward_key) or action_forms.ForwardForm(
                    targets=targets(), prefix=row.forward_key
                )
                row.complete_form = bound.get(row.complete_key) or action_forms.CompleteForm(prefix=row.complete_key)
                row.start_form = bound.get(row.start_key)
                row.needs_result = row.role != AssignmentRole.INFORM
            ordered.append(row)
            walk(row.pk, depth + 1)

    walk(None, 0)
    return ordered


def render_detail(request, document, *, bound: dict | None = None, status: int = 200):
    actor = request.actor
    bound = bound or {}
    may = abilities(actor, document)
    org = document.organisation
    cached_targets: list = []

    def targets():
        if not cached_targets:
            cached_targets.append(target_choices(org))
        return cached_targets[0]

    files = list(document.files.select_related("created_by").order_by("-is_current", "role", "position", "-version"))
    current_main = next((f for f in files if f.is_current and f.role == FileRole.MAIN), None)
    rows = selectors.assignment_tree(document) if document.direction == Direction.INCOMING else []
    assignments = _assignment_nodes(actor, document, rows, bound, targets)
    may["urge"] = may.get("urge", False) and any(
        r.state in OPEN_STATES and r.role != AssignmentRole.INFORM for r in rows
    )
    forms = {
        "submit": action_forms.SubmitForm(prefix="submit"),
        "review": action_forms.NoteDecisionForm(prefix="review"),
        "approve": action_forms.NoteDecisionForm(prefix="approve"),
        "sign": action_forms.PinForm(prefix="sign"),
        "issue": action_forms.PinForm(prefix="issue"),
        "recall": action_forms.ReasonForm(prefix="recall"),
        "register": action_forms.RegisterForm(prefix="register"),
        "return": action_forms.ReasonForm(prefix="return"),
        "urge": action_forms.UrgeForm(prefix="urge"),
        "comment": action_forms.CommentForm(prefix="comment"),
        "version": action_forms.VersionForm(prefix="version"),
        "check": action_forms.EmptyForm(prefix="check"),
    }
    if may.get("assign") or "assign" in bound:
        forms["assign"] = action_forms.TargetsForm(targets=targets(), prefix="assign")
    grants = []
    if may["grant"]:
        forms["grant"] = action_forms.GrantForm(people=people_of(org), prefix="grant")
        grants = list(
            document.grants.select_related("person", "granted_by", "revoked_by", "confirmed_by").order_by(
                "-granted_at", "-pk"
            )
        )
    failed = failed_name = None
    for name, form in bound.items():
        failed, failed_name = form, name
        if name in forms:
            forms[name] = form
    context = {
        "document": document,
        "may": may,
        "forms": forms,
        "failed_form": failed,
        "failed_name": failed_name,
        "files": files,
        "current_main": current_main,
        "signatures": signature_report(current_main),
        "findings": document.format_findings or [],
        "recipients": list(document.recipients.select_related("organisation"))
        if document.direction == Direction.OUTGOING
        else [],
        "assignments": assignments,
        "comments": list(document.comments.select_related("author")),
        "events": list(selectors.timeline(document)),
        "grants": grants,
        "unconfirmed": [g for g in grants if g.confirmed_at is None],
        "access_history": list(document.access_log.select_related("file")[:20]) if may["grant"] else [],
        "is_outgoing": document.direction == Direction.OUTGOING,
        "case_files": list(files_of_document(request.actor, document)),
        "exchange_timeline": timeline_for(actor, document),
    }
    return render(request, "documents/detail.html", context, status=status)


@login_required
@shows_refusal
def detail(request, pk: int):
    document = selectors.document_get(request.actor, pk)
    access_log(actor=request.actor, document=document, action=AccessAction.VIEW)
    return render_detail(request, document)


@login_required
@shows_refusal
def file_download(request, pk: int, file_id: int):
    """A file of the document, to whoever may see the document; every download is in the access history."""
    actor = request.actor
    document = selectors.document_get(actor, pk)
    row = document.files.filter(pk=file_id).first()
    if row is None:
        raise Http404
    try:
        handle = row.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    access_log(actor=actor, document=document, action=AccessAction.DOWNLOAD, file=row)
    response = FileResponse(handle, as_attachment=True, filename=row.original_name, content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def run_action(request, document, name: str, form, call, success, *, field_map=None, on_error=None):
    """One action of the document page: parse, call the service, report; a refusal stays a 403/404."""
    if form.is_valid():
        try:
            result = call(form)
        except DomainError as exc:
            show_error(form, exc, field_map)
            if on_error is not None:
                on_error(form, exc)
            return render_detail(request, document, bound={name: form}, status=exc.status)
        messages.success(request, success(result) if callable(success) else success)
        return redirect(safe_next(request, document_url(document)))
    return render_detail(request, document, bound={name: form}, status=400)


urlpatterns: list = [
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/files/<int:file_id>/", file_download, name="file"),
]
