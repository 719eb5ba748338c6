"""Hồ sơ as the actor may see them: the catalogue, one file, the documents in it, the files of a document.

A file is seen by the organisation's clerks and leaders (DOCS_REGISTER or DOCS_VIEW_ALL there), by the
person who opened it, by the members of the unit it belongs to and by the leaders reviewing that unit's
work. The documents listed in a file, and every count of them, are only those the actor may see, so a
secret document filed there leaves no trace for anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.permissions import scope_paths
from egov.accounts.roles import Perm
from egov.core.errors import NotFound
from egov.core.validation import acting_user
from egov.documents.models import CaseFile, CaseFileItem, Document, DocumentFile, FileRole
from egov.documents.permissions import member_org_ids, visible_q
from egov.documents.services.casefiles import chronological_key


def _paths_q(paths: tuple[str, ...] | None, field: str) -> Q:
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    return Q(*[Q(**{f"{field}__startswith": p}) for p in paths], _connector=Q.OR)


def casefile_visible_q(actor: Actor) -> Q:
    """A filter on CaseFile for the files the actor may see."""
    if actor.is_system:
        return Q()
    q = _paths_q(scope_paths(actor, Perm.DOCS_REGISTER), "organisation__path")
    q |= _paths_q(scope_paths(actor, Perm.DOCS_VIEW_ALL), "organisation__path")
    user = acting_user(actor)
    if user is None:
        return q
    q |= Q(creator=user)
    units = member_org_ids(actor)
    if units:
        q |= Q(unit_id__in=units)
    review = scope_paths(actor, Perm.DOCS_REVIEW)
    if review != ():
        q |= Q(unit__isnull=False) & _paths_q(review, "unit__path")
    return q


def _visible_items(actor: Actor) -> Q:
    return Q(items__document__in=Document.objects.filter(visible_q(actor)).values("pk"))


def casefile_catalogue(
    actor: Actor,
    organisation,
    *,
    year: int | None = None,
    state: str = "",
    unit=None,
    creator=None,
) -> QuerySet[CaseFile]:
    """Danh mục hồ sơ of one organisation (and its units), with `document_count` of the visible documents."""
    qs = (
        CaseFile.objects.filter(casefile_visible_q(actor))
        .filter(organisation=organisation)
        .select_related("organisation", "unit", "creator")
        .annotate(document_count=Count("items", filter=_visible_items(actor)))
    )
    if year:
        qs = qs.filter(year=year)
    if state:
        qs = qs.filter(state=state)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if creator is not None:
        qs = qs.filter(creator=creator)
    return qs.order_by("-year", "notation", "pk")


def casefiles_of_person(actor: Actor, person) -> QuerySet[CaseFile]:
    """Every file a person opened, in every organisation, as far as the actor may see (App. VI III.4đ)."""
    return (
        CaseFile.objects.filter(casefile_visible_q(actor), creator=person)
        .select_related("organisation", "unit")
        .annotate(document_count=Count("items", filter=_visible_items(actor)))
        .order_by("-year", "organisation__path", "notation", "pk")
    )


def casefile_get(actor: Actor, pk) -> CaseFile:
    """One file the actor may see; anything else is "not found"."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Không tìm thấy hồ sơ.")) from None
    found = (
        CaseFile.objects.filter(casefile_visible_q(actor), pk=pk)
        .select_related("organisation", "unit", "creator")
        .first()
    )
    if found is None:
        raise NotFound(_("Không tìm thấy hồ sơ."))
    return found


def require_casefile_see(actor: Actor, case_file: CaseFile) -> None:
    if not CaseFile.objects.filter(casefile_visible_q(actor), pk=case_file.pk).exists():
        raise NotFound(_("Không tìm thấy hồ sơ."))


@dataclass(frozen=True)
class FiledDocument:
    """A document as listed in a file: its place there (1…n among what the actor sees) and its current files."""

    position: int
    ordinal: int
    document: Document
    files: list[DocumentFile]

    @property
    def main(self) -> DocumentFile | None:
        return next((f for f in self.files if f.role == FileRole.MAIN), None)

    @property
    def appendices(self) -> list[DocumentFile]:
        return [f for f in self.files if f.role == FileRole.APPENDIX]


def casefile_documents(actor: Actor, case_file: CaseFile) -> list[FiledDocument]:
    """The documents of a file the actor may see, in the order they came into being (two queries)."""
    current = Prefetch(
        "document__files",
        queryset=DocumentFile.objects.filter(is_current=True).order_by("pk"),
        to_attr="current_files",
    )
    items = list(
        CaseFileItem.objects.filter(case_file=case_file, document__in=Document.objects.filter(visible_q(actor)))
        .select_related("document", "document__drafting_unit")
        .prefetch_related(current)
    )
    items.sort(key=lambda i: (chronological_key(i.document), i.ordinal, i.pk))
    return [
        FiledDocument(n, i.ordinal, i.document, sorted(i.document.current_files, key=_main_first))
        for n, i in enumerate(items, 1)
    ]


def _main_first(row: DocumentFile) -> tuple:
    return (row.role != FileRole.MAIN, row.position, row.pk)


def files_of_document(actor: Actor, document: Document) -> QuerySet[CaseFile]:
    """The files a document was filed in, as far as the actor may see them (for the document's page)."""
    seen = Document.objects.filter(visible_q(actor), pk=document.pk).values("pk")
    filed = CaseFileItem.objects.filter(case_file=OuterRef("pk"), document__in=seen)
    return (
        CaseFile.objects.filter(casefile_visible_q(actor))
        .filter(Exists(filed))
        .select_related("organisation")
        .order_by("-year", "notation", "pk")
    )
