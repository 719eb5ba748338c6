"""Building blocks for document tests: an agency with its people and keys, PDFs, documents in each state."""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from egov.accounts.actor import Actor
from egov.accounts.tests.factories import make_person
from egov.documents.models import Document, SigningKey

SYSTEM = Actor.system("tests")

# Demo passphrase of every PKCS#12 file the demo PKI writes.
PIN = "egov-demo"


def make_pdf(text: str = "Nội dung văn bản", pages: int = 1) -> bytes:
    """A small real PDF with Vietnamese text on each page (WeasyPrint, Noto fonts)."""
    from weasyprint import HTML

    body = "".join(
        f'<section style="page-break-after: always"><h1>{text}</h1><p>Trang {i + 1}</p>'
        f"<p>Nơi nhận: như trên. Chức vụ người ký</p></section>"
        for i in range(pages)
    )
    html = f'<html lang="vi"><body style="font-family: \'Noto Serif\'">{body}</body></html>'
    buffer = io.BytesIO()
    HTML(string=html).write_pdf(buffer)
    return buffer.getvalue()


class _Credentials:
    """Certificates issued once per test session and copied into each test's PKI folder."""

    def __init__(self) -> None:
        self.root: Path | None = None
        self.pki = None
        self.cache: dict[tuple, object] = {}

    def setup(self, root: Path) -> None:
        from egov.documents.signing.pki import init_demo_pki

        if self.root is None:
            self.root = root
            self.pki = init_demo_pki(root)

    def person(self, user, organisation, position: str):
        from egov.documents.signing.pki import issue_person_certificate

        key = ("person", user.username, user.full_name, organisation.code)
        if key not in self.cache:
            self.cache[key] = issue_person_certificate(
                self.pki,
                full_name=user.full_name,
                email=user.email or f"{user.username}@example.test",
                organisation_name=organisation.name,
                organisation_code=organisation.code,
                position=position,
                username=user.username,
            )
        return self.cache[key]

    def organisation(self, organisation):
        from egov.documents.signing.pki import issue_organisation_certificate

        key = ("org", organisation.code, organisation.name)
        if key not in self.cache:
            self.cache[key] = issue_organisation_certificate(
                self.pki, organisation_name=organisation.name, organisation_code=organisation.code
            )
        return self.cache[key]


CREDENTIALS = _Credentials()


def register_key(credential, pki_dir: Path, *, person=None, organisation=None) -> SigningKey:
    from egov.documents.services.keys import signing_key_add

    relative = credential.p12_path.relative_to(CREDENTIALS.root)
    target = pki_dir / relative
    if target != credential.p12_path:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(credential.p12_path, target)
    return signing_key_add(
        actor=SYSTEM,
        certificate_pem=credential.cert_path.read_text(),
        person=person,
        organisation=organisation,
        path=str(relative),
    )


@dataclass
class Agency:
    """Sở Thông tin và Truyền thông Nam Định with its people, and UBND huyện Hải Hậu as a recipient."""

    tree: dict
    org: object
    unit: object
    clerk: object
    director: object
    unit_head: object
    specialist: object
    other_specialist: object
    recipient_org: object
    recipient_clerk: object
    recipient_leader: object
    recipient_specialist: object
    outsider: object
    extra: dict = field(default_factory=dict)


def build_agency(tree) -> Agency:
    org, unit = tree["nd_stttt"], tree["nd_stttt_cntt"]
    clerk = make_person("stttt.clerk", tree["nd_stttt_vp"], "clerk", role_org=org)
    director = make_person("stttt.director", org, "leader", position="Giám đốc")
    unit_head = make_person("cntt.head", unit, "leader", position="Trưởng phòng")
    specialist = make_person("cntt.specialist", unit, "specialist", position="Chuyên viên")
    other_specialist = make_person("vp.specialist", tree["nd_stttt_vp"], "specialist", position="Chuyên viên")
    hh = tree["nd_hh"]
    recipient_clerk = make_person("hh.clerk", hh, "clerk")
    recipient_leader = make_person("hh.leader", hh, "leader", position="Chủ tịch")
    recipient_specialist = make_person("hh.specialist", hh, "specialist", position="Chuyên viên")
    outsider = make_person("qt.specialist", tree["qt_stttt"], "specialist")
    for user, name in (
        (director, "Nguyễn Văn Dũng"),
        (unit_head, "Trần Thị Hoa"),
        (specialist, "Lê Minh Tuấn"),
        (clerk, "Phạm Thu Hà"),
        (recipient_leader, "Vũ Đức Thắng"),
    ):
        user.full_name = name
        user.save(update_fields=["full_name"])
    return Agency(
        tree,
        org,
        unit,
        clerk,
        director,
        unit_head,
        specialist,
        other_specialist,
        hh,
        recipient_clerk,
        recipient_leader,
        recipient_specialist,
        outsider,
    )


def actor(user) -> Actor:
    return Actor(user=user)


def draft_values(agency: Agency, **overrides) -> dict:
    values = {
        "type_code": "quyet_dinh",
        "subject": "Quyết định ban hành Kế hoạch chuyển đổi số năm 2026",
        "signer": agency.director.pk,
        "signer_position": "Giám đốc",
        "drafting_unit": agency.unit.pk,
        "urgency": "normal",
        "secrecy": "none",
        "place": "Nam Định",
        "recipients": [agency.recipient_org.pk],
    }
    values.update(overrides)
    return values


def create_draft(agency: Agency, *, pages: int = 1, **overrides) -> Document:
    from egov.documents.services.outgoing import document_create_draft

    return document_create_draft(
        actor=actor(agency.specialist),
        organisation=agency.org,
        values=draft_values(agency, **overrides),
        main_file=("du-thao.pdf", make_pdf("Quyết định ban hành Kế hoạch chuyển đổi số", pages)),
    )


def approved_draft(agency: Agency, **overrides) -> Document:
    from egov.documents.services.outgoing import document_approve, document_review, document_submit

    document = create_draft(agency, **overrides)
    document = document_submit(actor=actor(agency.specialist), document=document)
    if document.state == "in_review":
        document = document_review(actor=actor(agency.unit_head), document=document, approve=True)
    return document_approve(actor=actor(agency.director), document=document, approve=True)


def paper_values(**overrides) -> dict:
    values = {
        "type_code": "cong_van",
        "number_symbol": "125/UBND-VP",
        "issued_on": "2026-11-20",
        "issuer_name": "Ủy ban nhân dân tỉnh Nam Định",
        "issuer_code": "000.00.00.H40",
        "subject": "V/v triển khai nền tảng số tại địa phương",
        "signer_name": "Phạm Đình Nghị",
        "signer_position": "Chủ tịch",
        "signer_prefix": "KT.",
        "urgency": "urgent",
    }
    values.update(overrides)
    return values


# The fields of an issued document an electronic arrival carries (what the edXML MessageHeader holds).
ARRIVAL_FIELDS = (
    "type_code",
    "type_name",
    "year",
    "number",
    "number_text",
    "symbol",
    "issued_on",
    "place",
    "issuer",
    "issuer_code",
    "issuer_name",
    "subject",
    "signer_prefix",
    "signer_position",
    "signer_name",
    "urgency",
    "page_count",
    "copies",
    "description",
)


def electronic_arrival(source: Document, organisation) -> Document:
    """`source` as it arrives electronically at `organisation`, without running the exchange (register tests)."""
    from egov.documents.services.common import current_files, read_file
    from egov.documents.services.incoming import receive_exchanged

    values = {name: getattr(source, name) for name in ARRIVAL_FIELDS}
    values["issuer_code"] = values["issuer_code"] or source.organisation.code
    values["issuer_name"] = values["issuer_name"] or source.organisation.name
    files = [(row.original_name, row.role, read_file(row)) for row in current_files(source)]
    return receive_exchanged(organisation, values, files, actor=SYSTEM, source=source)
