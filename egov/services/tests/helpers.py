"""Small builders for dossier tests: papers to upload and a submitted dossier."""

from __future__ import annotations

import io

from egov.accounts.actor import Actor
from egov.services.dossiers.submission import dossier_submit_online
from egov.services.dossiers.uploads import Upload

APPLICANT = {
    "applicant_name": "Nguyễn Thị Hoa",
    "applicant_id_number": "036190001234",
    "applicant_phone": "0912345678",
    "applicant_email": "hoa@example.test",
    "applicant_address": "Xóm 3, xã Hải Hậu, tỉnh Nam Định",
}
ANSWERS = {"child_name": "Trần Minh An", "birth_date": "2026-11-02"}


def pdf_bytes(text: str = "Giấy chứng sinh") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def papers() -> list[Upload]:
    return [
        Upload("to-khai", "to-khai.pdf", "application/pdf", pdf_bytes("Tờ khai")),
        Upload("giay-chung-sinh", "chung-sinh.pdf", "application/pdf", pdf_bytes()),
    ]


def submit(agency, version, **overrides):
    values = {
        "actor": Actor(user=agency.applicant),
        "version": version,
        "agency": agency.org,
        "applicant_values": APPLICANT,
        "answers": ANSWERS,
        "files": papers(),
    }
    values.update(overrides)
    return dossier_submit_online(**values)


def reseed_rules() -> None:
    """Put back the rows the data migrations wrote (working-calendar rules, one-stop rules and forms): a
    transactional test empties every table when it ends, and later tests need them."""
    from importlib import import_module

    from django.apps import apps

    import_module("egov.calendar.migrations.0002_seed_rules_and_swaps").seed(apps, None)
    import_module("egov.services.migrations.0002_rules").load(apps, None)
