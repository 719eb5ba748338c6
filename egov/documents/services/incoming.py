"""Incoming documents: arrival, registration with the continuous incoming number, duplicates, return, recall."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.roles import Perm
from egov.audit.services import audit_record
from egov.core.errors import Conflict, ValidationFailed
from egov.core.text import clean, fold
from egov.core.validation import Errors, acting_user, text
from egov.documents.models import (
    Channel,
    DeliveryState,
    Direction,
    Document,
    DocumentText,
    FileRole,
    FileStage,
    IncomingState,
)
from egov.documents.permissions import require_at, require_see
from egov.documents.services import checks, common, metadata
from egov.documents.services.files import read_upload
from egov.documents.services.numbering import INCOMING_SERIES, take_number
from egov.organisations.models import Organisation


def _notify_new(document: Document) -> None:
    from egov.documents.people import holders
    from egov.notifications.services import notify_users

    notify_users(
        users=holders(Perm.DOCS_REGISTER, document.organisation),
        topic="documents.arrived",
        title=_("Văn bản mới đến: %(ns)s") % {"ns": document.number_symbol or document.subject[:60]},
        body=_("%(issuer)s gửi: %(subject)s") % {"issuer": document.issuer_name, "subject": document.subject},
        url=f"/documents/{document.pk}/",
        obj=document,
    )


def receive_exchanged(
    organisation: Organisation,
    values: dict,
    files: list[tuple[str, str, bytes]],
    *,
    actor: Actor,
    source: Document | None = None,
    check_now: bool = True,
) -> Document:
    """The incoming copy registered from an exchanged package, waiting in the register for the clerk.

    `values` are the package's metadata in the register's fields, `files` (name, role, content) its attachments.
    The caller (the exchange) makes this idempotent per DocumentId; it runs in the caller's transaction. With
    `check_now=False` the format and signature check runs in a background job just after the commit.
    """
    copy = Document.objects.create(
        direction=Direction.INCOMING,
        organisation=organisation,
        state=IncomingState.ARRIVED,
        channel=Channel.PLATFORM if source is not None else Channel.EXCHANGE,
        source=source,
        source_uid=source.uid if source is not None else None,
        received_at=timezone.now(),
        **values,
    )
    for position, (name, role, data) in enumerate(files):
        common.store_file(
            copy,
            data,
            name=name,
            role=role,
            stage=FileStage.RECEIVED,
            actor=actor,
            page_count=None,
            position=position,
        )
    common.event(copy, "arrived", actor=actor, note=copy.issuer_name)
    if check_now:
        checks.run(copy, stage="incoming")
    else:
        from egov.documents.tasks import check_after_commit

        check_after_commit(copy.pk)
    audit_record(
        actor=actor,
        action="documents.incoming.arrive",
        obj=copy,
        scope_org=organisation,
        after={"issuer": copy.issuer_code, "number": copy.number_symbol},
    )
    _notify_new(copy)
    return copy


def duplicates_of(
    *,
    organisation: Organisation,
    actor: Actor | None = None,
    source_uid=None,
    number_symbol: str = "",
    issuer_name: str = "",
    issuer_code: str = "",
    exclude_pk: int | None = None,
) -> list[Document]:
    """Registered documents with the same identifier, or the same number, symbol and issuer (App. VI III.1h)."""
    q = Q(pk__in=[])
    if source_uid:
        q |= Q(source_uid=source_uid)
    same_number = Q(pk__in=[])
    if number_symbol and "/" in number_symbol:
        number_text, symbol = number_symbol.split("/", 1)
        same_number = Q(number_text=number_text, symbol=symbol)
    base = Document.objects.filter(
        organisation=organisation, direction=Direction.INCOMING, arrival_number__isnull=False
    )
    if exclude_pk:
        base = base.exclude(pk=exclude_pk)
    if actor is not None:
        # A duplicate the clerk may not see (a secret document) is not named: its existence is secret too.
        from egov.documents.permissions import visible_q

        base = base.filter(visible_q(actor))
    found = {d.pk: d for d in base.filter(q)[:10]}
    # The issuer is compared folded (case and diacritics), in Python: SQLite's LIKE folds only ASCII.
    wanted = fold(clean(issuer_name))
    for candidate in base.filter(same_number).order_by("pk")[:50]:
        if (issuer_code and candidate.issuer_code == issuer_code) or (
            wanted and fold(clean(candidate.issuer_name)) == wanted
        ):
            found.setdefault(candidate.pk, candidate)
    return sorted(found.values(), key=lambda d: d.pk)[:10]


def _duplicate_conflict(found: list[Document]) -> Conflict:
    listed = "; ".join(_("số đến %(n)s (%(ns)s)") % {"n": d.arrival_number, "ns": d.number_symbol} for d in found)
    return Conflict(
        _("Văn bản này có thể đã được vào sổ: %(list)s. Kiểm tra lại, hoặc xác nhận vẫn vào sổ.") % {"list": listed},
        field="number_symbol",
        code="duplicate",
    )


def _assign_arrival_number(document: Document, *, actor: Actor) -> None:
    now = timezone.now()
    year = timezone.localdate(now).year
    document.arrival_year = year
    document.arrival_number = take_number(organisation=document.organisation, year=year, series=INCOMING_SERIES)
    document.registered_at = now
    document.save()
    late = _registered_late(document)
    common.transition(
        document, IncomingState.REGISTERED, actor=actor, data={"arrival_number": document.arrival_number, "late": late}
    )
    audit_record(
        actor=actor,
        action="documents.incoming.number",
        obj=document,
        scope_org=document.organisation,
        after={"arrival_year": year, "arrival_number": document.arrival_number},
    )
    update_sender(document, DeliveryState.RECEIVED, actor=actor)


def _registered_late(document: Document) -> bool:
    """Art. 22: registered the day it arrives, at the latest the next working day."""
    from egov.calendar.workdays import next_working_day

    if document.received_at is None:
        return False
    arrived = timezone.localdate(document.received_at)
    return timezone.localdate(document.registered_at) > next_working_day(arrived)


@transaction.atomic
def document_register(
    *, actor: Actor, document: Document, allow_duplicate: bool = False, values: dict | None = None
) -> Document:
    """Vào sổ văn bản đến: an electronic arrival gets the next incoming number (số đến)."""
    document = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
    require_at(
        actor,
        Perm.DOCS_REGISTER,
        document.organisation,
        _("Chỉ văn thư của %(org)s được vào sổ văn bản đến.") % {"org": document.organisation.name},
    )
    require_see(actor, document)
    common.require_state(document, IncomingState.ARRIVED, message=_("Văn bản đã được vào sổ hoặc đã xử lý."))
    if values:
        errors = Errors()
        due = metadata.date_value(values, "handling_due_on", errors)
        errors.raise_if_any()
        if due:
            document.handling_due_on = due
    if not allow_duplicate:
        found = duplicates_of(
            organisation=document.organisation,
            actor=actor,
            source_uid=document.source_uid,
            number_symbol=document.number_symbol,
            issuer_name=document.issuer_name,
            issuer_code=document.issuer_code,
            exclude_pk=document.pk,
        )
        if found:
            raise _duplicate_conflict(found)
    _assign_arrival_number(document, actor=actor)
    return document


def _paper_fields(values: dict, errors: Errors) -> dict:
    from egov.documents.rules.notation import NotationError, parse_number_symbol

    fields = metadata.common_fields(values, errors)
    number_symbol = text(values, "number_symbol", errors, max_length=42)
    fields.update(number_text="", symbol="", number=None)
    if number_symbol:
        try:
            parsed = parse_number_symbol(number_symbol, type_code=fields["type_code"] or None)
        except (NotationError, ValidationFailed) as exc:
            errors.add("number_symbol", getattr(exc, "message", str(exc)))
        else:
            fields.update(number=parsed.number, number_text=parsed.number_text, symbol=parsed.symbol)
    elif fields["type_code"] != "cong_van":
        errors.add("number_symbol", _("Nhập số, ký hiệu của văn bản (ví dụ 2508/QĐ-UBND)."))
    fields["issued_on"] = metadata.date_value(values, "issued_on", errors, required=True)
    if fields["issued_on"] and fields["issued_on"] > timezone.localdate():
        errors.add("issued_on", _("Ngày ban hành không thể sau hôm nay."))
        fields["issued_on"] = None
    fields["issuer_name"] = text(values, "issuer_name", errors, required=True, max_length=metadata.ORGAN_NAME_MAX)
    fields["issuer_code"] = text(values, "issuer_code", errors, max_length=35)
    fields["issuer"] = (
        Organisation.objects.filter(code=fields["issuer_code"]).first() if fields["issuer_code"] else None
    )
    return fields


def _received_at(values: dict, errors: Errors) -> dt.datetime:
    day = metadata.date_value(values, "received_on", errors)
    now = timezone.now()
    if day is None:
        return now
    if day > timezone.localdate(now):
        errors.add("received_on", _("Ngày đến không thể sau hôm nay."))
        return now
    return now if day == timezone.localdate(now) else timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))


def _secret_readers(values: dict, organisation: Organisation, errors: Errors) -> list:
    """A secret document goes to named leaders (grant_to): nobody else learns it exists."""
    from egov.accounts.models import User
    from egov.accounts.permissions import can

    people = []
    for raw in values.get("grant_to") or []:
        person = User.objects.filter(pk=raw, is_active=True).first() if str(raw).isdigit() else None
        if person is None or not can(Actor(user=person), Perm.DOCS_ASSIGN, organisation):
            errors.add("grant_to", _("Văn bản mật chỉ chuyển cho lãnh đạo của %(org)s.") % {"org": organisation.name})
            continue
        people.append(person)
    if not people:
        errors.add("grant_to", _("Chọn lãnh đạo nhận văn bản mật."))
    return people


@transaction.atomic
def document_register_paper(
    *,
    actor: Actor,
    organisation: Organisation,
    values: dict,
    main_file=None,
    appendices=(),
    allow_duplicate: bool = False,
) -> Document:
    """Vào sổ a paper document (with its scan) entered by the clerk: created and numbered in one step."""
    require_at(
        actor,
        Perm.DOCS_REGISTER,
        organisation,
        _("Chỉ văn thư của %(org)s được vào sổ văn bản đến.") % {"org": organisation.name},
    )
    errors = Errors()
    fields = _paper_fields(values, errors)
    received_at = _received_at(values, errors)
    readers = _secret_readers(values, organisation, errors) if fields.get("secrecy") != "none" else []
    main = read_upload(main_file, "main_file", errors) if main_file is not None else None
    extra = [read_upload(f, f"appendices.{i}", errors) for i, f in enumerate(appendices)]
    if fields.get("issued_on") and timezone.localdate(received_at) < fields["issued_on"]:
        errors.add("received_on", _("Ngày đến không thể trước ngày ban hành."))
    errors.raise_if_any()
    if not allow_duplicate:
        number_symbol = f"{fields['number_text']}/{fields['symbol']}" if fields["symbol"] else ""
        found = duplicates_of(
            organisation=organisation,
            actor=actor,
            number_symbol=number_symbol,
            issuer_name=fields["issuer_name"],
            issuer_code=fields["issuer_code"],
        )
        if found:
            raise _duplicate_conflict(found)
    document = Document.objects.create(
        direction=Direction.INCOMING,
        organisation=organisation,
        state=IncomingState.ARRIVED,
        channel=Channel.PAPER,
        received_at=received_at,
        created_by=acting_user(actor),
        year=fields["issued_on"].year if fields.get("issued_on") else None,
        **fields,
    )
    if main is not None:
        data, name, info = main
        common.store_file(
            document,
            data,
            name=name,
            role=FileRole.MAIN,
            stage=FileStage.RECEIVED,
            actor=actor,
            page_count=info.page_count,
        )
        if not document.page_count:
            document.page_count = info.page_count
    for position, (data, name, info) in enumerate(extra):
        common.store_file(
            document,
            data,
            name=name,
            role=FileRole.APPENDIX,
            stage=FileStage.RECEIVED,
            actor=actor,
            page_count=info.page_count,
            position=position,
        )
    DocumentText.objects.get_or_create(document=document)
    if document.is_secret:
        from egov.documents.services.access import grant_implicitly

        if acting_user(actor) is not None:
            grant_implicitly(document, acting_user(actor), actor=actor, reason=_("Văn thư vào sổ văn bản mật"))
        for person in readers:
            grant_implicitly(document, person, actor=actor, reason=_("Văn thư chuyển văn bản mật để xử lý"))
    common.event(document, "arrived", actor=actor, note=_("Văn bản giấy"))
    audit_record(
        actor=actor,
        action="documents.incoming.create",
        obj=document,
        scope_org=organisation,
        after={"number_symbol": document.number_symbol, "issuer": document.issuer_name},
    )
    _assign_arrival_number(document, actor=actor)
    return document


@transaction.atomic
def document_return(*, actor: Actor, document: Document, reason: str) -> Document:
    """Trả lại: a misaddressed or invalid electronic document goes back to the sender through the system."""
    document = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
    require_at(
        actor,
        Perm.DOCS_REGISTER,
        document.organisation,
        _("Chỉ văn thư của %(org)s được trả lại văn bản.") % {"org": document.organisation.name},
    )
    require_see(actor, document)
    reason = clean(reason)
    if not reason:
        raise ValidationFailed({"reason": [_("Nêu lý do trả lại văn bản.")]})
    if len(reason) > 500:
        raise common.lengths_error("reason", reason, 500)
    common.require_state(document, IncomingState.ARRIVED, message=_("Chỉ trả lại được văn bản chưa vào sổ."))
    common.transition(document, IncomingState.RETURNED, actor=actor, note=reason)
    update_sender(document, DeliveryState.RETURNED, actor=actor, note=reason)
    return document


def update_sender(copy: Document, state: str, *, actor: Actor, note: str = "") -> None:
    """The sender sees the receiver's handling status (App. VI III.1k, III.1o): reported through the dispatcher,
    which sends a status message for a copy that came through the exchange."""
    from egov.documents.services.dispatch import external_dispatcher

    reporter = getattr(external_dispatcher(), "report", None)
    if reporter is not None:
        reporter(copy=copy, state=state, actor=actor, note=note)


def destroy_recalled_copy(copy: Document, *, actor: Actor, reason: str) -> None:
    """Appendix VI III.8b–c: the incoming copy's files and metadata are destroyed; the recall's record stays."""
    copy = Document.objects.select_for_update(of=("self",)).get(pk=copy.pk)
    if copy.state == IncomingState.RECALLED:
        return
    for row in copy.files.all():
        row.file.delete(save=False)
    copy.files.all().delete()
    DocumentText.objects.filter(document=copy).delete()
    copy.case_file_items.all().delete()
    copy.subject = _("(Văn bản đã bị thu hồi)")
    copy.description = ""
    copy.signer_name = copy.signer_position = ""
    copy.recalled_at = timezone.now()
    copy.recall_reason = reason[:500]
    copy.format_findings = []
    copy.save()
    copy.assignments.exclude(state="done").update(state="done", result=_("Văn bản bị thu hồi"))
    common.transition(copy, IncomingState.RECALLED, actor=actor, note=reason)
