"""Every document page and action against the permission matrix, and the query counts of the hot pages.

Anonymous → sign in; another organisation → 404; a role without the permission → 403 with the reason (404 where
the role cannot see the document at all); the right role → success. Refusals change nothing.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egov.accounts.tests.factories import make_person
from egov.documents.models import AccessGrant, Assignment, Comment, Document, DocumentEvent, DocumentFile, Recipient
from egov.documents.services.access import access_grant
from egov.documents.services.assignments import document_assign
from egov.documents.services.issuing import document_sign
from egov.documents.services.outgoing import document_comment, document_review, document_submit
from egov.documents.tests.factories import PIN, actor, approved_draft, create_draft, electronic_arrival, make_pdf
from egov.documents.tests.test_views_pages import draft_form, paper_form, register
from egov.notifications.models import Notification

pytestmark = pytest.mark.django_db

PDF = make_pdf("Phiên bản mới")


def _state():
    """Everything an action may change (the access history aside: reading is recorded by design)."""
    return (
        sorted(Document.objects.values_list("pk", "state", "subject", "arrival_number", "number", "format_checked_at")),
        sorted(Assignment.objects.values_list("pk", "state", "result")),
        sorted(AccessGrant.objects.values_list("pk", "revoked_at", "confirmed_at")),
        sorted(Recipient.objects.values_list("pk", "delivery_state")),
        DocumentFile.objects.count(),
        Comment.objects.count(),
        DocumentEvent.objects.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def world(agency):
    """Documents of Sở TT&TT Nam Định in every state an action starts from, and one arrival at Hải Hậu."""
    a = actor
    draft = create_draft(agency)
    in_review = document_submit(actor=a(agency.specialist), document=create_draft(agency))
    awaiting = document_review(
        actor=a(agency.unit_head),
        document=document_submit(actor=a(agency.specialist), document=create_draft(agency)),
        approve=True,
    )
    approved = approved_draft(agency)
    signed = document_sign(actor=a(agency.director), document=approved_draft(agency), pin=PIN)
    issued = approved_draft(agency)
    Document.objects.filter(pk=issued.pk).update(state="issued", number=7, number_text="07", symbol="QĐ-STTTT")
    arrival = electronic_arrival(signed, agency.recipient_org)
    registered = register(agency)
    assigned = register(agency, number_symbol="126/UBND-VP")
    lead = document_assign(
        actor=a(agency.director), document=assigned, values={"lead": f"person:{agency.specialist.pk}"}
    )[0]
    granted = register(agency, number_symbol="127/UBND-VP")
    grant = access_grant(actor=a(agency.director), document=granted, person=agency.unit_head, reason="Tra cứu")
    document_comment(actor=a(agency.clerk), document=registered, text="Đã nhận bản giấy")
    applicant = make_person("citizen", None, "applicant", kind="applicant")
    return {
        "agency": agency,
        "draft": draft,
        "in_review": in_review,
        "awaiting": awaiting,
        "approved": approved,
        "signed": signed,
        "issued": issued,
        "arrival": arrival,
        "registered": registered,
        "assigned": assigned,
        "lead": lead,
        "granted": granted,
        "grant": grant,
        "applicant": applicant,
    }


def _doc(name: str, key: str):
    return lambda w: reverse(f"documents:{name}", args=[w[key].pk])


def _grant(name: str):
    return lambda w: reverse(f"documents:{name}", args=[w["granted"].pk, w["grant"].pk])


def _task(name: str):
    return lambda w: reverse(f"documents:{name}", args=[w["lead"].pk])


def _pdf():
    return SimpleUploadedFile("moi.pdf", PDF, content_type="application/pdf")


def _none(w):
    return {}


# name → (method, url, data, person without the permission, status for them, person with it, success status)
MATRIX = {
    "home": ("get", lambda w: reverse("documents:home"), _none, "applicant", 403, "specialist", 200),
    "list": ("get", lambda w: reverse("documents:list"), _none, "applicant", 403, "specialist", 200),
    "register_form": ("get", lambda w: reverse("documents:register_paper"), _none, "specialist", 403, "clerk", 200),
    "register_paper": (
        "post",
        lambda w: reverse("documents:register_paper"),
        lambda w: paper_form(number_symbol="200/UBND-VP", organisation=w["agency"].org.pk),
        "specialist",
        403,
        "clerk",
        302,
    ),
    "duplicates": (
        "get",
        lambda w: reverse("documents:duplicates"),
        lambda w: {"number_symbol": "125/UBND-VP", "issuer_name": "Ủy ban nhân dân tỉnh Nam Định"},
        "specialist",
        403,
        "clerk",
        200,
    ),
    "draft_form": ("get", lambda w: reverse("documents:draft_create"), _none, "applicant", 403, "specialist", 200),
    "draft_create": (
        "post",
        lambda w: reverse("documents:draft_create"),
        lambda w: draft_form(w["agency"]),
        "applicant",
        403,
        "specialist",
        302,
    ),
    "detail": ("get", _doc("detail", "registered"), _none, "other_specialist", 404, "clerk", 200),
    "file": (
        "get",
        lambda w: reverse("documents:file", args=[w["registered"].pk, w["registered"].files.get().pk]),
        _none,
        "other_specialist",
        404,
        "clerk",
        200,
    ),
    "draft_edit": (
        "post",
        _doc("draft_edit", "draft"),
        lambda w: {
            k: v for k, v in draft_form(w["agency"], subject="Sửa").items() if k not in ("main_file", "appendices")
        },
        "clerk",
        403,
        "specialist",
        302,
    ),
    "submit": ("post", _doc("submit", "draft"), _none, "clerk", 403, "specialist", 302),
    "review": (
        "post",
        _doc("review", "in_review"),
        lambda w: {"review-decision": "approve"},
        "clerk",
        403,
        "unit_head",
        302,
    ),
    "approve": (
        "post",
        _doc("approve", "awaiting"),
        lambda w: {"approve-decision": "approve"},
        "unit_head",
        403,
        "director",
        302,
    ),
    "sign": ("post", _doc("sign", "approved"), lambda w: {"sign-pin": PIN}, "unit_head", 403, "director", 302),
    "issue": ("post", _doc("issue", "signed"), lambda w: {"issue-pin": PIN}, "director", 403, "clerk", 302),
    "recall": ("post", _doc("recall", "issued"), lambda w: {"recall-reason": "Nhầm"}, "clerk", 403, "director", 302),
    "comment": (
        "post",
        _doc("comment", "registered"),
        lambda w: {"comment-text": "Ý kiến"},
        "other_specialist",
        404,
        "clerk",
        302,
    ),
    "version": ("post", _doc("version", "draft"), lambda w: {"version-file": _pdf()}, "clerk", 403, "specialist", 302),
    "check": ("post", _doc("check", "registered"), _none, "director", 403, "clerk", 302),
    "register": ("post", _doc("register", "arrival"), _none, "recipient_leader", 403, "recipient_clerk", 302),
    "return": (
        "post",
        _doc("return", "arrival"),
        lambda w: {"return-reason": "Gửi nhầm"},
        "recipient_leader",
        403,
        "recipient_clerk",
        302,
    ),
    "assign": (
        "post",
        _doc("assign", "registered"),
        lambda w: {"assign-lead": f"person:{w['agency'].specialist.pk}"},
        "clerk",
        403,
        "director",
        302,
    ),
    "urge": ("post", _doc("urge", "assigned"), lambda w: {"urge-message": "Khẩn"}, "clerk", 403, "director", 302),
    "assignment_start": ("post", _task("assignment_start"), _none, "clerk", 403, "specialist", 302),
    "assignment_forward": (
        "post",
        _task("assignment_forward"),
        lambda w: {f"forward-{w['lead'].pk}-to": f"person:{w['agency'].other_specialist.pk}"},
        "clerk",
        403,
        "specialist",
        302,
    ),
    "assignment_complete": (
        "post",
        _task("assignment_complete"),
        lambda w: {f"complete-{w['lead'].pk}-result": "Xong"},
        "clerk",
        403,
        "specialist",
        302,
    ),
    "grant_add": (
        "post",
        _doc("grant_add", "registered"),
        lambda w: {"grant-person": w["agency"].other_specialist.pk, "grant-reason": "Phối hợp"},
        "clerk",
        403,
        "director",
        302,
    ),
    "grant_revoke": ("post", _grant("grant_revoke"), _none, "clerk", 403, "director", 302),
    "grant_confirm": ("post", _grant("grant_confirm"), _none, "clerk", 403, "director", 302),
}
# Pages that belong to no document: "another organisation" does not apply to them.
NOT_DOCUMENTS = {"home", "list", "register_form", "register_paper", "duplicates", "draft_form", "draft_create"}


def _person(w, name):
    return w["applicant"] if name == "applicant" else getattr(w["agency"], name)


@pytest.mark.parametrize("name", list(MATRIX))
def test_anonymous_is_sent_to_sign_in(world, client, name):
    method, url, data = MATRIX[name][:3]
    before = _state()
    target = url(world)
    response = getattr(client, method)(target, data(world))
    assert response.status_code == 302
    # A GET keeps its query string in "next" (encoded after "%3F").
    assert response["Location"].split("%3F")[0] == f"{reverse('accounts:login')}?next={target}"
    assert _state() == before


@pytest.mark.parametrize("name", sorted(set(MATRIX) - NOT_DOCUMENTS))
def test_another_organisation_gets_404(world, login, name):
    method, url, data = MATRIX[name][:3]
    before = _state()
    response = getattr(login(world["agency"].outsider), method)(url(world), data(world))
    assert response.status_code == 404
    assert _state() == before


@pytest.mark.parametrize("name", list(MATRIX))
def test_role_without_the_permission_is_refused_with_the_reason(world, login, name):
    method, url, data, person, status = MATRIX[name][:5]
    before = _state()
    response = getattr(login(_person(world, person)), method)(url(world), data(world))
    assert response.status_code == status
    if status == 403:
        assert response.context["message"]  # the reason, shown on the 403 page
        assert response.context["message"] in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize("name", list(MATRIX))
def test_role_with_the_permission_succeeds(world, login, name):
    method, url, data, _person_name, _status, allowed, success = MATRIX[name]
    before = _state()
    response = getattr(login(_person(world, allowed)), method)(url(world), data(world))
    assert response.status_code == success
    assert (_state() != before) == (method == "post")


def test_refusal_reasons_name_who_may(world, login):
    agency = world["agency"]
    response = login(agency.unit_head).post(MATRIX["approve"][1](world), {"approve-decision": "approve"})
    assert response.context["message"] == f"Bạn không có quyền phê duyệt văn bản của {agency.org.name}."
    response = login(agency.unit_head).post(MATRIX["sign"][1](world), {"sign-pin": PIN})
    assert response.context["message"] == "Chỉ người ký được chỉ định (Nguyễn Văn Dũng) được ký văn bản này."
    response = login(agency.specialist).get(reverse("documents:register_paper"))
    assert response.context["message"] == "Chỉ văn thư được vào sổ văn bản đến."


def test_secret_document_is_seen_only_by_those_named(world, login):
    agency = world["agency"]
    deputy = make_person("stttt.deputy", agency.org, "deputy_leader", position="Phó Giám đốc")
    response = login(agency.clerk).post(
        reverse("documents:register_paper"),
        paper_form(number_symbol="09/UBND-VP", secrecy="secret", grant_to=[agency.director.pk]),
    )
    assert response.status_code == 302
    secret = Document.objects.get(number_text="09")
    assert login(agency.clerk).get(reverse("documents:detail", args=[secret.pk])).status_code == 200
    assert login(agency.director).get(reverse("documents:detail", args=[secret.pk])).status_code == 200
    assert login(deputy).get(reverse("documents:detail", args=[secret.pk])).status_code == 404
    listed = login(deputy).get(reverse("documents:list"))
    assert secret.pk not in [d.pk for d in listed.context["page_obj"].paginator.object_list]
    home = login(deputy).get(reverse("documents:home"))
    assert secret.pk not in [d.pk for d in home.context["to_assign"]["rows"]]


def test_secret_paper_document_needs_its_leaders(world, login):
    before = _state()
    response = login(world["agency"].clerk).post(
        reverse("documents:register_paper"), paper_form(number_symbol="10/UBND-VP", secrecy="secret")
    )
    assert response.status_code == 422
    assert response.context["form"].errors["grant_to"] == ["Chọn lãnh đạo nhận văn bản mật."]
    assert _state() == before


# ---------------------------------------------------------------------------------------------------------------
# Query counts: the hot pages do not grow with the number of rows.


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_home_query_count_does_not_grow(world, login):
    agency = world["agency"]
    url = reverse("documents:home")
    clients = {name: login(getattr(agency, name)) for name in ("director",)}
    few = {name: _queries(client, url) for name, client in clients.items()}
    for n in range(3):
        document = register(agency, number_symbol=f"{300 + n}/UBND-VP")
        document_assign(actor=actor(agency.director), document=document, values={"lead": f"unit:{agency.unit.pk}"})
        register(agency, number_symbol=f"{400 + n}/UBND-VP")
        create_draft(agency)
    assert {name: _queries(client, url) for name, client in clients.items()} == few


@pytest.mark.parametrize("person", ["clerk", "specialist", "unit_head"])
def test_home_query_count_per_role(world, login, person):
    agency = world["agency"]
    client = login(getattr(agency, person))
    url = reverse("documents:home")
    few = _queries(client, url)
    for n in range(3):
        document = register(agency, number_symbol=f"{300 + n}/UBND-VP")
        document_assign(
            actor=actor(agency.director), document=document, values={"lead": f"person:{agency.specialist.pk}"}
        )
        document_submit(actor=actor(agency.specialist), document=create_draft(agency))
    assert _queries(client, url) == few


def test_list_query_count_does_not_grow(world, login):
    agency = world["agency"]
    client = login(agency.director)
    url = reverse("documents:list")
    few = _queries(client, url)
    for n in range(5):
        register(agency, number_symbol=f"{500 + n}/UBND-VP")
    assert _queries(client, url) == few
    assert _queries(client, url, {"direction": "incoming", "state": "registered"}) == few


def test_detail_query_count_does_not_grow(world, login):
    from egov.documents.services.assignments import assignment_forward

    agency = world["agency"]
    document = world["registered"]
    client = login(agency.director)
    url = reverse("documents:detail", args=[document.pk])
    lead = document_assign(actor=actor(agency.director), document=document, values={"lead": f"unit:{agency.unit.pk}"})[
        0
    ]
    few = _queries(client, url)
    for n in range(3):
        document_comment(actor=actor(agency.director), document=document, text=f"Ý kiến {n}")
        person = make_person(f"p{n}", agency.unit, "specialist")
        access_grant(actor=actor(agency.director), document=document, person=person, reason="Tra cứu")
    assignment_forward(
        actor=actor(agency.unit_head), assignment=lead, values={"to": f"person:{agency.other_specialist.pk}"}
    )
    assert _queries(client, url) == few
    # The unit head's page has forms for the unit's own work; it too stays flat.
    head = login(agency.unit_head)
    mine = _queries(head, url)
    assignment_forward(actor=actor(agency.unit_head), assignment=lead, values={"to": f"person:{agency.specialist.pk}"})
    document_comment(actor=actor(agency.director), document=document, text="Thêm ý kiến")
    assert _queries(head, url) == mine


def test_home_query_count_with_deadlines_does_not_grow(world, login):
    """Deadlines in the future make each row ask the working calendar: that must stay one calendar per page."""
    from django.utils import timezone

    from egov.calendar.workdays import add_working_days

    agency = world["agency"]
    client = login(agency.specialist)
    url = reverse("documents:home")
    due = add_working_days(timezone.localdate(), 10)
    values = {"lead": f"person:{agency.specialist.pk}", "due_on": due.isoformat()}
    document_assign(actor=actor(agency.director), document=register(agency, number_symbol="600/UBND-VP"), values=values)
    few = _queries(client, url)
    for n in range(3):
        document = register(agency, number_symbol=f"{601 + n}/UBND-VP")
        document_assign(actor=actor(agency.director), document=document, values=values)
    assert _queries(client, url) == few
