"""The route's "another agency" step: the dossier goes to the coordinating agency through the exchange and back."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse

from egov.accounts.actor import Actor
from egov.accounts.tests.factories import make_person
from egov.audit.models import AuditEvent
from egov.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from egov.documents.models import Document, OutgoingState
from egov.documents.services.assignments import document_assign
from egov.documents.services.incoming import document_register
from egov.documents.services.issuing import document_issue, document_sign
from egov.documents.services.outgoing import document_approve, document_review, document_submit
from egov.documents.tests.conftest import agency, demo_pki_root, exchange  # noqa: F401
from egov.documents.tests.factories import CREDENTIALS, PIN, create_draft, draft_values, make_pdf, register_key
from egov.exchange.testing import run_exchange
from egov.services.dossiers import interagency as ia
from egov.services.dossiers import processing as p
from egov.services.dossiers.submission import dossier_submit_online
from egov.services.models import Dossier, DossierEvent, DossierState, DossierStep, RouteStep, StepKind
from egov.services.tests.factories import make_procedure
from egov.services.tests.helpers import ANSWERS, APPLICANT, papers

pytestmark = pytest.mark.django_db
SUBJECT = "V/v xin ý kiến về hồ sơ cấp giấy phép"


@dataclass
class World:
    docs: object  # the documents app's Agency: Sở TT&TT Nam Định, Hải Hậu as the other agency
    org: object
    other: object
    officer: object
    handler: object
    applicant: object
    dossier: Dossier


def a(user) -> Actor:
    return Actor(user=user)


def _version(agency_code: str):
    version = make_procedure("2.002001", name="Cấp giấy phép hoạt động", level="province")
    version.route.all().delete()
    route = [
        (StepKind.INTAKE, "Tiếp nhận hồ sơ", "0.5", "one_stop_officer", ""),
        (StepKind.APPRAISAL, "Thẩm định hồ sơ", "0.5", "specialist", ""),
        (StepKind.OTHER_AGENCY, "Lấy ý kiến UBND huyện", "1", "specialist", agency_code),
        (StepKind.APPROVAL, "Lãnh đạo phê duyệt, ký", "0.5", "leader", ""),
        (StepKind.RETURN, "Trả kết quả", "0.5", "one_stop_officer", ""),
    ]
    for position, (kind, name, budget, role, code) in enumerate(route):
        RouteStep.objects.create(
            version=version,
            position=position,
            kind=kind,
            name=name,
            budget=Decimal(budget),
            role=role,
            agency_code=code,
        )
    return version


def _world(docs, agency_code: str, *, to_other_step: bool = True) -> World:
    org = docs.org
    officer = make_person("nd.motcua", org, "one_stop_officer")
    handler = make_person("nd.thamdinh", docs.unit, "specialist", role_org=org)
    applicant = make_person("congdan", None, "applicant", kind="applicant")
    dossier = dossier_submit_online(
        actor=a(applicant),
        version=_version(agency_code),
        agency=org,
        applicant_values=APPLICANT,
        answers=ANSWERS,
        files=papers(),
    )
    p.dossier_accept(actor=a(officer), dossier=dossier)
    if to_other_step:
        p.dossier_hand_over(actor=a(handler), dossier=dossier, assignee=handler)
    dossier.refresh_from_db()
    return World(docs, org, docs.recipient_org, officer, handler, applicant, dossier)


@pytest.fixture
def world(exchange):  # noqa: F811
    return _world(exchange, exchange.recipient_org.code)


def open_step(dossier) -> DossierStep:
    return dossier.steps.get(finished_at__isnull=True)


def draft_letter(w: World, actor_user=None) -> Document:
    return ia.dossier_letter_draft(
        actor=a(actor_user or w.handler),
        dossier=w.dossier,
        subject=SUBJECT,
        signer=w.docs.director,
        main_file=("cong-van.pdf", make_pdf("Công văn xin ý kiến")),
    )


def issue(w: World, letter: Document) -> Document:
    docs = w.docs
    letter = document_submit(actor=a(w.handler), document=letter)
    letter = document_review(actor=a(docs.unit_head), document=letter, approve=True)
    letter = document_approve(actor=a(docs.director), document=letter, approve=True)
    letter = document_sign(actor=a(docs.director), document=letter, pin=PIN)
    return document_issue(actor=a(docs.clerk), document=letter, pin=PIN)


def agency_events(dossier) -> list[tuple]:
    return [
        (e.kind, e.public, e.note, e.data.get("code"))
        for e in DossierEvent.objects.filter(dossier=dossier, kind__startswith="agency.").order_by("at", "pk")
    ]


def reply_from_other(w: World, demo_pki_root) -> Document:  # noqa: F811
    """Hải Hậu answers with its own issued document; it arrives at the Sở through the exchange."""
    docs = w.docs
    register_key(
        CREDENTIALS.person(docs.recipient_leader, w.other, "Chủ tịch"), demo_pki_root, person=docs.recipient_leader
    )
    from egov.documents.services.outgoing import document_create_draft

    answer = document_create_draft(
        actor=a(docs.recipient_specialist),
        organisation=w.other,
        values={
            "type_code": "quyet_dinh",
            "subject": "Ý kiến về hồ sơ cấp giấy phép",
            "signer": docs.recipient_leader.pk,
            "place": "Hải Hậu",
            "recipients": [w.org.pk],
        },
        main_file=("tra-loi.pdf", make_pdf("Ý kiến của UBND huyện Hải Hậu")),
    )
    answer = document_submit(actor=a(docs.recipient_specialist), document=answer)
    answer = document_approve(actor=a(docs.recipient_leader), document=answer, approve=True)
    answer = document_sign(actor=a(docs.recipient_leader), document=answer, pin=PIN)
    answer = document_issue(actor=a(docs.recipient_clerk), document=answer, pin=PIN)
    run_exchange()
    copy = Document.objects.get(organisation=w.org, direction="incoming", issuer_code=w.other.code)
    document_register(actor=a(docs.clerk), document=copy, values={})
    document_assign(actor=a(docs.director), document=copy, values={"lead": f"person:{w.handler.pk}"})
    return copy


def handler_draft(w: World, **overrides) -> Document:
    """An outgoing document the handler drafts in the documents app themselves."""
    from egov.documents.services.outgoing import document_create_draft

    return document_create_draft(
        actor=a(w.handler),
        organisation=w.org,
        values=draft_values(w.docs, **overrides),
        main_file=("du-thao.pdf", make_pdf("Công văn")),
    )


# --- the full path ------------------------------------------------------------------------------------------
def test_letter_travels_statuses_come_back_reply_is_linked_and_the_dossier_moves_on(world, demo_pki_root):  # noqa: F811
    w = world
    step = open_step(w.dossier)
    assert (step.kind, step.name, step.assignee, step.letter, step.reply) == (
        "other_agency",
        "Lấy ý kiến UBND huyện",
        w.handler,
        None,
        None,
    )
    with pytest.raises(InvalidTransition) as refused:
        p.dossier_hand_over(actor=a(w.handler), dossier=w.dossier, note="Xong")
    assert refused.value.field == "letter"
    assert refused.value.message == (
        "Hồ sơ chưa được gửi đến Ủy ban nhân dân huyện Hải Hậu qua trục liên thông (văn bản gửi cơ quan phối hợp "
        "chưa được ban hành): chưa chuyển bước được."
    )

    letter = draft_letter(w)
    step.refresh_from_db()
    assert step.letter == letter
    assert (letter.direction, letter.state, letter.organisation, letter.type_code, letter.subject) == (
        "outgoing",
        OutgoingState.DRAFT,
        w.org,
        "cong_van",
        SUBJECT,
    )
    assert list(letter.recipients.values_list("organisation_code", "organisation_name")) == [
        (w.other.code, "Ủy ban nhân dân huyện Hải Hậu")
    ]
    assert letter.drafting_unit == w.docs.unit
    assert sorted(letter.files.filter(role="appendix").values_list("original_name", flat=True)) == [
        "chung-sinh.pdf",
        "to-khai.pdf",
    ]
    assert not ia.letter_sent(letter, w.other.code)

    letter = issue(w, letter)
    assert ia.letter_sent(letter, w.other.code)
    sent = DossierEvent.objects.get(dossier=w.dossier, kind="agency.sent")
    assert (sent.public, sent.note, sent.data) == (
        True,
        "Ủy ban nhân dân huyện Hải Hậu",
        {"agency": w.other.code, "letter": letter.pk, "number": letter.number_symbol},
    )

    run_exchange()  # the package reaches Hải Hậu through the hub; its 01 comes back
    copy_there = Document.objects.get(organisation=w.other, direction="incoming")
    assert copy_there.subject == SUBJECT
    assert copy_there.files.filter(role="appendix").count() == 2
    document_register(actor=a(w.docs.recipient_clerk), document=copy_there, values={})
    run_exchange()  # 03 comes back
    assert agency_events(w.dossier) == [
        ("agency.letter", False, "Ủy ban nhân dân huyện Hải Hậu", None),
        ("agency.sent", True, "Ủy ban nhân dân huyện Hải Hậu", None),
        ("agency.status", False, "Ủy ban nhân dân huyện Hải Hậu", "01"),
        ("agency.status", False, "Ủy ban nhân dân huyện Hải Hậu", "03"),
    ]

    reply = reply_from_other(w, demo_pki_root)
    ia.dossier_reply_link(actor=a(w.handler), dossier=w.dossier, reply_id=reply.pk)
    step.refresh_from_db()
    assert step.reply == reply
    assert agency_events(w.dossier)[-1] == ("agency.reply", True, "Ủy ban nhân dân huyện Hải Hậu", None)

    p.dossier_hand_over(actor=a(w.handler), dossier=w.dossier)
    w.dossier.refresh_from_db()
    assert (w.dossier.state, w.dossier.current_step) == (DossierState.PROCESSING, 3)
    step.refresh_from_db()
    assert step.finished_at is not None
    assert open_step(w.dossier).name == "Lãnh đạo phê duyệt, ký"

    # What the applicant and the public lookup see: it went to the agency and came back; no statuses, no numbers.
    from egov.services.selectors import event_label

    public = [
        event_label(e) for e in DossierEvent.objects.filter(dossier=w.dossier, public=True, kind__startswith="agency.")
    ]
    assert public == [
        "Chuyển cơ quan phối hợp: Ủy ban nhân dân huyện Hải Hậu",
        "Cơ quan phối hợp đã trả lời: Ủy ban nhân dân huyện Hải Hậu",
    ]
    actions = set(
        AuditEvent.objects.filter(action__startswith="services.dossier.agency").values_list("action", flat=True)
    )
    assert actions == {
        "services.dossier.agency_letter",
        "services.dossier.agency_sent",
        "services.dossier.agency_status",
        "services.dossier.agency_reply",
    }


def test_linking_a_letter_issued_in_the_documents_app_records_it_as_sent(world):
    w = world
    letter = handler_draft(w, recipients=[w.other.pk], subject="Công văn xin ý kiến")
    letter = document_submit(actor=a(w.handler), document=letter)
    letter = document_review(actor=a(w.docs.unit_head), document=letter, approve=True)
    letter = document_approve(actor=a(w.docs.director), document=letter, approve=True)
    letter = document_sign(actor=a(w.docs.director), document=letter, pin=PIN)
    letter = document_issue(actor=a(w.docs.clerk), document=letter, pin=PIN)
    assert agency_events(w.dossier) == []  # not yet this dossier's letter

    ia.dossier_letter_link(actor=a(w.handler), dossier=w.dossier, letter_id=letter.pk)
    assert open_step(w.dossier).letter == letter
    assert agency_events(w.dossier) == [
        ("agency.letter", False, "Ủy ban nhân dân huyện Hải Hậu", None),
        ("agency.sent", True, "Ủy ban nhân dân huyện Hải Hậu", None),
    ]
    run_exchange()
    assert agency_events(w.dossier)[-1] == ("agency.status", False, "Ủy ban nhân dân huyện Hải Hậu", "01")

    # Sent, no reply yet: the hand-over needs the reply or a reason.
    with pytest.raises(InvalidTransition) as refused:
        p.dossier_hand_over(actor=a(w.handler), dossier=w.dossier)
    assert refused.value.field == "reply"
    p.dossier_hand_over(actor=a(w.handler), dossier=w.dossier, note="Quá hạn, UBND huyện không có ý kiến")
    w.dossier.refresh_from_db()
    assert w.dossier.current_step == 3


# --- bad input ----------------------------------------------------------------------------------------------
def _nothing_sent(w: World, documents_before: int, events_before: int) -> None:
    assert Document.objects.count() == documents_before
    assert DossierEvent.objects.filter(dossier=w.dossier).count() == events_before
    assert open_step(w.dossier).letter is None


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Bước “Lấy ý kiến UBND huyện” của quy trình chưa ghi mã cơ quan phối hợp."),
        ("000.00.99.H99", "Không có cơ quan mang mã định danh “000.00.99.H99” trong danh mục cơ quan."),
        (
            "000.00.02.G16",
            "Trung tâm Công nghệ thông tin không có địa chỉ liên thông văn bản: không gửi được qua trục liên thông.",
        ),
        ("000.00.12.H40", "Cơ quan phối hợp phải là cơ quan khác với Sở Thông tin và Truyền thông tỉnh Nam Định."),
    ],
)
def test_a_route_without_a_reachable_agency_sends_nothing(exchange, code, message):  # noqa: F811
    w = _world(exchange, code)
    documents, events = Document.objects.count(), DossierEvent.objects.filter(dossier=w.dossier).count()
    with pytest.raises(ValidationFailed) as refused:
        draft_letter(w)
    assert (refused.value.field, refused.value.message) == ("agency_code", message)
    _nothing_sent(w, documents, events)


def test_sending_twice_is_refused(world):
    w = world
    letter = draft_letter(w)
    documents, events = Document.objects.count(), DossierEvent.objects.count()
    with pytest.raises(InvalidTransition) as refused:
        draft_letter(w)
    assert refused.value.field == "letter"
    assert refused.value.message == (
        f"Bước này đã có văn bản gửi cơ quan phối hợp ({letter.subject}): không gửi lần nữa."
    )
    with pytest.raises(InvalidTransition):
        ia.dossier_letter_link(actor=a(w.handler), dossier=w.dossier, letter_id=letter.pk)
    assert (Document.objects.count(), DossierEvent.objects.count()) == (documents, events)


def test_sending_when_the_open_step_is_not_another_agency_is_refused(exchange):  # noqa: F811
    w = _world(exchange, exchange.recipient_org.code, to_other_step=False)
    documents, events = Document.objects.count(), DossierEvent.objects.filter(dossier=w.dossier).count()
    with pytest.raises(InvalidTransition) as refused:
        draft_letter(w)
    assert (refused.value.field, refused.value.message) == (
        "step",
        "Bước đang mở “Thẩm định hồ sơ” không phải bước lấy ý kiến, chuyển cơ quan khác.",
    )
    _nothing_sent(w, documents, events)


@pytest.mark.parametrize("who", ["officer", "outsider"])
def test_only_the_holder_of_the_step_sends(world, who):
    w = world
    user = w.officer if who == "officer" else w.docs.outsider
    documents, events = Document.objects.count(), DossierEvent.objects.filter(dossier=w.dossier).count()
    with pytest.raises(PermissionDenied):
        draft_letter(w, actor_user=user)
    _nothing_sent(w, documents, events)


def test_a_letter_not_addressed_to_the_agency_cannot_be_linked(world):
    w = world
    letter = handler_draft(w, recipients=[w.docs.tree["qt_stttt"].pk])
    with pytest.raises(ValidationFailed) as refused:
        ia.dossier_letter_link(actor=a(w.handler), dossier=w.dossier, letter_id=letter.pk)
    assert (refused.value.field, refused.value.message) == (
        "letter",
        "Văn bản này không gửi đến Ủy ban nhân dân huyện Hải Hậu.",
    )
    assert open_step(w.dossier).letter is None


def test_a_reply_before_sending_or_from_another_issuer_is_refused(world):
    w = world
    with pytest.raises(InvalidTransition) as refused:
        ia.dossier_reply_link(actor=a(w.handler), dossier=w.dossier, reply_id=1)
    assert refused.value.field == "letter"
    issue(w, draft_letter(w))
    own = create_draft(w.docs, recipients=[w.other.pk])
    with pytest.raises(ValidationFailed) as refused:
        ia.dossier_reply_link(actor=a(w.handler), dossier=w.dossier, reply_id=own.pk)
    assert (refused.value.field, refused.value.message) == (
        "reply",
        "Không tìm thấy văn bản.",  # the handler does not see another's draft: nothing is told about it
    )
    assert open_step(w.dossier).reply is None


# --- the page -----------------------------------------------------------------------------------------------
def test_the_page_shows_the_step_and_drafts_the_letter_for_its_holder(client, world):
    w = world
    url = reverse("services:desk_dossier", args=[w.dossier.pk])
    client.force_login(w.handler)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lấy ý kiến, chuyển cơ quan khác" in html
    assert "Ủy ban nhân dân huyện Hải Hậu (000.00.35.H40)" in html
    assert reverse("services:desk_agency_letter", args=[w.dossier.pk]) in html
    response = client.post(
        reverse("services:desk_agency_letter", args=[w.dossier.pk]),
        {
            "letter-subject": SUBJECT,
            "letter-signer": w.docs.director.pk,
            "letter-main_file": SimpleUploadedFile("cong-van.pdf", make_pdf("Công văn"), "application/pdf"),
        },
    )
    assert (response.status_code, response["Location"]) == (302, url)
    letter = open_step(w.dossier).letter
    assert letter.subject == SUBJECT
    html = client.get(url).content.decode()
    assert "Chưa ban hành, chưa gửi" in html
    assert reverse("services:desk_agency_letter", args=[w.dossier.pk]) not in html


def test_hand_over_refused_on_the_page_names_the_letter(client, world):
    w = world
    client.force_login(w.handler)
    response = client.post(reverse("services:desk_hand_over", args=[w.dossier.pk]), {"hand-note": "Xong"})
    assert response.status_code == 409
    assert "chưa chuyển bước được" in response.content.decode()
    assert open_step(w.dossier).kind == "other_agency"


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("outsider", 404), ("officer", 403), ("handler", 302)])
def test_permission_matrix_for_drafting_the_letter(client, world, who, status):
    w = world
    users = {"outsider": w.docs.outsider, "officer": w.officer, "handler": w.handler}
    if who != "anonymous":
        client.force_login(users[who])
    documents = Document.objects.count()
    response = client.post(
        reverse("services:desk_agency_letter", args=[w.dossier.pk]),
        {
            "letter-subject": SUBJECT,
            "letter-signer": w.docs.director.pk,
            "letter-main_file": SimpleUploadedFile("cong-van.pdf", make_pdf("Công văn"), "application/pdf"),
        },
    )
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    if who != "handler":
        assert Document.objects.count() == documents
        assert open_step(w.dossier).letter is None
    else:
        assert Document.objects.count() == documents + 1
