"""Nơi nhận of an outgoing document: units and agencies on this platform, or agencies reached by the exchange."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from egov.core.text import clean
from egov.core.validation import Errors
from egov.documents.models import Recipient, RecipientKind
from egov.organisations.models import Organisation


@dataclass(frozen=True)
class Wanted:
    kind: str
    organisation: Organisation | None
    code: str
    name: str


def parse(items, *, organisation: Organisation, errors: Errors) -> list[Wanted]:
    """Each item is an organisation id (on this platform) or {"code": …, "name": …} for an outside agency."""
    wanted: list[Wanted] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        field = f"recipients.{index}"
        if isinstance(item, dict) and not item.get("organisation"):
            code, name = clean(item.get("code")), clean(item.get("name"))
            org = Organisation.objects.filter(code=code).first() if code else None
            if org is None:
                if not code or not name:
                    errors.add(field, _("Nơi nhận ngoài hệ thống cần mã định danh và tên cơ quan."))
                    continue
                if len(code) > 35 or len(name) > 200:
                    errors.add(field, _("Mã định danh tối đa 35 ký tự, tên tối đa 200 ký tự."))
                    continue
                if code in seen:
                    continue
                seen.add(code)
                wanted.append(Wanted(RecipientKind.EXTERNAL, None, code, name))
                continue
        else:
            raw = item.get("organisation") if isinstance(item, dict) else item
            org = Organisation.objects.filter(pk=raw).first() if str(raw).isdigit() else None
            if org is None:
                errors.add(field, _("Không tìm thấy cơ quan, đơn vị nhận “%(v)s”.") % {"v": raw})
                continue
        if org.pk == organisation.pk:
            errors.add(field, _("Cơ quan không gửi văn bản cho chính mình; lưu văn thư là bản lưu."))
            continue
        if org.code in seen:
            continue
        seen.add(org.code)
        wanted.append(Wanted(RecipientKind.INTERNAL, org, org.code, org.name[:200]))
    return wanted


def replace(document, wanted: list[Wanted]) -> None:
    document.recipients.all().delete()
    Recipient.objects.bulk_create(
        Recipient(
            document=document,
            kind=w.kind,
            organisation=w.organisation,
            organisation_code=w.code,
            organisation_name=w.name,
            position=i,
        )
        for i, w in enumerate(wanted)
    )
