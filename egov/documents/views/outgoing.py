"""Pages: drafting an outgoing document (dự thảo văn bản đi) and editing the draft's metadata."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import Membership, User
from egov.accounts.permissions import can
from egov.accounts.roles import Perm
from egov.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from egov.documents.forms.outgoing import EXTERNAL_ROWS, DraftForm
from egov.documents.models import Direction, OutgoingState, RecipientKind
from egov.documents.people import holders
from egov.documents.selectors.documents import document_get
from egov.documents.services.outgoing import document_create_draft, document_update_draft
from egov.documents.views import _abilities
from egov.documents.views._common import document_url, drafting_organisations, show_error, shows_refusal
from egov.organisations.models import Organisation


def _signers(organisation: Organisation):
    """Leaders who may sign for the organisation, those working in it first (a province's leaders sign too)."""
    ids = [user.pk for user in holders(Perm.DOCS_APPROVE, organisation)]
    inside = set(
        Membership.objects.filter(user_id__in=ids, organisation__path__startswith=organisation.path).values_list(
            "user_id", flat=True
        )
    )
    return User.objects.filter(pk__in=inside or ids).order_by("full_name", "pk")


def _recipients(organisation: Organisation):
    today = timezone.localdate()
    return (
        Organisation.objects.exclude(pk=organisation.pk)
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=today))
        .order_by("path")
    )


def _form(request, actor, organisations, organisation, *, initial=None, with_files=True) -> DraftForm:
    return DraftForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" and with_files else None,
        organisations=organisations,
        organisation=organisation,
        units=Organisation.objects.filter(path__startswith=organisation.path).order_by("path"),
        signers=_signers(organisation),
        recipients=_recipients(organisation),
        initial=initial,
        with_files=with_files,
    )


def _default_unit(actor, organisation: Organisation):
    unit = actor.organisation
    if unit is not None and unit.path.startswith(organisation.path) and can(actor, Perm.DOCS_DRAFT, unit):
        return unit.pk
    return None


@login_required
@shows_refusal
def draft_create(request):
    actor = request.actor
    organisations = drafting_organisations(actor)
    if not organisations.exists():
        raise PermissionDenied(_("Bạn không có quyền soạn thảo văn bản."))
    wanted = request.POST.get("organisation") or request.GET.get("organisation") or ""
    organisation = organisations.filter(pk=wanted).first() if wanted.isdigit() else None
    organisation = organisation or organisations.first()
    initial = {"organisation": organisation.pk, "drafting_unit": _default_unit(actor, organisation)}
    form = _form(request, actor, organisations, organisation, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            main, appendices = form.files_data()
            try:
                document = document_create_draft(
                    actor=actor,
                    organisation=form.cleaned_data["organisation"],
                    values=form.values(),
                    main_file=main,
                    appendices=appendices,
                )
            except DomainError as exc:
                show_error(form, exc, form.error_map())
                status = exc.status
            else:
                messages.success(request, _("Đã lưu dự thảo."))
                return redirect(document_url(document))
    return render(
        request,
        "documents/draft_form.html",
        {
            "form": form,
            "organisation": organisation,
            "organisations": organisations,
            "creating": True,
            "file_lost": request.method == "POST" and bool(request.FILES),
        },
        status=status,
    )


def _initial(document) -> dict:
    initial = {
        name: getattr(document, name)
        for name in ("type_code", "subject", "legal_normative", "signer_prefix", "signer_position", "urgency")
    }
    initial |= {
        "secrecy": document.secrecy,
        "place": document.place,
        "description": document.description,
        "organisation": document.organisation_id,
        "drafting_unit": document.drafting_unit_id,
        "signer": document.signer_id,
    }
    recipients = list(document.recipients.all())
    initial["recipients_internal"] = [r.organisation_id for r in recipients if r.kind == RecipientKind.INTERNAL]
    outside = [r for r in recipients if r.kind == RecipientKind.EXTERNAL][:EXTERNAL_ROWS]
    for index, row in enumerate(outside):
        initial[f"external_code_{index}"] = row.organisation_code
        initial[f"external_name_{index}"] = row.organisation_name
    return initial


@login_required
@shows_refusal
def draft_edit(request, pk: int):
    actor = request.actor
    document = document_get(actor, pk)
    if document.direction != Direction.OUTGOING:
        raise NotFound(_("Không tìm thấy dự thảo."))
    _abilities.require(actor, document, "edit")
    if document.state != OutgoingState.DRAFT:
        from egov.documents.views.detail import render_detail

        messages.error(request, _("Chỉ sửa được thông tin khi văn bản là dự thảo."))
        return render_detail(request, document, status=InvalidTransition.status)
    organisation = document.organisation
    organisations = Organisation.objects.filter(pk=organisation.pk)
    form = _form(request, actor, organisations, organisation, initial=_initial(document), with_files=False)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                document_update_draft(actor=actor, document=document, values=form.values())
            except DomainError as exc:
                show_error(form, exc, form.error_map())
                status = exc.status
            else:
                messages.success(request, _("Đã lưu thông tin dự thảo."))
                return redirect(document_url(document))
    return render(
        request,
        "documents/draft_form.html",
        {"form": form, "organisation": organisation, "document": document, "creating": False},
        status=status,
    )


urlpatterns: list = [
    path("outgoing/new/", draft_create, name="draft_create"),
    path("<int:pk>/edit/", draft_edit, name="draft_edit"),
]
