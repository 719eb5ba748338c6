"""The route's "another agency" step (Lấy ý kiến, chuyển cơ quan khác): the dossier goes there through the exchange.

The dossier travels as an official letter (công văn xin ý kiến) of the agency, with the dossier's PDF papers as
its appendices, addressed to the step's coordinating agency. The letter is the documents app's: drafted here in
one click (or an outgoing document already drafted there is linked), then reviewed, signed, numbered and issued
there as any letter is, and issuing hands it to the exchange (`dispatch` → `enqueue_package`). The exchange tells
us what happens to it by two signals (`egov.exchange.signals`): the package queued for the agency, and each
status message that agency sends back; both land on the dossier's timeline. The reply is the agency's document
registered in our incoming register: edXML's ResponseFor is not kept by the receive path, so the holder links it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.audit.services import audit_record
from egov.calendar.hours import localise
from egov.core.errors import InvalidTransition, NotFound, ValidationFailed
from egov.core.validation import acting_user
from egov.documents.models import Direction, Document, IncomingState, OutgoingState, Secrecy
from egov.organisations.identifiers import InvalidCode, code_style
from egov.organisations.models import Level, Organisation
from egov.services.dossiers import states
from egov.services.models import Dossier, DossierFile, DossierState, DossierStep, RouteStep, StepKind

logger = logging.getLogger(__name__)
EXCHANGE = Actor.system("exchange")
LETTER_TYPE = "cong_van"


# --- the coordinating agency ------------------------------------------------------------------------------
def has_exchange_address(organisation: Organisation) -> bool:
    """An agency reached by the exchange: active, an agency (not an internal unit), with a valid identifier code."""
    if organisation.level == Level.UNIT or not organisation.is_active:
        return False
    try:
        code_style(organisation.code)
    except InvalidCode:
        return False
    return True


def _route_step(dossier: Dossier, step: DossierStep) -> RouteStep | None:
    return dossier.version.route.filter(position=step.position).first()


def coordinating_agency(dossier: Dossier, step: DossierStep) -> Organisation:
    """The agency the step names (its identifier code on the route), checked to be reachable by the exchange."""
    route_step = _route_step(dossier, step)
    code = (route_step.agency_code if route_step else "").strip().upper()
    if not code:
        raise ValidationFailed(
            {"agency_code": [_("Bước “%(step)s” của quy trình chưa ghi mã cơ quan phối hợp.") % {"step": step.name}]}
        )
    agency = Organisation.objects.filter(code=code).first()
    if agency is None:
        raise ValidationFailed(
            {
                "agency_code": [
                    _("Không có cơ quan mang mã định danh “%(code)s” trong danh mục cơ quan.") % {"code": code}
                ]
            }
        )
    if agency.pk == dossier.agency_id:
        raise ValidationFailed(
            {"agency_code": [_("Cơ quan phối hợp phải là cơ quan khác với %(org)s.") % {"org": agency.name}]}
        )
    if not has_exchange_address(agency):
        raise ValidationFailed(
            {
                "agency_code": [
                    _("%(org)s không có địa chỉ liên thông văn bản: không gửi được qua trục liên thông.")
                    % {"org": agency.name}
                ]
            }
        )
    return agency


def _agency_code(dossier: Dossier, step: DossierStep) -> str:
    route_step = _route_step(dossier, step)
    return (route_step.agency_code if route_step else "").strip().upper()


def _agency_name(code: str) -> str:
    return Organisation.objects.filter(code=code).values_list("name", flat=True).first() or code


# --- what has been sent -----------------------------------------------------------------------------------
def letter_sent(letter: Document | None, code: str) -> bool:
    """Issued (not recalled) and handed to the exchange for the agency: its package is queued or has left."""
    from egov.exchange.models import StatusEntry

    if letter is None or letter.state != OutgoingState.ISSUED:
        return False
    return StatusEntry.objects.filter(document=letter, organ_code=code, direction="sent", code="queued").exists()


def require_answered(dossier: Dossier, step: DossierStep, *, note: str) -> None:
    """Before handing over an "another agency" step: the letter has gone; the reply is in, or a note says why not."""
    code = _agency_code(dossier, step)
    if not letter_sent(step.letter, code):
        raise InvalidTransition(
            _(
                "Hồ sơ chưa được gửi đến %(org)s qua trục liên thông (văn bản gửi cơ quan phối hợp "
                "chưa được ban hành): chưa chuyển bước được."
            )
            % {"org": _agency_name(code)},
            field="letter",
        )
    if step.reply_id is None and not " ".join((note or "").split()):
        raise InvalidTransition(
            _(
                "Chưa có văn bản trả lời của %(org)s: hãy ghi nhận văn bản trả lời, "
                "hoặc nêu lý do chuyển bước trong ý kiến xử lý."
            )
            % {"org": _agency_name(code)},
            field="reply",
        )


# --- the holder's actions -----------------------------------------------------------------------------------
def _other_agency_step(actor: Actor, dossier: Dossier) -> DossierStep:
    from egov.services.dossiers.processing import _require_step

    if dossier.state != DossierState.PROCESSING:
        raise InvalidTransition(_("Chỉ gửi cơ quan phối hợp khi hồ sơ đang xử lý."), field="state")
    step = _require_step(actor, dossier)
    if step.kind != StepKind.OTHER_AGENCY:
        raise InvalidTransition(
            _("Bước đang mở “%(step)s” không phải bước lấy ý kiến, chuyển cơ quan khác.") % {"step": step.name},
            field="step",
        )
    return step


def _no_letter_yet(step: DossierStep) -> None:
    if step.letter_id is not None:
        raise InvalidTransition(
            _("Bước này đã có văn bản gửi cơ quan phối hợp (%(doc)s): không gửi lần nữa.")
            % {"doc": step.letter.number_symbol or step.letter.subject[:80]},
            field="letter",
        )


def _locked(dossier: Dossier) -> Dossier:
    from egov.services.dossiers.processing import _locked as lock

    return lock(dossier)


def _papers(dossier: Dossier) -> list[tuple[str, bytes]]:
    """The dossier's submitted papers that can be a letter's appendices (PDF; images stay on the dossier)."""
    result = []
    for row in dossier.files.filter(kind=DossierFile.Kind.SUBMITTED, content_type="application/pdf"):
        with row.file.open("rb") as handle:
            result.append((row.original_name, handle.read()))
    return result


def _drafting_unit(actor: Actor, agency: Organisation) -> Organisation | None:
    """The unit of the agency the actor works in (a công văn's symbol names it), if any."""
    user = acting_user(actor)
    if user is None:
        return None
    membership = (
        user.memberships.filter(organisation__path__startswith=agency.path, organisation__level=Level.UNIT)
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


@transaction.atomic
def dossier_letter_draft(
    *, actor: Actor, dossier: Dossier, subject: str, signer, main_file: tuple[str, bytes], note: str = ""
) -> Document:
    """Draft the letter to the coordinating agency in the documents app, the dossier's PDF papers as appendices.

    The letter is reviewed, signed and issued there like any other; issuing sends it through the exchange.
    """
    from egov.documents.services.outgoing import document_create_draft

    dossier = _locked(dossier)
    step = _other_agency_step(actor, dossier)
    _no_letter_yet(step)
    agency = coordinating_agency(dossier, step)
    unit = _drafting_unit(actor, dossier.agency)
    values = {
        "type_code": LETTER_TYPE,
        "subject": subject,
        "signer": signer.pk if signer is not None else None,
        "drafting_unit": unit.pk if unit is not None else None,
        "urgency": "normal",
        "secrecy": Secrecy.NONE,
        "description": note,
        "handling_due_on": localise(step.due_at).date().isoformat(),
        "recipients": [agency.pk],
    }
    letter = document_create_draft(
        actor=actor, organisation=dossier.agency, values=values, main_file=main_file, appendices=_papers(dossier)
    )
    _record_letter(dossier, step, agency, letter, actor=actor, drafted=True)
    return letter


def _record_letter(dossier, step, agency, letter, *, actor: Actor, drafted: bool, sent: bool = False) -> None:
    """The letter on the step, on the (internal) timeline and in the audit trail."""
    step.letter = letter
    step.save(update_fields=["letter"])
    states.event(
        dossier,
        "agency.letter",
        actor=actor,
        public=False,
        note=agency.name,
        data={"agency": agency.code, "letter": letter.pk, "drafted": drafted},
    )
    if sent:
        # Issued (and queued) before it was linked: the dossier went to the agency with it.
        _sent_event(dossier, agency.code, agency.name, letter, actor=actor)
    after = {"step": step.position, "agency": agency.code, "letter": letter.pk, "drafted": drafted}
    audit_record(
        actor=actor,
        action="services.dossier.agency_letter",
        obj=dossier,
        scope_org=dossier.agency,
        after=after if drafted else {**after, "sent": sent},
    )


@transaction.atomic
def dossier_letter_link(*, actor: Actor, dossier: Dossier, letter_id) -> Document:
    """Link an outgoing document of the agency, drafted or issued in the documents app, addressed to the agency."""
    from egov.documents.selectors.documents import document_get

    dossier = _locked(dossier)
    step = _other_agency_step(actor, dossier)
    _no_letter_yet(step)
    agency = coordinating_agency(dossier, step)
    try:
        letter = document_get(actor, letter_id)
    except NotFound:
        raise ValidationFailed({"letter": [_("Không tìm thấy văn bản.")]}) from None
    if letter.direction != Direction.OUTGOING or letter.organisation_id != dossier.agency_id:
        raise ValidationFailed({"letter": [_("Hãy chọn văn bản đi của %(org)s.") % {"org": dossier.agency.name}]})
    if letter.state == OutgoingState.RECALLED or letter.secrecy != Secrecy.NONE:
        raise ValidationFailed({"letter": [_("Văn bản mật hoặc đã thu hồi không gửi được qua trục liên thông.")]})
    if not letter.recipients.filter(organisation_code=agency.code).exists():
        raise ValidationFailed({"letter": [_("Văn bản này không gửi đến %(org)s.") % {"org": agency.name}]})
    if DossierStep.objects.filter(letter=letter).exists():
        raise ValidationFailed({"letter": [_("Văn bản này đã được dùng cho một hồ sơ khác.")]})
    _record_letter(dossier, step, agency, letter, actor=actor, drafted=False, sent=letter_sent(letter, agency.code))
    return letter


@transaction.atomic
def dossier_reply_link(*, actor: Actor, dossier: Dossier, reply_id) -> Document:
    """Record the coordinating agency's reply: its document as registered in the agency's incoming register."""
    from egov.documents.selectors.documents import document_get

    dossier = _locked(dossier)
    step = _other_agency_step(actor, dossier)
    code = _agency_code(dossier, step)
    if not letter_sent(step.letter, code):
        raise InvalidTransition(
            _("Chưa gửi hồ sơ đến %(org)s: chưa có văn bản trả lời để ghi nhận.") % {"org": _agency_name(code)},
            field="letter",
        )
    if step.reply_id is not None:
        raise InvalidTransition(_("Đã ghi nhận văn bản trả lời cho bước này."), field="reply")
    try:
        reply = document_get(actor, reply_id)
    except NotFound:
        raise ValidationFailed({"reply": [_("Không tìm thấy văn bản.")]}) from None
    if (
        reply.direction != Direction.INCOMING
        or reply.organisation_id != dossier.agency_id
        or reply.issuer_code != code
        or reply.state in (IncomingState.RETURNED, IncomingState.RECALLED)
    ):
        raise ValidationFailed(
            {"reply": [_("Hãy chọn văn bản đến của %(org)s đã nhận vào sổ.") % {"org": _agency_name(code)}]}
        )
    step.reply = reply
    step.save(update_fields=["reply"])
    name = _agency_name(code)
    data = {"agency": code, "reply": reply.pk, "letter": step.letter_id}
    states.event(dossier, "agency.reply", actor=actor, note=name, data=data)
    audit_record(
        actor=actor,
        action="services.dossier.agency_reply",
        obj=dossier,
        scope_org=dossier.agency,
        after={"step": step.position, "agency": code, "reply": reply.pk},
    )
    return reply


# --- what the exchange tells us -----------------------------------------------------------------------------
def _sent_event(dossier: Dossier, code: str, name: str, letter: Document, *, actor: Actor) -> None:
    # Public: the applicant sees that the dossier went to agency X — not the letter, its number or who signed it.
    states.event(
        dossier,
        "agency.sent",
        actor=actor,
        note=name,
        data={"agency": code, "letter": letter.pk, "number": letter.number_symbol},
    )


def _steps_of(letter: Document):
    return DossierStep.objects.filter(letter=letter, kind=StepKind.OTHER_AGENCY).select_related(
        "dossier__agency", "dossier__version"
    )


def _guarded(what: str, work) -> None:
    """A listener's work in its own savepoint: a fault here is logged and must not refuse the exchange's message."""
    try:
        with transaction.atomic():
            work()
    except Exception:
        logger.exception("services: could not put the exchange's %s on the dossier's timeline", what)


def on_package_queued(sender, *, document, to_codes, business_type, actor, **kwargs) -> None:
    """The letter's package was queued for the agency: the dossier went there (once, for the new package)."""

    steps = list(_steps_of(document))  # one query on the exchange's path; none of it for other documents

    def work():
        for step in steps:
            dossier = step.dossier
            code = _agency_code(dossier, step)
            if code not in to_codes:
                continue
            name = _agency_name(code)
            if business_type == 0:
                _sent_event(dossier, code, name, document, actor=actor)
            else:
                states.event(
                    dossier,
                    "agency.status",
                    actor=actor,
                    public=False,
                    note=name,
                    data={"agency": code, "code": {1: "recall", 2: "update", 3: "replace"}.get(business_type, "")},
                )
            audit_record(
                actor=actor,
                action="services.dossier.agency_sent",
                obj=dossier,
                scope_org=dossier.agency,
                after={"step": step.position, "agency": code, "letter": document.pk, "business_type": business_type},
            )

    if steps:
        _guarded("queued package", work)


def on_status_received(sender, *, document, organ_code, code, description, occurred_at, **kwargs) -> None:
    """A status message from the agency about the letter (01 arrived, 03 registered, ...): an internal event."""

    steps = list(_steps_of(document))

    def work():
        for step in steps:
            dossier = step.dossier
            if _agency_code(dossier, step) != organ_code:
                continue
            states.event(
                dossier,
                "agency.status",
                actor=EXCHANGE,
                public=False,
                note=_agency_name(organ_code),
                data={
                    "agency": organ_code,
                    "code": code,
                    "description": description[:200],
                    "occurred_at": occurred_at.isoformat(),
                },
            )
            audit_record(
                actor=EXCHANGE,
                action="services.dossier.agency_status",
                obj=dossier,
                scope_org=dossier.agency,
                after={"step": step.position, "agency": organ_code, "code": code},
            )

    if steps:
        _guarded("status", work)


def event_label(event) -> str:
    """The timeline's words for this step's events (the note holds the agency's name)."""
    from egov.exchange.labels import status_label

    name = event.note
    if event.kind == "agency.letter":
        return _("Soạn văn bản gửi cơ quan phối hợp: %(org)s") % {"org": name}
    if event.kind == "agency.sent":
        return _("Chuyển cơ quan phối hợp: %(org)s") % {"org": name}
    if event.kind == "agency.reply":
        return _("Cơ quan phối hợp đã trả lời: %(org)s") % {"org": name}
    if event.kind == "agency.status":
        return _("%(org)s: %(status)s") % {"org": name, "status": status_label(event.data.get("code", ""))}
    return event.kind


# --- reads for the dossier's page ---------------------------------------------------------------------------
@dataclass(frozen=True)
class AgencyStep:
    """What the dossier's page shows for an open "another agency" step."""

    step: DossierStep
    agency: Organisation | None
    problem: str  # why nothing can be sent (a bad route), or ""
    letter: Document | None
    letter_visible: bool
    sent: bool
    timeline: object  # egov.exchange.selectors.Timeline, or None
    reply: Document | None
    letter_choices: list[Document]
    reply_choices: list[Document]


def agency_step(actor: Actor, dossier: Dossier, step: DossierStep | None) -> AgencyStep | None:
    from egov.documents.permissions import can_see
    from egov.documents.selectors.documents import visible_documents
    from egov.exchange.selectors import timeline_for

    if step is None or step.kind != StepKind.OTHER_AGENCY:
        return None
    problem = ""
    agency = None
    try:
        agency = coordinating_agency(dossier, step)
    except ValidationFailed as exc:
        problem = exc.message
    letter, reply = step.letter, step.reply
    code = agency.code if agency else _agency_code(dossier, step)
    visible = letter is not None and can_see(actor, letter)
    timeline = timeline_for(actor, letter) if visible else None
    letter_choices: list[Document] = []
    reply_choices: list[Document] = []
    documents = visible_documents(actor).filter(organisation=dossier.agency)
    if letter is None and agency is not None:
        letter_choices = list(
            documents.filter(direction=Direction.OUTGOING, secrecy=Secrecy.NONE, recipients__organisation_code=code)
            .exclude(state=OutgoingState.RECALLED)
            .filter(dossier_steps__isnull=True)
            .distinct()
            .order_by("-created_at")[:20]
        )
    sent = letter_sent(letter, code)
    if sent and reply is None:
        reply_choices = list(
            documents.filter(direction=Direction.INCOMING, issuer_code=code)
            .exclude(state__in=[IncomingState.RETURNED, IncomingState.RECALLED])
            .order_by("-received_at", "-pk")[:20]
        )
    return AgencyStep(
        step=step,
        agency=agency,
        problem=problem,
        letter=letter,
        letter_visible=visible,
        sent=sent,
        timeline=timeline,
        reply=reply,
        letter_choices=letter_choices,
        reply_choices=reply_choices,
    )
