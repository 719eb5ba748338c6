"""Demo public services (docs/demo-data.md, "Public services"): the catalogue and dossiers at UBND xã Hải Bắc.

The catalogue comes from data/procedures.json through the catalogue import, so the demo also proves it. The
commune's one-stop officer, its civil-status official and its chairman handle the dossiers of the demo citizen
(congdan), each brought to its state through the same services the pages use. Idempotent: a commune that
already has dossiers is left as it is.
"""

from __future__ import annotations

import io
from pathlib import Path

from egov.accounts.actor import Actor
from egov.accounts.models import User
from egov.accounts.roles import Role
from egov.core.demo import DemoAccount, add_accounts
from egov.organisations.models import Organisation
from egov.services.catalogue.io import parse_json
from egov.services.catalogue.services import procedure_import
from egov.services.dossiers import processing as p
from egov.services.dossiers.rating import dossier_rate
from egov.services.dossiers.submission import dossier_intake_counter, dossier_submit_online
from egov.services.dossiers.uploads import Upload
from egov.services.models import Dossier, Procedure, ProcedureVersion

CATALOGUE = Path(__file__).resolve().parent / "data" / "procedures.json"
COMMUNE = "000.02.35.H40"  # Ủy ban nhân dân xã Hải Bắc
ACCOUNTS = (
    DemoAccount("motcua.haibac", "Trần Thị Ngọc", COMMUNE, "Công chức một cửa", Role.ONE_STOP_OFFICER),
    DemoAccount("tuphap.haibac", "Phạm Văn Hùng", COMMUNE, "Công chức Tư pháp - Hộ tịch", Role.SPECIALIST),
    DemoAccount("chutich.haibac", "Vũ Đức Thắng", COMMUNE, "Chủ tịch UBND xã", Role.LEADER),
)
CITIZEN = {
    "applicant_name": "Nguyễn Văn An",
    "applicant_id_number": "036090001234",
    "applicant_phone": "0912345678",
    "applicant_email": "congdan@demo.egov.local",
    "applicant_address": "Xóm 5, xã Hải Bắc, huyện Hải Hậu, tỉnh Nam Định",
}


def _pdf(title: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _papers(version: ProcedureVersion) -> list[Upload]:
    return [
        Upload(r.key, f"{r.key}.pdf", "application/pdf", _pdf(r.name))
        for r in version.required_documents.all()
        if r.mandatory
    ]


def _version(code: str) -> ProcedureVersion:
    return ProcedureVersion.objects.filter(procedure__code=code, state="published").order_by("-number").first()


def _catalogue(actor: Actor) -> int:
    if Procedure.objects.exists():
        return 0
    report = procedure_import(actor=actor, records=parse_json(CATALOGUE.read_bytes()))
    if report.errors:
        raise RuntimeError(f"demo catalogue failed to load: {report.errors}")
    return ProcedureVersion.objects.count()


def _dossiers(commune: Organisation) -> int:
    citizen = User.objects.filter(username="congdan").first()
    people = {u.username: Actor(user=u) for u in User.objects.filter(username__in=[a.username for a in ACCOUNTS])}
    if citizen is None or len(people) < 3 or Dossier.objects.filter(agency=commune).exists():
        return 0
    applicant, officer = Actor(user=citizen), people["motcua.haibac"]
    specialist, leader = people["tuphap.haibac"], people["chutich.haibac"]

    def online(code: str, answers: dict) -> Dossier:
        version = _version(code)
        return dossier_submit_online(
            actor=applicant,
            version=version,
            agency=commune,
            applicant_values=CITIZEN,
            answers=answers,
            files=_papers(version),
        )

    birth = {"child_name": "Nguyễn Minh Khang", "birth_date": "2026-11-02", "sex": "Nam", "mother_name": "Trần Thị Hoa"}
    # Returned and rated: the whole path.
    done = p.dossier_accept(actor=officer, dossier=online("1.001193", birth), assignee=specialist.user)
    done = p.dossier_hand_over(actor=specialist, dossier=done, assignee=leader.user)
    done = p.dossier_resolve(
        actor=leader, dossier=done, result=Upload("", "giay-khai-sinh.pdf", "application/pdf", _pdf("Giấy khai sinh"))
    )
    done = p.dossier_return(actor=officer, dossier=done)
    dossier_rate(actor=applicant, dossier=done, score=5, comment="Cán bộ hướng dẫn tận tình.")
    # With the civil-status official.
    p.dossier_accept(
        actor=officer,
        dossier=online("1.001193", {**birth, "child_name": "Nguyễn Minh Anh", "sex": "Nữ"}),
        assignee=specialist.user,
    )
    # Waiting for the one-stop officer's check.
    online(
        "1.000894",
        {
            "husband_name": "Nguyễn Văn An",
            "husband_birth_date": "1990-05-12",
            "wife_name": "Lê Thị Thu",
            "wife_birth_date": "1992-08-30",
        },
    )
    # Accepted, waiting for the fee to be paid online.
    p.dossier_accept(
        actor=officer,
        dossier=online("2.000635", {"record_type": "Khai sinh", "person_name": "Nguyễn Văn An", "copies": 2}),
    )
    # Entered at the counter from paper, accepted.
    version = _version("2.000815")
    counter = dossier_intake_counter(
        actor=officer,
        version=version,
        agency=commune,
        applicant_values={
            **CITIZEN,
            "applicant_name": "Lê Văn Bình",
            "applicant_email": "",
            "applicant_phone": "0987654321",
        },
        answers={"document_name": "Bằng tốt nghiệp trung học phổ thông", "pages": 1, "copies": 3},
        files=_papers(version),
    )
    p.dossier_accept(actor=officer, dossier=counter, assignee=specialist.user)
    return Dossier.objects.filter(agency=commune).count()


def load_services_demo(*, actor: Actor | None = None) -> dict[str, int]:
    """Add what is missing; call inside the demo's transaction (egov.core.demo.load_demo)."""
    actor = actor or Actor.system("egov demo")
    counts = {"service_accounts": add_accounts(actor, ACCOUNTS), "procedure_versions": _catalogue(actor)}
    commune = Organisation.objects.filter(code=COMMUNE).first()
    counts["dossiers"] = _dossiers(commune) if commune is not None else 0
    return counts
