"""What each one-stop form shows: facts from the dossier and from the caller, dates in words, in local time.

Every builder runs under `translation.override("vi")` (see forms.py), so the labels it returns are Vietnamese.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core.errors import DomainError, ValidationFailed
from egov.organisations.models import Level, Organisation
from egov.services.models import Dossier, DossierFile, DossierState, OfficialForm, ResultDelivery, StepKind
from egov.services.paperwork.qr import qr_data_uri

# The province's name on the date line ("Nam Định, ngày …") is its official name without the body's title.
_PROVINCE_PREFIXES = ("Ủy ban nhân dân tỉnh ", "Ủy ban nhân dân thành phố ", "UBND tỉnh ", "UBND thành phố ", "Tỉnh ")


# --- dates and times --------------------------------------------------------------------------------------------


def local(value: dt.datetime | None) -> dt.datetime | None:
    """The moment in the agency's local time (settings.TIME_ZONE), whatever zone the request activated."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value.astimezone(ZoneInfo(settings.TIME_ZONE))


def date_words(day: dt.date) -> str:
    """ "ngày 05 tháng 02 năm 2026": Decree 30/2020 puts a 0 before days below 10 and before months 1 and 2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("ngày %(day)s tháng %(month)s năm %(year)s") % {"day": f"{day.day:02d}", "month": month, "year": day.year}


def moment_words(value: dt.datetime) -> str:
    """ "16 giờ 00 phút, ngày 25 tháng 11 năm 2026", in local time."""
    moment = local(value)
    return _("%(hour)s giờ %(minute)s phút, %(date)s") % {
        "hour": f"{moment.hour:02d}",
        "minute": f"{moment.minute:02d}",
        "date": date_words(moment.date()),
    }


def short_moment(value: dt.datetime | None) -> str:
    """ "09:15 23/11/2026" for table cells, in local time; "" when there is no such moment."""
    moment = local(value)
    return "" if moment is None else f"{moment:%H:%M %d/%m/%Y}"


def dossier_date(dossier: Dossier) -> dt.date:
    """The dossier's date, which picks the forms in force for it: received, else submitted (local day)."""
    return local(dossier.received_at or dossier.submitted_at).date()


def timeliness(finished: dt.datetime | None, due: dt.datetime | None) -> str:
    """ "Trước hạn" (done on a day before the due day), "Đúng hạn", "Quá hạn"; "" while not done."""
    if finished is None or due is None:
        return ""
    if finished > due:
        return _("Quá hạn")
    if local(finished).date() < local(due).date():
        return _("Trước hạn")
    return _("Đúng hạn")


# --- the heading ------------------------------------------------------------------------------------------------


def place_name(agency: Organisation) -> str:
    """The place on the date line (địa danh): the agency's province; Hà Nội for central bodies."""
    chain = [agency, *reversed(list(Organisation.objects.get_ancestors(agency)))]
    province = next((org for org in chain if org.level == Level.PROVINCE), None)
    if province is None:
        return "Hà Nội"
    for prefix in _PROVINCE_PREFIXES:
        if province.name.startswith(prefix):
            return province.name[len(prefix) :]
    return province.name


def heading(form: OfficialForm, agency: Organisation, *, signed_by_agency: bool = False) -> dict:
    """The top of every form: issuing body left, motto right, "Mẫu số 01" above, the title from the form row.

    Forms the one-stop unit issues name the agency and then its unit; the apology comes from the agency's head,
    so it names the superior body and then the agency (Circular 01/2018, Mẫu 04).
    """
    if signed_by_agency:
        parent = Organisation.objects.get_parent(agency)
        upper, lower = (parent.name if parent else ""), agency.name
    else:
        upper, lower = agency.name, _("Bộ phận Tiếp nhận và Trả kết quả")
    return {
        "form": form,
        "form_number": _("Mẫu số %(number)s") % {"number": form.number},
        "paper": form.paper,
        "landscape": form.purpose == OfficialForm.Purpose.BOOK,
        "heading_upper": upper,
        "heading_lower": lower,
        "agency": agency,
        "place": place_name(agency),
    }


# --- people and papers ------------------------------------------------------------------------------------------


def person_name(value) -> str:
    """A name given as text or as a user."""
    if value is None:
        return ""
    return str(getattr(value, "full_name", "") or value)


def receiving_officer(dossier: Dossier, context: dict) -> str:
    """The officer named in the context, else whoever holds the intake step of the control sheet."""
    if context.get("officer"):
        return person_name(context["officer"])
    step = dossier.steps.filter(kind=StepKind.INTAKE).select_related("assignee").order_by("position").first()
    return person_name(step.assignee) if step and step.assignee else ""


def papers_received(dossier: Dossier, context: dict) -> list[dict]:
    """The papers handed in, with how many originals and copies: as the counter lists them in the context,
    else the procedure's required papers of which the dossier holds a submitted file."""
    if context.get("papers") is not None:
        return [
            {"name": p["name"], "originals": int(p.get("originals", 0)), "copies": int(p.get("copies", 0))}
            for p in context["papers"]
        ]
    held = set(dossier.files.filter(kind=DossierFile.Kind.SUBMITTED).values_list("requirement", flat=True).distinct())
    return [
        {"name": doc.name, "originals": doc.originals, "copies": doc.copies}
        for doc in dossier.version.required_documents.order_by("position", "pk")
        if doc.key in held
    ]


def applicant(dossier: Dossier) -> dict:
    return {
        "name": dossier.applicant_name,
        "id_number": dossier.applicant_id_number,
        "phone": dossier.applicant_phone,
        "email": dossier.applicant_email,
        "address": dossier.applicant_address,
    }


def _issued_on(context: dict) -> dt.date:
    return local(context.get("issued_at") or timezone.now()).date()


def _require(value, field: str, message: str):
    if value in (None, "", [], ()):
        raise ValidationFailed({field: [message]})
    return value


# --- one builder per form ---------------------------------------------------------------------------------------


def receipt(dossier: Dossier, context: dict) -> dict:
    """Mẫu 01: what was received, from whom, when, and when the result will be returned."""
    if dossier.received_at is None or dossier.due_at is None:
        raise DomainError(
            _("Hồ sơ %(code)s chưa được tiếp nhận hoặc chưa có ngày hẹn trả kết quả.") % {"code": dossier.code},
            code="not_received",
        )
    version = dossier.version
    return {
        "applicant": applicant(dossier),
        "procedure_name": version.name,
        # Vietnamese writes a decimal comma: "0,5 ngày làm việc".
        "processing_time": f"{version.processing_time.normalize():f}".replace(".", ",")
        + f" {version.get_time_unit_display()}",
        "papers": papers_received(dossier, context),
        "sets": context.get("sets", 1),
        "received_words": moment_words(dossier.received_at),
        "due_words": moment_words(dossier.due_at),
        "delivery": ResultDelivery(dossier.result_delivery).label,
        "fee_total": f"{dossier.fee_total:,}".replace(",", "."),
        "lookup_secret": dossier.lookup_secret,
        "lookup_url": context.get("lookup_url", ""),
        "officer": receiving_officer(dossier, context),
        "qr": qr_data_uri(dossier.code),
        "date_line": date_words(local(dossier.received_at).date()),
    }


def supplement(dossier: Dossier, context: dict) -> dict:
    """Mẫu 02: the papers to add or put right, each with its reason."""
    items = _require(context.get("items"), "items", _("Nêu ít nhất một giấy tờ cần bổ sung, hoàn thiện."))
    return {
        "applicant": applicant(dossier),
        "procedure_name": dossier.version.name,
        "items": [{"name": item["name"], "reason": item.get("reason", "")} for item in items],
        "contact_phone": context.get("contact_phone") or dossier.agency.phone,
        "officer": person_name(context.get("officer")),
        "date_line": date_words(_issued_on(context)),
    }


def refusal(dossier: Dossier, context: dict) -> dict:
    """Mẫu 03: why the dossier is not taken up."""
    reason = _require(context.get("reason"), "reason", _("Nêu lý do từ chối tiếp nhận hồ sơ."))
    return {
        "applicant": applicant(dossier),
        "procedure_name": dossier.version.name,
        "reason": reason,
        "officer": person_name(context.get("officer")),
        "date_line": date_words(_issued_on(context)),
    }


def apology(dossier: Dossier, context: dict) -> dict:
    """Mẫu 04: the appointment that will be missed, why, and the new one."""
    reason = _require(context.get("reason"), "reason", _("Nêu lý do chậm trả kết quả."))
    original = context.get("original_due_at") or dossier.first_due_at or dossier.due_at
    new = context.get("new_due_at") or dossier.due_at
    if original is None or new is None or new <= original:
        raise ValidationFailed({"new_due_at": [_("Ngày hẹn lại phải sau ngày hẹn trả kết quả ban đầu.")]})
    return {
        "applicant": applicant(dossier),
        "procedure_name": dossier.version.name,
        "received_date": date_words(dossier_date(dossier)),
        "original_words": moment_words(original),
        "new_words": moment_words(new),
        "reason": reason,
        "signer": person_name(context.get("signer")),
        "signer_title": context.get("signer_title", ""),
        "date_line": date_words(_issued_on(context)),
    }


def _holder(step, fallback: str = "") -> str:
    if step is None:
        return fallback
    if step.assignee is not None:
        unit = f" ({step.unit.name})" if step.unit is not None else ""
        return f"{step.assignee.full_name}{unit}"
    return step.unit.name if step.unit is not None else step.name


def control(dossier: Dossier, context: dict) -> dict:
    """Mẫu 05: each hand-over of the dossier, who gave it to whom, when, and whether each step kept its time."""
    steps = list(dossier.steps.select_related("unit", "assignee").order_by("position", "started_at", "pk"))
    rows = []
    for index, step in enumerate(steps):
        rows.append(
            {
                "number": index + 1,
                "name": step.name,
                "giver": _holder(steps[index - 1]) if index else dossier.applicant_name,
                "receiver": _holder(step),
                "started": short_moment(step.started_at),
                "due": short_moment(step.due_at),
                "finished": short_moment(step.finished_at),
                "mark": timeliness(step.finished_at, step.due_at),
                "note": step.note,
            }
        )
    return {
        "procedure_name": dossier.version.name,
        "applicant": applicant(dossier),
        "received_words": moment_words(dossier.received_at) if dossier.received_at else "",
        "due_words": moment_words(dossier.due_at) if dossier.due_at else "",
        "rows": rows,
    }


def book(agency: Organisation, dossiers: Iterable[Dossier], *, period_label: str) -> dict:
    """Mẫu 06: one row per dossier, in the order given."""
    rows = []
    for index, dossier in enumerate(dossiers, start=1):
        finished = dossier.resolved_at or dossier.returned_at
        rows.append(
            {
                "number": index,
                "code": dossier.code,
                "procedure_name": dossier.version.name,
                "applicant": applicant(dossier),
                "received": short_moment(dossier.received_at),
                "due": short_moment(dossier.due_at),
                "resolved": short_moment(dossier.resolved_at),
                "returned": short_moment(dossier.returned_at),
                "mark": timeliness(finished, dossier.due_at),
                "state": DossierState(dossier.state).label,
            }
        )
    return {"rows": rows, "period_label": period_label}
