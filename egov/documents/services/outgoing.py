"""Outgoing documents: draft → unit review → leader approval → signer's signature → number and seal → dispatch."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.permissions import can, scope_paths
from egov.accounts.roles import Perm
from egov.audit.services import audit_record
from egov.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from egov.core.validation import Errors, acting_user, long_text
from egov.documents.models import (
    Channel,
    Comment,
    Direction,
    Document,
    FileRole,
    FileStage,
    OutgoingState,
)
from egov.documents.permissions import require_at, require_see
from egov.documents.services import common, metadata, recipients
from egov.documents.services.files import read_upload
from egov.organisations.models import Organisation


def may_draft_in(actor: Actor, organisation: Organisation) -> bool:
    """Drafting is done in the organisation itself or in one of its units."""
    paths = scope_paths(actor, Perm.DOCS_DRAFT)
    if paths is None:
        return True
    return any(organisation.path.startswith(p) or p.startswith(organisation.path) for p in paths)


def _in_subtree(org: Organisation, root: Organisation) -> bool:
    return org.path.startswith(root.path)


def _draft_fields(values: dict, organisation: Organisation, errors: Errors) -> dict:
    from egov.accounts.models import User

    fields = metadata.common_fields(values, errors)
    unit_id = values.get("drafting_unit")
    fields["drafting_unit"] = None
    if unit_id not in (None, ""):
        unit = Organisation.objects.filter(pk=unit_id).first() if str(unit_id).isdigit() else None
        if unit is None or not _in_subtree(unit, organisation):
            errors.add("drafting_unit", _("Đơn vị soạn thảo phải thuộc %(org)s.") % {"org": organisation.name})
        else:
            fields["drafting_unit"] = unit
    signer_id = values.get("signer")
    fields["signer"] = None
    if signer_id in (None, ""):
        errors.add("signer", _("Chọn người ký văn bản."))
    else:
        signer = User.objects.filter(pk=signer_id, is_active=True).first() if str(signer_id).isdigit() else None
        if signer is None or not can(Actor(user=signer), Perm.DOCS_APPROVE, organisation):
            errors.add(
                "signer",
                _("Người ký phải là lãnh đạo có thẩm quyền ký văn bản của %(org)s.") % {"org": organisation.name},
            )
        else:
            fields["signer"] = signer
            fields["signer_name"] = fields["signer_name"] or signer.full_name[: metadata.FULL_NAME_MAX]
            if not fields["signer_position"]:
                fields["signer_position"] = _position_of(signer, organisation)
    return fields


def _position_of(user, organisation: Organisation) -> str:
    membership = (
        user.memberships.filter(organisation__path__startswith=organisation.path).exclude(position="").first()
        if hasattr(user, "memberships")
        else None
    )
    return membership.position[: metadata.POSITION_MAX] if membership else ""


@transaction.atomic
def document_create_draft(
    *,
    actor: Actor,
    organisation: Organisation,
    values: dict,
    main_file=None,
    appendices=(),
) -> Document:
    """Dự thảo văn bản đi: metadata, recipients and the draft file (PDF)."""
    refused = _("Bạn không có quyền soạn thảo văn bản của %(org)s.") % {"org": organisation.name}
    if not may_draft_in(actor, organisation):
        raise PermissionDenied(refused)
    errors = Errors()
    fields = _draft_fields(values, organisation, errors)
    if fields.get("drafting_unit") is not None and not can(actor, Perm.DOCS_DRAFT, fields["drafting_unit"]):
        errors.add("drafting_unit", _("Bạn chỉ soạn thảo văn bản cho đơn vị mình công tác."))
    wanted = recipients.parse(values.get("recipients") or [], organisation=organisation, errors=errors)
    main = read_upload(main_file, "main_file", errors) if main_file is not None else None
    extra = [read_upload(f, f"appendices.{i}", errors) for i, f in enumerate(appendices)]
    errors.raise_if_any()
    document = Document.objects.create(
        direction=Direction.OUTGOING,
        organisation=organisation,
        state=OutgoingState.DRAFT,
        channel=Channel.CREATED,
        issuer=organisation,
        issuer_code=organisation.code,
        issuer_name=organisation.name[: metadata.ORGAN_NAME_MAX],
        created_by=acting_user(actor),
        **fields,
    )
    recipients.replace(document, wanted)
    if main is not None:
        _store_draft(document, main, actor=actor, role=FileRole.MAIN)
    for position, upload in enumerate(extra):
        _store_draft(document, upload, actor=actor, role=FileRole.APPENDIX, position=position)
    if document.is_secret and acting_user(actor) is not None:
        from egov.documents.services.access import grant_implicitly

        grant_implicitly(document, acting_user(actor), actor=actor, reason=_("Người soạn thảo văn bản mật"))
    common.event(document, "created", actor=actor)
    common.reindex(document)
    audit_record(
        actor=actor,
        action="documents.outgoing.create",
        obj=document,
        scope_org=organisation,
        after={"subject": document.subject, "type": document.type_code},
    )
    return document


def _store_draft(document, upload, *, actor, role, position=0, note=""):
    data, name, info = upload
    previous = [f for f in common.current_files(document, role) if f.position == position]
    row = common.store_file(
        document,
        data,
        name=name,
        role=role,
        stage=FileStage.DRAFT,
        actor=actor,
        page_count=info.page_count,
        position=position,
        note=note,
        replaces=previous,
    )
    if role == FileRole.MAIN:
        document.page_count = info.page_count
        document.save(update_fields=["page_count", "updated_at"])
    return row


def _require_editor(actor: Actor, document: Document) -> None:
    require_see(actor, document)
    user = acting_user(actor)
    if actor.is_system or (user is not None and user.pk == document.created_by_id):
        return
    if can(actor, Perm.DOCS_REVIEW, document.drafting_unit or document.organisation) or can(
        actor, Perm.DOCS_APPROVE, document.organisation
    ):
        return
    raise PermissionDenied(_("Chỉ người soạn thảo và lãnh đạo duyệt được sửa dự thảo."))


@transaction.atomic
def document_update_draft(*, actor: Actor, document: Document, values: dict) -> Document:
    document = Document.objects.select_for_update().get(pk=document.pk)
    _require_editor(actor, document)
    common.require_state(document, OutgoingState.DRAFT, message=_("Chỉ sửa được thông tin khi văn bản là dự thảo."))
    errors = Errors()
    fields = _draft_fields(values, document.organisation, errors)
    wanted = recipients.parse(values.get("recipients") or [], organisation=document.organisation, errors=errors)
    errors.raise_if_any()
    before = {name: str(getattr(document, name)) for name in fields}
    for name, value in fields.items():
        setattr(document, name, value)
    document.save()
    recipients.replace(document, wanted)
    common.event(document, "updated", actor=actor)
    common.reindex(document)
    audit_record(
        actor=actor,
        action="documents.outgoing.update",
        obj=document,
        scope_org=document.organisation,
        before=before,
        after={name: str(getattr(document, name)) for name in fields},
    )
    return document


@transaction.atomic
def document_add_version(
    *, actor: Actor, document: Document, file, role: str = FileRole.MAIN, position: int = 0, note: str = ""
):
    """A new draft version (the reviewer may correct and send back — Appendix VI III.1n)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    _require_editor(actor, document)
    common.require_state(
        document,
        OutgoingState.DRAFT,
        OutgoingState.IN_REVIEW,
        OutgoingState.AWAITING_APPROVAL,
        message=_("Chỉ thêm phiên bản dự thảo trước khi văn bản được phê duyệt."),
    )
    errors = Errors()
    upload = read_upload(file, "file", errors)
    errors.raise_if_any()
    row = _store_draft(document, upload, actor=actor, role=role, position=position, note=note)
    common.event(document, "version", actor=actor, note=note, data={"version": row.version, "role": role})
    audit_record(
        actor=actor,
        action="documents.outgoing.version",
        obj=document,
        scope_org=document.organisation,
        after={"version": row.version, "sha256": row.sha256},
    )
    return row


@transaction.atomic
def document_comment(*, actor: Actor, document: Document, text: str) -> Comment:
    require_see(actor, document)
    common.require_not_frozen(document)
    errors = Errors()
    value = long_text({"text": text}, "text", errors, required=True, max_length=4000)
    errors.raise_if_any()
    main = common.current_files(document, FileRole.MAIN)
    comment = Comment.objects.create(
        document=document, author=acting_user(actor), text=value, file=main[0] if main else None
    )
    common.event(document, "comment", actor=actor, note=value)
    audit_record(
        actor=actor,
        action="documents.comment",
        obj=document,
        scope_org=document.organisation,
        after={"comment": comment.pk},
    )
    return comment


def _lock(document: Document) -> Document:
    return Document.objects.select_for_update(of=("self",)).get(pk=document.pk)


@transaction.atomic
def document_submit(*, actor: Actor, document: Document, note: str = "") -> Document:
    """Trình duyệt: to the drafting unit's head, or straight to the organisation's leader when there is no unit."""
    document = _lock(document)
    _require_editor(actor, document)
    if not common.current_files(document, FileRole.MAIN):
        raise ValidationFailed({"main_file": [_("Dự thảo chưa có tệp văn bản chính (PDF).")]})
    target = OutgoingState.IN_REVIEW if document.drafting_unit_id else OutgoingState.AWAITING_APPROVAL
    common.transition(document, target, actor=actor, note=note)
    return document


@transaction.atomic
def document_review(*, actor: Actor, document: Document, approve: bool, note: str = "") -> Document:
    """Lãnh đạo đơn vị soạn thảo duyệt nội dung, or returns the draft with a reason."""
    document = _lock(document)
    require_see(actor, document)
    unit = document.drafting_unit or document.organisation
    require_at(actor, Perm.DOCS_REVIEW, unit, _("Chỉ lãnh đạo %(unit)s được duyệt dự thảo này.") % {"unit": unit.name})
    common.require_state(
        document, OutgoingState.IN_REVIEW, message=_("Văn bản không ở bước chờ lãnh đạo đơn vị duyệt.")
    )
    if not approve and not note.strip():
        raise ValidationFailed({"note": [_("Nêu lý do trả lại dự thảo.")]})
    common.transition(
        document, OutgoingState.AWAITING_APPROVAL if approve else OutgoingState.DRAFT, actor=actor, note=note
    )
    return document


@transaction.atomic
def document_approve(*, actor: Actor, document: Document, approve: bool, note: str = "") -> Document:
    """Lãnh đạo cơ quan phê duyệt (ready for signature), or returns the draft with a reason."""
    document = _lock(document)
    require_see(actor, document)
    require_at(
        actor,
        Perm.DOCS_APPROVE,
        document.organisation,
        _("Bạn không có quyền phê duyệt văn bản của %(org)s.") % {"org": document.organisation.name},
    )
    common.require_state(document, OutgoingState.AWAITING_APPROVAL, message=_("Văn bản không ở bước chờ phê duyệt."))
    if not approve and not note.strip():
        raise ValidationFailed({"note": [_("Nêu lý do trả lại dự thảo.")]})
    common.transition(document, OutgoingState.APPROVED if approve else OutgoingState.DRAFT, actor=actor, note=note)
    return document


def ensure_outgoing(document: Document) -> None:
    if document.direction != Direction.OUTGOING:
        raise InvalidTransition(_("Thao tác này chỉ dành cho văn bản đi."))


def now():
    return timezone.now()
