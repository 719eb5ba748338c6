"""The forms of the one-stop shop (Circular 01/2018/TT-VPCP, Mẫu 01–06) as unsigned PDFs.

The number, title and paper size come from the `OfficialForm` row in force on the dossier's date (received,
else submitted), so a later circular that renumbers the forms is a new row, not a code change. The PDF is in
Vietnamese whatever language the person asking for it reads, with dates and times in the agency's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.core.errors import DomainError
from egov.core.pdf import render_pdf
from egov.organisations.models import Organisation
from egov.services.models import Dossier, OfficialForm
from egov.services.paperwork import context as facts

Purpose = OfficialForm.Purpose

_TEMPLATE = "services/paperwork/{purpose}.html"
_BUILDERS: dict[str, Callable[[Dossier, dict], dict]] = {
    Purpose.RECEIPT: facts.receipt,
    Purpose.SUPPLEMENT: facts.supplement,
    Purpose.REFUSAL: facts.refusal,
    Purpose.APOLOGY: facts.apology,
    Purpose.CONTROL: facts.control,
}


def form_in_force(purpose: str, on: dt.date) -> OfficialForm:
    """The form row for `purpose` in force on `on`: the latest one that took effect on or before that day."""
    if purpose not in Purpose.values:
        raise DomainError(_("Không có loại biểu mẫu “%(purpose)s”.") % {"purpose": purpose}, code="unknown_form")
    form = OfficialForm.objects.filter(purpose=purpose, effective_from__lte=on).order_by("-effective_from").first()
    if form is None:
        raise DomainError(
            _("Chưa có biểu mẫu “%(title)s” áp dụng vào ngày %(date)s.")
            % {"title": Purpose(purpose).label, "date": on.strftime("%d/%m/%Y")},
            code="form_not_in_force",
        )
    return form


def render_form(purpose: str, dossier: Dossier, *, context: dict | None = None) -> bytes:
    """The unsigned PDF of one form for one dossier.

    `context` carries what the dossier does not hold: `officer` (name or user), `issued_at`, and per form
    `papers` (receipt), `items` [{name, reason}] (supplement), `reason` (refusal, apology), `new_due_at`,
    `signer`, `signer_title` (apology). See docs/services-forms.md.
    """
    if purpose == Purpose.BOOK:
        raise DomainError(_("Sổ theo dõi hồ sơ được in theo kỳ, không theo từng hồ sơ."), code="book_per_period")
    if purpose not in _BUILDERS:
        raise DomainError(_("Không có loại biểu mẫu “%(purpose)s”.") % {"purpose": purpose}, code="unknown_form")
    extra = dict(context or {})
    with translation.override("vi"):
        form = form_in_force(purpose, facts.dossier_date(dossier))
        values = facts.heading(form, dossier.agency, signed_by_agency=purpose == Purpose.APOLOGY)
        values.update(dossier=dossier, code=dossier.code, **_BUILDERS[purpose](dossier, extra))
        return render_pdf(_TEMPLATE.format(purpose=str(purpose)), values)


def render_book(
    agency: Organisation, dossiers: Iterable[Dossier], *, period_label: str, on: dt.date | None = None
) -> bytes:
    """Mẫu 06, the tracking book of `dossiers` for a period, in the form in force on `on` (today by default)."""
    day = on or facts.local(timezone.now()).date()
    if hasattr(dossiers, "select_related"):
        dossiers = dossiers.select_related("version")
    with translation.override("vi"):
        form = form_in_force(Purpose.BOOK, day)
        values = facts.heading(form, agency)
        values.update(facts.book(agency, dossiers, period_label=period_label))
        return render_pdf(_TEMPLATE.format(purpose=Purpose.BOOK.value), values)
