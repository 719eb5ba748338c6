"""Demo documents: keys from the demo CA, and documents of Sở TT&TT Nam Định in each stage of their life.

The people and subjects follow the seeds (digital signing on the document software, documents exchanged
electronically with the province); names of the Sở's officials and the numbers are illustrative.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from egov.accounts.actor import Actor
from egov.accounts.models import RoleAssignment, User
from egov.accounts.roles import Role
from egov.core.demo import DemoAccount, add_accounts
from egov.documents.models import Document, IncomingState, SigningKey
from egov.organisations.models import Organisation

STTTT_ND = "000.00.12.H40"
CNTT_ND = "000.02.12.H40"
UBND_ND = "000.00.00.H40"
HAI_HAU = "000.00.35.H40"

ACCOUNTS = (
    DemoAccount("giamdoc.stttt.namdinh", "Nguyễn Văn Dũng", STTTT_ND, "Giám đốc", Role.LEADER),
    DemoAccount("truongphong.cntt.namdinh", "Trần Thị Thanh Hương", CNTT_ND, "Trưởng phòng", Role.LEADER),
    DemoAccount("vanthu.haihau", "Phạm Thị Ngọc", HAI_HAU, "Văn thư", Role.CLERK),
    DemoAccount("chutich.haihau", "Vũ Đức Thắng", HAI_HAU, "Chủ tịch", Role.LEADER),
)
# Keys: (username or None, organisation code) → a person's key when a username is given, else the organisation's.
KEY_HOLDERS = (
    ("giamdoc.stttt.namdinh", STTTT_ND),
    ("nghi.pd", UBND_ND),
    ("chutich.haihau", HAI_HAU),
    (None, STTTT_ND),
    (None, UBND_ND),
    (None, HAI_HAU),
)


def _clerk_at_agency(actor: Actor) -> None:
    """The Sở's văn thư registers for the whole Sở, not only for its Văn phòng."""
    from egov.accounts.services import role_assign

    clerk = User.objects.filter(username="vanthu.stttt.namdinh").first()
    sttt = Organisation.objects.get(code=STTTT_ND)
    if clerk and not RoleAssignment.objects.filter(user=clerk, role=Role.CLERK, organisation=sttt).exists():
        role_assign(actor=actor, user=clerk, role=Role.CLERK, organisation=sttt)


def _keys(actor: Actor) -> int:
    from egov.documents.services.keys import signing_key_add
    from egov.documents.signing.images import seal_image, signature_image
    from egov.documents.signing.pki import init_demo_pki, issue_organisation_certificate, issue_person_certificate

    pki = init_demo_pki(settings.EGOV_PKI_DIR)
    added = 0
    for username, code in KEY_HOLDERS:
        org = Organisation.objects.get(code=code)
        person = User.objects.get(username=username) if username else None
        if SigningKey.objects.filter(person=person, organisation=None if person else org).exists():
            continue
        if person is not None:
            membership = person.memberships.first()
            credential = issue_person_certificate(
                pki,
                full_name=person.full_name,
                email=person.email,
                organisation_name=org.name,
                organisation_code=org.code,
                position=membership.position if membership else "",
                username=person.username,
            )
            image = signature_image(person.full_name)
        else:
            credential = issue_organisation_certificate(pki, organisation_name=org.name, organisation_code=org.code)
            image = seal_image(org.name)
        signing_key_add(
            actor=actor,
            certificate_pem=credential.cert_path.read_text(),
            person=person,
            organisation=None if person else org,
            path=str(credential.p12_path.relative_to(settings.EGOV_PKI_DIR)),
            image=image,
        )
        added += 1
    return added


def _pdf(title: str, body: str) -> bytes:
    from egov.core.pdf import render_pdf

    return render_pdf("documents/demo/document.html", {"title": title, "body": body})


def _documents(actor: Actor) -> int:
    from egov.documents.services.assignments import document_assign
    from egov.documents.services.incoming import document_register_paper
    from egov.documents.services.issuing import document_issue, document_sign
    from egov.documents.services.outgoing import (
        document_approve,
        document_create_draft,
        document_review,
        document_submit,
    )
    from egov.documents.signing.pki import DEMO_PASSPHRASE

    sttt = Organisation.objects.get(code=STTTT_ND)
    if Document.objects.filter(organisation=sttt).exists():
        return 0
    people = {
        u.username: Actor(user=u)
        for u in User.objects.filter(
            username__in=[
                "giamdoc.stttt.namdinh",
                "truongphong.cntt.namdinh",
                "vanthu.stttt.namdinh",
                "chuyenvien.cntt.namdinh",
                "vanthu.haihau",
                "chutich.haihau",
            ]
        )
    }
    director = people["giamdoc.stttt.namdinh"]
    cntt = Organisation.objects.get(code=CNTT_ND)
    hai_hau = Organisation.objects.get(code=HAI_HAU)

    def draft(subject: str, type_code: str, *, external=False) -> Document:
        recipients: list = [hai_hau.pk]
        if external:
            # An agency outside this platform (its code is in no demo organisation): it waits for the exchange.
            recipients.append({"code": "000.09.10.G12", "name": "Cục Chuyển đổi số quốc gia"})
        return document_create_draft(
            actor=people["chuyenvien.cntt.namdinh"],
            organisation=sttt,
            values={
                "type_code": type_code,
                "subject": subject,
                "signer": director.user.pk,
                "drafting_unit": cntt.pk,
                "place": "Nam Định",
                "recipients": recipients,
            },
            main_file=("du-thao.pdf", _pdf(subject, "Căn cứ Kế hoạch chuyển đổi số của tỉnh Nam Định năm 2026.")),
        )

    def through_approval(document: Document) -> Document:
        document = document_submit(actor=people["chuyenvien.cntt.namdinh"], document=document)
        document = document_review(actor=people["truongphong.cntt.namdinh"], document=document, approve=True)
        return document_approve(actor=director, document=document, approve=True, note="Đồng ý ban hành")

    # 1. Issued and dispatched: the Sở's plan, to Hải Hậu on the platform and to the Ministry through the axis.
    plan = through_approval(
        draft("Kế hoạch triển khai ký số trên phần mềm quản lý văn bản năm 2026", "ke_hoach", external=True)
    )
    plan = document_sign(actor=director, document=plan, pin=DEMO_PASSPHRASE)
    document_issue(actor=people["vanthu.stttt.namdinh"], document=plan, pin=DEMO_PASSPHRASE)
    # Its packages wait in the outbox; `register_delivered` registers Hải Hậu's copy once the exchange carried it.
    # 2. Approved, waiting for the director's signature.
    through_approval(draft("Công văn đề nghị báo cáo tình hình gửi, nhận văn bản điện tử", "cong_van"))
    # 3. A draft still being written.
    draft("Quyết định kiện toàn Tổ giúp việc Ban Chỉ đạo xây dựng chính quyền điện tử", "quyet_dinh")
    # 4. A paper document from the province, registered and assigned to Phòng CNTT with a deadline.
    from egov.calendar.workdays import add_working_days

    today = timezone.localdate()
    incoming = document_register_paper(
        actor=people["vanthu.stttt.namdinh"],
        organisation=sttt,
        values={
            "type_code": "cong_van",
            "number_symbol": "2150/UBND-VP5",
            "issued_on": (today - dt.timedelta(days=3)).isoformat(),
            "issuer_name": "Ủy ban nhân dân tỉnh Nam Định",
            "issuer_code": UBND_ND,
            "subject": "V/v đẩy mạnh gửi, nhận văn bản điện tử có ký số trên Trục liên thông văn bản quốc gia",
            "signer_name": "Phạm Đình Nghị",
            "signer_position": "Chủ tịch",
            "urgency": "urgent",
        },
        main_file=("cv-2150.pdf", _pdf("V/v đẩy mạnh gửi, nhận văn bản điện tử", "Bản quét văn bản giấy.")),
    )
    document_assign(
        actor=director,
        document=incoming,
        values={
            "lead": f"unit:{cntt.pk}",
            "cooperate": [f"unit:{Organisation.objects.get(code='000.01.12.H40').pk}"],
            "due_on": add_working_days(today, 5).isoformat(),
            "instructions": "Phòng CNTT chủ trì tham mưu báo cáo UBND tỉnh; Văn phòng Sở phối hợp.",
        },
    )
    return 4


def load_documents_demo(*, actor: Actor | None = None) -> dict[str, int]:
    """Add what is missing; call inside the demo's transaction."""
    actor = actor or Actor.system("egov demo")
    accounts = add_accounts(actor, ACCOUNTS)
    _clerk_at_agency(actor)
    return {"document_accounts": accounts, "signing_keys": _keys(actor), "documents": _documents(actor)}


@transaction.atomic
def register_delivered() -> int:
    """After the exchange has run: Hải Hậu's clerk registers the Sở's plan if it has arrived (0 or 1 added)."""
    from egov.documents.services.incoming import document_register

    copy = Document.objects.filter(
        organisation__code=HAI_HAU, direction="incoming", state=IncomingState.ARRIVED, issuer_code=STTTT_ND
    ).first()
    if copy is None:
        return 0
    clerk = User.objects.get(username="vanthu.haihau")
    document_register(actor=Actor(user=clerk), document=copy)
    return 1
