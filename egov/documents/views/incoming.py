"""Pages: the clerk's registration of a paper document, with the inline duplicate check."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from egov.accounts.roles import Perm
from egov.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from egov.documents.forms.incoming import DuplicateQueryForm, PaperRegisterForm, split_issuer
from egov.documents.models import Document
from egov.documents.selectors.documents import document_get
from egov.documents.services.incoming import document_register_paper, duplicates_of
from egov.documents.views._common import register_organisations, show_error, shows_refusal
from egov.organisations.models import Organisation


def _require_clerk(actor):
    organisations = register_organisations(actor)
    if not organisations.exists():
        raise PermissionDenied(_("Chỉ văn thư được vào sổ văn bản đến."))
    return organisations


def _leaders(organisations) -> list[tuple[int, str]]:
    """Who may receive a secret document: the leaders who assign the organisation's incoming documents."""
    from egov.documents.people import holders

    found: dict[int, str] = {}
    for organisation in organisations:
        for person in holders(Perm.DOCS_ASSIGN, organisation):
            found.setdefault(person.pk, person.full_name)
    return sorted(found.items(), key=lambda item: (item[1], item[0]))


def known_issuers() -> list[Organisation]:
    today = timezone.localdate()
    return list(
        Organisation.objects.filter(Q(active_to__isnull=True) | Q(active_to__gte=today))
        .only("name", "code")
        .order_by("path")
    )


def _just_registered(actor, raw) -> Document | None:
    if not raw:
        return None
    try:
        return document_get(actor, raw)
    except NotFound:
        return None


@login_required
@shows_refusal
def register_paper(request):
    """Vào sổ văn bản đến giấy; after saving, the same page shows the incoming number and a fresh form."""
    actor = request.actor
    organisations = _require_clerk(actor)
    form = PaperRegisterForm(
        request.POST or None, request.FILES or None, organisations=organisations, leaders=_leaders(organisations)
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = document_register_paper(
                    actor=actor,
                    organisation=data["organisation"],
                    values=form.values(),
                    main_file=data["main_file"],
                    allow_duplicate=data["allow_duplicate"],
                )
            except DomainError as exc:
                if isinstance(exc, Conflict) and exc.code == "duplicate":
                    form.show_duplicate = True
                    form.fields["allow_duplicate"].widget = forms.CheckboxInput()
                show_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Đã vào sổ văn bản đến, số đến %(n)s.") % {"n": document.arrival_number},
                )
                return redirect(f"{reverse('documents:register_paper')}?registered={document.pk}")
    return render(
        request,
        "documents/register_paper.html",
        {
            "form": form,
            "registered": _just_registered(actor, request.GET.get("registered")),
            "issuers": known_issuers(),
            "file_lost": request.method == "POST" and bool(request.FILES),
        },
        status=status,
    )


@login_required
@shows_refusal
@require_GET
def duplicates(request):
    """The inline warning while the clerk types: registered documents with the same number, symbol and issuer."""
    from egov.documents.rules.notation import NotationError, parse_number_symbol

    actor = request.actor
    organisations = _require_clerk(actor)
    form = DuplicateQueryForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    organisation = organisations.filter(pk=data.get("organisation")).first() if data.get("organisation") else None
    if organisation is None and len(organisations) == 1:
        organisation = organisations[0]
    found: list[Document] = []
    problem = ""
    raw = (data.get("number_symbol") or "").strip()
    name, code = split_issuer(data.get("issuer_name") or "", data.get("issuer_code") or "")
    if organisation is not None and raw:
        try:
            parsed = parse_number_symbol(raw)
        except (NotationError, ValidationFailed) as exc:
            problem = exc.message
        else:
            if name or code:
                found = duplicates_of(
                    organisation=organisation,
                    actor=actor,
                    number_symbol=f"{parsed.number_text}/{parsed.symbol}",
                    issuer_name=name,
                    issuer_code=code,
                )
    return render(request, "documents/includes/duplicates.html", {"found": found, "problem": problem})


urlpatterns: list = [
    path("incoming/new/", register_paper, name="register_paper"),
    path("incoming/duplicates/", duplicates, name="duplicates"),
]
