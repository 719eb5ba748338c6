"""Documents API, outgoing drafts: create (JSON), upload versions (multipart), edit, opinions, review, approval."""

from __future__ import annotations

import pytest

from egov.accounts.roles import Perm
from egov.documents.models import Comment, Document, DocumentFile
from egov.documents.tests.factories import PIN, make_pdf
from egov.documents.tests.signing_fixtures import encrypt_pdf
from egov.documents.tests.test_api_support import API, as_, draft, key_for, pdf_upload, post, put, registered, state

pytestmark = pytest.mark.django_db


def _draft_body(**overrides) -> dict:
    body = {
        "organisation": "000.00.12.H40",
        "type_code": "quyet_dinh",
        "subject": "Quyết định ban hành Kế hoạch chuyển đổi số năm 2027",
        "signer": "stttt.director",
        "drafting_unit": "000.02.12.H40",
        "recipients": [{"code": "000.00.35.H40"}, {"code": "000.00.00.G09", "name": "Bộ Nội vụ"}],
        "urgency": "urgent",
        "place": "Nam Định",
    }
    body.update(overrides)
    return {name: value for name, value in body.items() if value is not None}


def test_specialist_creates_a_draft_then_uploads_its_pdf(client, agency):
    c = as_(client, agency, "specialist")
    response = post(c, f"{API}/outgoing", _draft_body())
    assert response.status_code == 201
    body = response.json()
    document = Document.objects.get()
    assert (body["id"], body["direction"], body["state"], body["type_name"], body["urgency"]) == (
        document.pk,
        "outgoing",
        "draft",
        "Quyết định",
        "urgent",
    )
    assert (body["signer"], body["signer_name"], body["signer_position"], body["drafting_unit"]) == (
        "stttt.director",
        "Nguyễn Văn Dũng",
        "Giám đốc",
        "000.02.12.H40",
    )
    assert [(r["kind"], r["organisation"], r["organisation_name"]) for r in body["recipients"]] == [
        ("internal", "000.00.35.H40", "Ủy ban nhân dân huyện Hải Hậu"),
        ("external", "000.00.00.G09", "Bộ Nội vụ"),
    ]
    assert (body["files"], body["created_by"], body["number_symbol"]) == ([], "cntt.specialist", "")
    uploaded = c.post(f"{API}/{document.pk}/versions", {"file": pdf_upload("du-thao.pdf"), "note": "Bản đầu"})
    assert uploaded.status_code == 201
    row = DocumentFile.objects.get()
    assert uploaded.json() == {
        "id": row.pk,
        "role": "main",
        "stage": "draft",
        "version": 1,
        "position": 0,
        "is_current": True,
        "name": "du-thao.pdf",
        "content_type": "application/pdf",
        "size": row.size,
        "sha256": row.sha256,
        "page_count": 1,
        "note": "Bản đầu",
        "created_by": "cntt.specialist",
        "created_at": uploaded.json()["created_at"],
        "url": f"/api/v1/documents/{document.pk}/files/{row.pk}",
    }
    second = c.post(f"{API}/{document.pk}/versions", {"file": pdf_upload("du-thao-2.pdf", "Bản sửa")})
    assert (second.status_code, second.json()["version"]) == (201, 2)
    appendix = c.post(f"{API}/{document.pk}/versions", {"file": pdf_upload("phu-luc.pdf"), "role": "appendix"})
    assert (appendix.status_code, appendix.json()["role"], appendix.json()["version"]) == (201, "appendix", 1)
    files = c.get(f"{API}/{document.pk}").json()["files"]
    assert [(f["role"], f["version"], f["is_current"]) for f in files] == [
        ("appendix", 1, True),
        ("main", 2, True),
        ("main", 1, False),
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"signer": "nobody.here"}, "signer"),
        ({"signer": "cntt.specialist"}, "signer"),  # not a leader who may sign for the organisation
        ({"drafting_unit": "000.00.12.H50"}, "drafting_unit"),  # a unit of another province
        ({"drafting_unit": "000.99.99.X99"}, "drafting_unit"),
        ({"recipients": [{"code": "000.00.00.G09"}]}, "recipients.0"),  # outside the platform, no name
        ({"recipients": [{"code": "000.00.12.H40"}]}, "recipients.0"),  # to itself
        ({"type_code": "khong_co"}, "type_code"),
        ({"subject": "x" * 501}, "subject"),
        ({"subject": "   "}, "subject"),
        ({"subject": None}, "subject"),
        ({"signer": None}, "signer"),
        ({"urgency": "rất gấp"}, "urgency"),
        ({"secrecy": "secret"}, None),
        ({"handling_due_on": "31/02/2027"}, "handling_due_on"),
        ({"organisation": None}, "organisation"),
        ({"organisation": "000.99.99.X99"}, "organisation"),
        ({"page_count": 0}, "page_count"),
    ],
)
def test_create_bad_input_changes_nothing(client, agency, overrides, field):
    c = as_(client, agency, "specialist")
    before = state()
    response = post(c, f"{API}/outgoing", _draft_body(**overrides))
    if field is None:
        # A secret draft is fine: the author is granted access to it.
        assert (response.status_code, response.json()["secrecy"]) == (201, "secret")
        return
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (422, "validation_error", field)
    assert state() == before


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("applicant", 403), ("outsider", 403), ("specialist", 201)],
)
def test_create_matrix(client, agency, name, status):
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/outgoing", _draft_body())
    assert response.status_code == status
    if status != 201:
        assert state() == before
        assert Document.objects.count() == 0


def test_an_api_key_does_not_draft(client, agency):
    auth = key_for(agency.org, Perm.DOCS_REGISTER, Perm.DOCS_VIEW_ALL)
    client.logout()
    before = state()
    assert post(client, f"{API}/outgoing", _draft_body(), **auth).status_code == 403
    assert state() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Hello, this is not a PDF at all", "Tệp không phải là PDF."),
        (b"%PDF-1.7\n1 0 obj\n<<", "Tệp PDF bị hỏng, không đọc được."),
        (None, "Chọn tệp PDF."),
    ],
)
def test_version_must_be_a_readable_pdf(client, agency, data, message):
    document = draft(agency)
    c = as_(client, agency, "specialist")
    before = state()
    form = {"note": "Bản sửa"} if data is None else {"file": pdf_upload("sai.pdf", data=data)}
    response = c.post(f"{API}/{document.pk}/versions", form)
    assert (response.status_code, response.json()["field"], response.json()["message"]) == (422, "file", message)
    assert state() == before


def test_version_encrypted_or_too_large_is_refused(client, agency, settings):
    document = draft(agency)
    c = as_(client, agency, "specialist")
    before = state()
    encrypted = c.post(
        f"{API}/{document.pk}/versions", {"file": pdf_upload("mat-khau.pdf", data=encrypt_pdf(make_pdf()))}
    )
    assert (encrypted.status_code, encrypted.json()["field"]) == (422, "file")
    settings.EGOV_DOCUMENT_MAX_BYTES = 2048
    large = c.post(f"{API}/{document.pk}/versions", {"file": pdf_upload()})
    assert (large.status_code, large.json()["field"]) == (422, "file")
    assert large.json()["message"].startswith("Tệp lớn hơn giới hạn")
    assert state() == before


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("outsider", 404), ("other_specialist", 404), ("clerk", 403), ("specialist", 201)],
)
def test_version_matrix(client, agency, name, status):
    document = draft(agency)
    c = as_(client, agency, name)
    before = state()
    response = c.post(f"{API}/{document.pk}/versions", {"file": pdf_upload("v2.pdf")})
    assert response.status_code == status
    if status == 201:
        assert response.json()["version"] == 2
    else:
        assert state() == before


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("outsider", 404), ("other_specialist", 404), ("clerk", 403), ("specialist", 200)],
)
def test_update_matrix(client, agency, name, status):
    document = draft(agency)
    c = as_(client, agency, name)
    before = state()
    body = _draft_body(subject="Trích yếu đã sửa", recipients=[{"code": "000.00.00.H50"}])
    body.pop("organisation")
    response = put(c, f"{API}/{document.pk}", body)
    assert response.status_code == status
    document.refresh_from_db()
    if status == 200:
        assert (response.json()["subject"], document.subject) == ("Trích yếu đã sửa", "Trích yếu đã sửa")
        assert [r["organisation"] for r in response.json()["recipients"]] == ["000.00.00.H50"]
    else:
        assert state() == before


def test_update_bad_input_and_after_submission(client, agency):
    document = draft(agency)
    c = as_(client, agency, "specialist")
    body = _draft_body()
    body.pop("organisation")
    before = state()
    response = put(c, f"{API}/{document.pk}", {**body, "drafting_unit": "000.00.12.H50"})
    assert (response.status_code, response.json()["field"]) == (422, "drafting_unit")
    assert state() == before
    assert post(c, f"{API}/{document.pk}/submit").status_code == 200
    late = put(c, f"{API}/{document.pk}", body)
    assert (late.status_code, late.json()["code"]) == (409, "invalid_transition")


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("outsider", 404), ("other_specialist", 404), ("clerk", 201), ("unit_head", 201)],
)
def test_comment_matrix(client, agency, name, status):
    document = draft(agency)
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/{document.pk}/comments", {"text": "Bổ sung căn cứ pháp lý"})
    assert response.status_code == status
    if status == 201:
        comment = Comment.objects.get()
        assert response.json() == {
            "id": comment.pk,
            "document": document.pk,
            "author": comment.author.username,
            "author_name": comment.author.full_name,
            "text": "Bổ sung căn cứ pháp lý",
            "file": document.files.get().pk,
            "created_at": response.json()["created_at"],
        }
    else:
        assert state() == before


def test_comment_needs_text(client, agency):
    document = draft(agency)
    c = as_(client, agency, "specialist")
    for body in ({"text": "  "}, {}):
        response = post(c, f"{API}/{document.pk}/comments", body)
        assert (response.status_code, response.json()["field"]) == (422, "text")
    assert Comment.objects.count() == 0


def test_draft_to_approval(client, agency):
    document = draft(agency)
    submitted = post(as_(client, agency, "specialist"), f"{API}/{document.pk}/submit", {"note": "Kính trình"})
    assert (submitted.status_code, submitted.json()["state"]) == (200, "in_review")
    returned = post(as_(client, agency, "unit_head"), f"{API}/{document.pk}/review", {"approve": False, "note": ""})
    assert (returned.status_code, returned.json()["field"]) == (422, "note")
    reviewed = post(client, f"{API}/{document.pk}/review", {"approve": True, "note": "Đồng ý"})
    assert (reviewed.status_code, reviewed.json()["state"]) == (200, "awaiting_approval")
    approved = post(as_(client, agency, "director"), f"{API}/{document.pk}/approve", {"approve": True})
    assert (approved.status_code, approved.json()["state"]) == (200, "approved")
    assert [e["kind"] for e in approved.json()["timeline"]] == [
        "created",
        "state.in_review",
        "state.awaiting_approval",
        "state.approved",
    ]
    again = post(client, f"{API}/{document.pk}/approve", {"approve": True})
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")


def test_submit_without_a_main_file(client, agency):
    c = as_(client, agency, "specialist")
    created = post(c, f"{API}/outgoing", _draft_body()).json()
    before = state()
    response = post(c, f"{API}/{created['id']}/submit")
    assert (response.status_code, response.json()["field"]) == (422, "main_file")
    assert state() == before


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("outsider", 404), ("other_specialist", 404), ("clerk", 403), ("specialist", 200)],
)
def test_submit_matrix(client, agency, name, status):
    document = draft(agency)
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/{document.pk}/submit")
    assert response.status_code == status
    document.refresh_from_db()
    assert document.state == ("in_review" if status == 200 else "draft")
    if status != 200:
        assert state() == before


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("outsider", 404), ("clerk", 403), ("specialist", 403), ("unit_head", 200)],
)
def test_review_matrix(client, agency, name, status):
    document = draft(agency)
    post(as_(client, agency, "specialist"), f"{API}/{document.pk}/submit")
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/{document.pk}/review", {"approve": True})
    assert response.status_code == status
    document.refresh_from_db()
    assert document.state == ("awaiting_approval" if status == 200 else "in_review")
    if status != 200:
        assert state() == before


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("outsider", 404), ("clerk", 403), ("unit_head", 403), ("director", 200)],
)
def test_approve_matrix(client, agency, name, status):
    document = draft(agency)
    post(as_(client, agency, "specialist"), f"{API}/{document.pk}/submit")
    post(as_(client, agency, "unit_head"), f"{API}/{document.pk}/review", {"approve": True})
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/{document.pk}/approve", {"approve": False, "note": "Sửa lại trích yếu"})
    assert response.status_code == status
    document.refresh_from_db()
    # Sending back returns the draft to its author.
    assert document.state == ("draft" if status == 200 else "awaiting_approval")
    if status != 200:
        assert state() == before


@pytest.mark.parametrize(
    ("name", "action", "body"),
    [
        ("clerk", "submit", {}),
        ("director", "approve", {"approve": True}),
        ("clerk", "issue", {"pin": PIN}),
        ("director", "recall", {"reason": "Thu hồi"}),
    ],
)
def test_outgoing_steps_on_an_incoming_document_are_conflicts(client, agency, name, action, body):
    paper = registered(agency)
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/{paper.pk}/{action}", body)
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
    assert state() == before


@pytest.mark.parametrize(
    ("name", "action", "body"),
    [
        ("clerk", "register", {}),
        ("clerk", "return", {"reason": "Gửi nhầm"}),
        ("director", "assign", {"lead": {"unit": "000.02.12.H40"}}),
    ],
)
def test_incoming_steps_on_a_draft_are_conflicts(client, agency, name, action, body):
    document = draft(agency)
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/{document.pk}/{action}", body)
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
    assert state() == before
