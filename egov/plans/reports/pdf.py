"""The progress report for a committee meeting, as a PDF laid out like an administrative document (Decree 30/2020)."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.utils.translation import gettext as _

from egov.core.pdf import render_pdf
from egov.organisations.models import Level, Organisation
from egov.plans.models import Plan
from egov.plans.reports.dashboard import Figures

CAPITAL = "Hà Nội"
# How a province's people's committee is named, longest first; what follows is the place name.
_PROVINCE_PREFIXES = (
    "Ủy ban nhân dân thành phố ",
    "Ủy ban nhân dân tỉnh ",
    "UBND thành phố ",
    "UBND tỉnh ",
    "Thành phố ",
    "Tỉnh ",
)


def document_date(place: str, day: dt.date) -> str:
    """“Hà Nội, ngày 05 tháng 02 năm 2019”: Decree 30 pads days below 10 and the months 1 and 2 with a zero."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)d") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


def place_of(organisation: Organisation) -> str:
    """Where a document of this organisation is dated: the province's name, or Hà Nội for central bodies."""
    root = organisation if organisation.depth <= 1 else Organisation.objects.get(path=organisation.path[:4])
    if root.level != Level.PROVINCE:
        return CAPITAL
    name = unicodedata.normalize("NFC", root.name)
    for prefix in _PROVINCE_PREFIXES:
        if name.lower().startswith(prefix.lower()):
            return name[len(prefix) :]
    return root.short_name or name


def upper(text: str) -> str:
    return unicodedata.normalize("NFC", text).upper()


def plan_report_context(*, plan: Plan, figures: Figures) -> dict:
    organisation = plan.organisation
    parent = organisation.parent_node() if organisation.depth > 1 else None
    return {
        "plan": plan,
        "figures": figures,
        "parent_name": upper(parent.name) if parent else "",
        "organisation_name": upper(organisation.name),
        "abbreviation": organisation.abbreviation,
        "date_line": document_date(place_of(organisation), figures.today),
    }


def plan_dashboard_pdf(*, plan: Plan, figures: Figures) -> bytes:
    """The report: title block, key figures, the table by lead unit and the overdue list."""
    return render_pdf("plans/dashboards/plan_report_pdf.html", plan_report_context(plan=plan, figures=figures))
