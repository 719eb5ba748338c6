"""Bộ phận một cửa and the officials handling dossiers: the queue by due date, a dossier's page and its actions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from egov.accounts.models import User
from egov.accounts.permissions import can
from egov.accounts.roles import Perm
from egov.calendar.hours import localise
from egov.core.errors import DomainError, NotFound
from egov.core.views_helpers import apply_error, paginate
from egov.services import selectors
from egov.services.dossiers import clock
from egov.services.dossiers import processing as p
from egov.services.dossiers.uploads import Upload
from egov.services.models import DossierEvent, DossierState
from egov.services.models.dossiers import STATE_TAGS
from egov.services.permissions import STAFF_PERMS
from egov.services.views import desk_forms as f
from egov.services.views import interagency as interagency_views

S = DossierState
STEP_ROLES = ("one_stop_officer", "specialist", "leader", "deputy_leader")


def _staff(request) -> None:
    if not any(can(request.actor, perm) for perm in STAFF_PERMS):
        raise Http404


def _dossier(request, pk: int):
    _staff(request)
    try:
        return selectors.dossier_get(request.actor, pk)
    except NotFound:
        raise Http404 from None


@login_required
def queue(request):
    _staff(request)
    form = f.QueueFilterForm(request.GET or None)
    state, overdue = "", False
    if form.is_valid():
        state, overdue = form.cleaned_data["state"], form.cleaned_data["overdue"]
    page = paginate(request, selectors.queue(request.actor, state=state or None, overdue=overdue), per_page=50)
    now = timezone.now()
    labels = {value: str(label) for value, label in DossierState.choices}
    link = reverse("services:desk_dossier", args=[0]).removesuffix("0/")
    for dossier in page:
        dossier.tag = STATE_TAGS.get(dossier.state, "grey")
        dossier.state_label = labels.get(dossier.state, dossier.state)
        dossier.link = f"{link}{dossier.pk}/"
        dossier.timeliness = clock.classify(dossier, now)
        # The date filter's "H:i d/m/Y", formatted here: Django's filter cost more than the rest of the row.
        dossier.due_text = localise(dossier.due_at).strftime("%H:%M %d/%m/%Y") if dossier.due_at else ""
    return render(request, "services/desk/queue.html", {"form": form, "page": page})


def _people(dossier):
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__organisation=dossier.agency,
            role_assignments__role__in=STEP_ROLES,
        )
        .distinct()
        .order_by("full_name")
    )


def _page(request, dossier, *, status: int = 200, **forms):
    actor = request.actor
    agency = dossier.agency
    intake = can(actor, Perm.SERVICES_INTAKE, agency)
    approve = can(actor, Perm.SERVICES_APPROVE, agency)
    open_state = dossier.state not in (S.REFUSED, S.WITHDRAWN, S.STOPPED, S.RETURNED)
    labels = {r.key: r.name for r in dossier.version.required_documents.all()}
    files = list(dossier.files.all())
    for row in files:
        row.requirement_name = labels.get(row.requirement, "")
    schema = dossier.version.form_schema or {}
    answers = [
        (spec.get("title", name), dossier.form_data.get(name, ""))
        for name, spec in (schema.get("properties") or {}).items()
    ]
    context = {
        "dossier": dossier,
        "tag": STATE_TAGS.get(dossier.state, "grey"),
        "timeliness": clock.classify(dossier),
        "files": files,
        "answers": answers,
        "steps": list(dossier.steps.select_related("assignee")),
        "events": [
            (event, selectors.event_label(event))
            for event in DossierEvent.objects.filter(dossier=dossier).order_by("at", "pk")
        ],
        "can_intake": intake,
        "can_approve": approve,
        "can_step": open_state and dossier.state == S.PROCESSING,
        "open_state": open_state,
        "accept_form": forms.get("accept_form") or f.AssigneeForm(people=_people(dossier), prefix="accept"),
        "hand_over_form": forms.get("hand_over_form") or f.HandOverForm(people=_people(dossier), prefix="hand"),
        "supplement_form": forms.get("supplement_form") or f.SupplementRequestForm(prefix="supplement"),
        "refuse_form": forms.get("refuse_form") or f.ReasonForm(prefix="refuse"),
        "stop_form": forms.get("stop_form") or f.ReasonForm(prefix="stop"),
        "resolve_form": forms.get("resolve_form") or f.ResolveForm(prefix="resolve"),
        "apology_form": forms.get("apology_form") or f.ApologyForm(prefix="apology"),
        "paid_form": forms.get("paid_form") or f.PaidForm(prefix="paid"),
        "page_error": forms.get("page_error"),
        **interagency_views.page_context(request, dossier, forms),
    }
    return render(request, "services/desk/dossier.html", context, status=status)


@login_required
def dossier_page(request, pk: int):
    return _page(request, _dossier(request, pk))


def _act(request, pk: int, form_name: str, make_form, call):
    """Validate the action's form, call its service, and show the dossier again — with the error if refused."""
    dossier = _dossier(request, pk)
    form = make_form(dossier)
    if form.is_valid():
        try:
            call(dossier, form.cleaned_data)
        except DomainError as exc:
            apply_error(form, exc)
            return _page(request, dossier, status=exc.status, **{form_name: form})
        return redirect(reverse("services:desk_dossier", args=[dossier.pk]))
    return _page(request, dossier, status=422, **{form_name: form})


@login_required
@require_POST
def accept(request, pk: int):
    return _act(
        request,
        pk,
        "accept_form",
        lambda d: f.AssigneeForm(request.POST, people=_people(d), prefix="accept"),
        lambda d, data: p.dossier_accept(actor=request.actor, dossier=d, assignee=data["assignee"]),
    )


@login_required
@require_POST
def hand_over(request, pk: int):
    return _act(
        request,
        pk,
        "hand_over_form",
        lambda d: f.HandOverForm(request.POST, people=_people(d), prefix="hand"),
        lambda d, data: p.dossier_hand_over(
            actor=request.actor, dossier=d, assignee=data["assignee"], note=data["note"]
        ),
    )


@login_required
@require_POST
def request_supplement(request, pk: int):
    return _act(
        request,
        pk,
        "supplement_form",
        lambda d: f.SupplementRequestForm(request.POST, prefix="supplement"),
        lambda d, data: p.dossier_request_supplement(actor=request.actor, dossier=d, items=[data]),
    )


@login_required
@require_POST
def refuse(request, pk: int):
    return _act(
        request,
        pk,
        "refuse_form",
        lambda d: f.ReasonForm(request.POST, prefix="refuse"),
        lambda d, data: p.dossier_refuse(actor=request.actor, dossier=d, reason=data["reason"]),
    )


@login_required
@require_POST
def stop(request, pk: int):
    return _act(
        request,
        pk,
        "stop_form",
        lambda d: f.ReasonForm(request.POST, prefix="stop"),
        lambda d, data: p.dossier_stop(actor=request.actor, dossier=d, reason=data["reason"]),
    )


def _result(data) -> Upload | None:
    upload = data.get("result")
    if upload is None:
        return None
    return Upload("", upload.name, upload.content_type or "application/pdf", upload.read())


@login_required
@require_POST
def resolve(request, pk: int):
    return _act(
        request,
        pk,
        "resolve_form",
        lambda d: f.ResolveForm(request.POST, request.FILES, prefix="resolve"),
        lambda d, data: p.dossier_resolve(actor=request.actor, dossier=d, result=_result(data), note=data["note"]),
    )


@login_required
@require_POST
def return_result(request, pk: int):
    dossier = _dossier(request, pk)
    try:
        p.dossier_return(actor=request.actor, dossier=dossier)
    except DomainError as exc:
        return _page(request, dossier, status=exc.status, page_error=exc.message)
    return redirect(reverse("services:desk_dossier", args=[dossier.pk]))


@login_required
@require_POST
def apologise(request, pk: int):
    return _act(
        request,
        pk,
        "apology_form",
        lambda d: f.ApologyForm(request.POST, prefix="apology"),
        lambda d, data: p.dossier_apologise(
            actor=request.actor,
            dossier=d,
            new_due_at=clock.office_day_end(data["new_due_date"], d.agency),
            reason=data["reason"],
        ),
    )


@login_required
@require_POST
def mark_paid(request, pk: int):
    return _act(
        request,
        pk,
        "paid_form",
        lambda d: f.PaidForm(request.POST, prefix="paid"),
        lambda d, data: p.dossier_mark_paid(actor=request.actor, dossier=d, reference=data["reference"]),
    )


@login_required
def download(request, pk: int, file_pk: int):
    dossier = _dossier(request, pk)
    row = dossier.files.filter(pk=file_pk).first()
    if row is None:
        raise Http404
    return FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.original_name, content_type=row.content_type
    )


def _form_context(dossier, purpose: str) -> dict:
    """What a form needs beyond the dossier: the latest event of its kind (items, reason, dates, officer)."""
    kinds = {"supplement": "state.supplement", "refusal": "state.refused", "apology": "apology"}
    if purpose not in kinds:
        return {}
    event = dossier.events.filter(kind=kinds[purpose]).select_related("actor").order_by("-at", "-pk").first()
    if event is None:
        raise Http404
    context = {"officer": event.actor, "issued_at": event.at}
    if purpose == "supplement":
        context["items"] = event.data.get("items", [])
    elif purpose == "refusal":
        context["reason"] = event.note
    else:
        context.update(
            reason=event.note,
            original_due_at=dt.datetime.fromisoformat(event.data["from"]),
            new_due_at=dt.datetime.fromisoformat(event.data["to"]),
            signer=event.actor,
        )
    return context


@login_required
def form_pdf(request, pk: int, purpose: str):
    """A one-stop form of the dossier, sealed with the agency's key when a seal PIN is configured."""
    from egov.services import paperwork

    dossier = _dossier(request, pk)
    if purpose not in ("receipt", "supplement", "refusal", "apology", "control"):
        raise Http404
    if purpose == "receipt" and dossier.received_at is None:
        raise Http404
    try:
        pdf = paperwork.render_form(purpose, dossier, context=_form_context(dossier, purpose))
        if settings.EGOV_SERVICES_SEAL_PIN:
            pdf = paperwork.seal_form(pdf, dossier.agency, pin=settings.EGOV_SERVICES_SEAL_PIN)
    except DomainError as exc:
        return _page(request, dossier, status=exc.status, page_error=exc.message)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{purpose}.pdf"'
    return response


urlpatterns = [
    path("desk/", queue, name="desk"),
    path("desk/<int:pk>/", dossier_page, name="desk_dossier"),
    path("desk/<int:pk>/accept/", accept, name="desk_accept"),
    path("desk/<int:pk>/hand-over/", hand_over, name="desk_hand_over"),
    path("desk/<int:pk>/supplement/", request_supplement, name="desk_supplement"),
    path("desk/<int:pk>/refuse/", refuse, name="desk_refuse"),
    path("desk/<int:pk>/stop/", stop, name="desk_stop"),
    path("desk/<int:pk>/resolve/", resolve, name="desk_resolve"),
    path("desk/<int:pk>/return/", return_result, name="desk_return"),
    path("desk/<int:pk>/apology/", apologise, name="desk_apology"),
    path("desk/<int:pk>/paid/", mark_paid, name="desk_paid"),
    path("desk/<int:pk>/files/<int:file_pk>/", download, name="desk_file"),
    path("desk/<int:pk>/forms/<slug:purpose>.pdf", form_pdf, name="desk_form"),
]
