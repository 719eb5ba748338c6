"""Pages: "Văn bản" home with the actor's work queues, and the plain list of visible documents."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from egov.accounts.permissions import can, scope_paths
from egov.accounts.roles import Perm
from egov.core.views_helpers import paginate
from egov.documents.forms.actions import QuickAssignForm
from egov.documents.forms.fields import target_choices
from egov.documents.models import Direction, IncomingState, OutgoingState
from egov.documents.permissions import require_documents_access
from egov.documents.selectors import documents as selectors
from egov.documents.views._common import shows_refusal
from egov.organisations.models import Organisation

QUEUE_ROWS = 20


def _queue(queryset, limit: int = QUEUE_ROWS) -> dict:
    rows = list(queryset[: limit + 1])
    return {"rows": rows[:limit], "count": len(rows) if len(rows) <= limit else queryset.count()}


def _assigning_organisations(actor) -> list[Organisation]:
    paths = scope_paths(actor, Perm.DOCS_ASSIGN)
    if paths is None:
        return [actor.organisation] if actor.organisation is not None else []
    return list(Organisation.objects.filter(path__in=paths).order_by("path")[:5])


@login_required
@shows_refusal
def home(request):
    actor = request.actor
    require_documents_access(actor)
    user = actor.user
    context: dict = {
        "may_register": can(actor, Perm.DOCS_REGISTER),
        "may_draft": can(actor, Perm.DOCS_DRAFT),
        "may_read_registers": can(actor, Perm.DOCS_REGISTER) or can(actor, Perm.DOCS_VIEW_ALL),
    }
    if context["may_register"]:
        context["to_register"] = _queue(selectors.to_register(actor))
        context["to_issue"] = _queue(selectors.to_issue(actor))
    if can(actor, Perm.DOCS_REVIEW) or can(actor, Perm.DOCS_APPROVE):
        waiting = selectors.to_review(actor)
        context["to_sign"] = _queue(waiting.filter(state=OutgoingState.APPROVED, signer=user))
        context["to_review"] = _queue(waiting.exclude(state=OutgoingState.APPROVED))
    if can(actor, Perm.DOCS_ASSIGN):
        to_assign = _queue(selectors.to_assign(actor))
        organisations = Organisation.objects.in_bulk({d.organisation_id for d in to_assign["rows"]})
        targets = {pk: target_choices(org) for pk, org in organisations.items()}
        for document in to_assign["rows"]:
            # Posts the same field as the document page's assignment form; only the ids differ per row.
            document.quick_form = QuickAssignForm(
                targets=targets[document.organisation_id], prefix="assign", auto_id=f"quick{document.pk}_%s"
            )
        context["to_assign"] = to_assign
        context["deadlines"] = [
            {"organisation": org, **selectors.deadline_lists(actor, org)} for org in _assigning_organisations(actor)
        ]
    work = selectors.my_work(actor)
    context["my_work"] = {
        "rows": work,
        "count": len(work),
        "overdue": sum(1 for item in work if item.overdue),
        "due_soon": sum(1 for item in work if item.due_soon),
    }
    context["my_drafts"] = _queue(selectors.my_drafts(actor))
    return render(request, "documents/home.html", context)


def _int_or_none(raw, low: int, high: int) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None


@login_required
@shows_refusal
def document_list(request):
    actor = request.actor
    require_documents_access(actor)
    direction = request.GET.get("direction", "")
    if direction not in Direction.values:
        direction = ""
    states = {
        Direction.OUTGOING: list(OutgoingState.choices),
        Direction.INCOMING: list(IncomingState.choices),
        "": [*OutgoingState.choices, *(c for c in IncomingState.choices if c[0] not in OutgoingState.values)],
    }[direction]
    state = request.GET.get("state", "")
    if state not in {value for value, _label in states}:
        state = ""
    year = _int_or_none(request.GET.get("year"), 1945, 2100)
    documents = selectors.documents_list(
        actor, direction=direction or None, states=(state,) if state else (), year=year
    ).order_by("-created_at", "-pk")
    page = paginate(request, documents, per_page=50)
    return render(
        request,
        "documents/list.html",
        {
            "page_obj": page,
            "direction": direction,
            "directions": Direction.choices,
            "state": state,
            "states": states,
            "year": year or "",
        },
    )


urlpatterns: list = [
    path("", home, name="home"),
    path("list/", document_list, name="list"),
]
