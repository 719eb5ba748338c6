"""Papers uploaded before the application that uses them (POST /documents), kept in file storage by the uploader.

Why files and not ApplicationDraft/DraftFile rows: a draft is the web portal's one application in progress per
procedure, and a DraftFile replaces the earlier upload of the same paper; documents uploaded here must not
overwrite what the person is doing on the portal, and an operator uploads too. So each document is two files
under `services/govstack/<user id>/`: `<id>.bin` (the content) and `<id>.json` (what it is). The id is 24 random
URL-safe characters; only its uploader can use it (the path holds their id), once — it is deleted when an
application, a supplement or a task completion takes it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.core.validation import acting_user
from egov.services.catalogue.selectors import procedure_in_force
from egov.services.dossiers import uploads
from egov.services.dossiers.uploads import Upload

ROOT = "services/govstack"
PREFIX = "/api/govstack/registration/documents/"
# A resolution's signed result, uploaded by the leader before completing the approval task.
RESULT = "result"
_ID = re.compile(r"^[A-Za-z0-9_-]{24}$")
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Stored:
    id: str
    service_id: str
    requirement: str
    upload: Upload

    @property
    def url(self) -> str:
        return f"{PREFIX}{self.id}"


def _owner(actor: Actor):
    user = acting_user(actor)
    if user is None:
        raise PermissionDenied(_("Giấy tờ được lưu theo người tải lên: hãy đăng nhập bằng tài khoản cá nhân."))
    return user


def _paths(owner_id: int, doc_id: str) -> tuple[str, str]:
    base = f"{ROOT}/{owner_id}/{doc_id}"
    return f"{base}.bin", f"{base}.json"


def parse_metadata(raw: str | None) -> tuple[str, str]:
    """`additionalMetadata`: a JSON object naming the service and the paper, `{"serviceId", "documentType"}`."""
    try:
        meta = json.loads(raw or "")
    except ValueError:
        meta = None
    if not isinstance(meta, dict):
        raise ValidationFailed(
            {"additionalMetadata": [_('Hãy gửi một đối tượng JSON: {"serviceId": "…", "documentType": "…"}.')]}
        )
    errors: dict[str, list[str]] = {}
    for name in ("serviceId", "documentType"):
        if not isinstance(meta.get(name), str) or not meta[name].strip():
            errors[f"additionalMetadata.{name}"] = [_("Trường này là bắt buộc (chuỗi ký tự).")]
    if errors:
        raise ValidationFailed(errors)
    return meta["serviceId"].strip(), meta["documentType"].strip()


def decode_base64(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed({"file": [_("Nội dung tệp không phải base64 hợp lệ.")]}) from None


def document_upload(*, actor: Actor, service_id: str, requirement: str, name: str, data: bytes) -> Stored:
    """Check the paper against what the service asks for it (type, size, no active content) and keep it."""
    user = _owner(actor)
    if len(data) > MAX_BYTES:
        raise ValidationFailed({"file": [_("Tệp quá lớn.")]})
    try:
        version = procedure_in_force(code=service_id)
    except NotFound as exc:
        raise ValidationFailed({"additionalMetadata.serviceId": [exc.message]}) from None
    if requirement == RESULT:
        if not data.startswith(b"%PDF-"):
            raise ValidationFailed({"file": [_("Kết quả giải quyết phải là tệp PDF.")]})
    else:
        paper = version.required_documents.filter(key=requirement).first()
        if paper is None:
            keys = ", ".join(d.key for d in version.required_documents.all())
            raise ValidationFailed(
                {
                    "additionalMetadata.documentType": [
                        _("Thủ tục không có thành phần hồ sơ “%(key)s”; các thành phần: %(keys)s.")
                        % {"key": requirement, "keys": keys}
                    ]
                }
            )
        uploads.check(paper, Upload(requirement, name, "", data), "file")
    doc_id = secrets.token_urlsafe(18)
    content_type = uploads.sniff(data) or "application/octet-stream"
    bin_path, meta_path = _paths(user.pk, doc_id)
    default_storage.save(bin_path, ContentFile(data))
    meta = {
        "serviceId": service_id,
        "documentType": requirement,
        "name": (name or requirement)[:255],
        "contentType": content_type,
        "size": len(data),
        "uploadedAt": timezone.now().isoformat(),
    }
    default_storage.save(meta_path, ContentFile(json.dumps(meta, ensure_ascii=False).encode()))
    return Stored(doc_id, service_id, requirement, Upload(requirement, meta["name"], content_type, data))


def _doc_id(ref: str) -> str:
    ref = (ref or "").strip().rstrip("/")
    return ref.rsplit("/", 1)[-1]


def document_get(*, actor: Actor, ref: str, field: str) -> Stored:
    """The caller's document named by its url (or bare id); a 4xx naming `field` for anything else."""
    user = _owner(actor)
    doc_id = _doc_id(ref)
    unknown = ValidationFailed({field: [_("Không tìm thấy giấy tờ đã tải lên “%(ref)s”.") % {"ref": ref}]})
    if not _ID.match(doc_id):
        raise unknown
    bin_path, meta_path = _paths(user.pk, doc_id)
    if not default_storage.exists(meta_path) or not default_storage.exists(bin_path):
        raise unknown
    with default_storage.open(meta_path, "rb") as handle:
        meta = json.loads(handle.read())
    with default_storage.open(bin_path, "rb") as handle:
        data = handle.read()
    return Stored(
        doc_id,
        meta["serviceId"],
        meta["documentType"],
        Upload(meta["documentType"], meta["name"], meta["contentType"], data),
    )


def document_take(*, actor: Actor, ref: str, field: str) -> Stored:
    """As document_get, and delete it once the transaction using it commits (a document is used once)."""
    stored = document_get(actor=actor, ref=ref, field=field)
    paths = _paths(acting_user(actor).pk, stored.id)
    transaction.on_commit(lambda: [default_storage.delete(p) for p in paths])
    return stored
