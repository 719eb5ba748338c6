"""Public pages of the procedure catalogue (no sign-in): the searchable list and one procedure's details."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render

from egov.core.views_helpers import paginate
from egov.services.catalogue import selectors
from egov.services.catalogue.forms import CatalogueFilterForm
from egov.services.catalogue.presentation import processing_time, vnd

PER_PAGE = 20
# The online application pages (another part of the services app) will answer here.
APPLY_URL = "/services/apply/{code}/"


@dataclass(frozen=True)
class FeeLine:
    kind: str
    description: str
    amount: str
    legal_basis: str


def procedure_list(request):
    form = CatalogueFilterForm(request.GET, service_fields=selectors.catalogue_fields())
    versions = selectors.catalogue_search(**form.filters())
    page_obj = paginate(request, versions, per_page=PER_PAGE)
    return render(
        request,
        "services/catalogue/list.html",
        {"form": form, "page_obj": page_obj, "searched": any(request.GET.get(name) for name in form.fields)},
    )


def procedure_detail(request, code: str):
    version = selectors.procedure_in_force(code=code)
    fees = [FeeLine(f.get_kind_display(), f.description, vnd(f.amount), f.legal_basis) for f in version.fees.all()]
    return render(
        request,
        "services/catalogue/detail.html",
        {
            "version": version,
            "procedure": version.procedure,
            "documents": list(version.required_documents.all()),
            "fees": fees,
            "free": not any(f.amount for f in version.fees.all()),
            "processing_time": processing_time(version.processing_time, version.get_time_unit_display()),
            "apply_url": APPLY_URL.format(code=version.procedure.code),
        },
    )
