"""Documents API, reading: the list and its filters, one document, file downloads, signatures, secrecy, OpenAPI."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from egov.accounts.roles import Perm
from egov.documents.models import AccessLog, Document
from egov.documents.services.access import access_grant
from egov.documents.services.assignments import document_assign
from egov.documents.services.incoming import document_register_paper
from egov.documents.services.keys import active_key, key_image, signer_spec
from egov.documents.services.outgoing import document_comment
from egov.documents.signing.sign import sign_as_signer
from egov.documents.tests.factories import PIN, actor, make_pdf, paper_values
from egov.documents.tests.test_api_support import API, as_, draft, key_for, persona, registered, schema_paths

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs(agency):
    """A draft of the IT unit, a registered paper công văn and a secret one (its clerk and the director granted)."""
    return {
        "draft": draft(agency),
        "paper": registered(agency),
        "secret": registered(
            agency, number_symbol="7/UBND-VP", secrecy="secret", subject="Văn bản mật về an ninh mạng"
        ),
    }


def _ids(response) -> list[int]:
    return sorted(d["id"] for d in response.json()["items"])


@pytest.mark.parametrize(
    ("name", "status", "visible"),
    [
        ("anonymous", 401, None),
        ("applicant", 403, None),
        ("outsider", 200, []),
        ("other_specialist", 200, []),
        # The author sees the draft; the unit head reviews drafts of the unit.
        ("specialist", 200, ["draft"]),
        ("unit_head", 200, ["draft"]),
        # Clerks and leaders see every document of the organisation that is not secret.
        ("deputy", 200, ["draft", "paper"]),
        # The clerk who registered the secret document and the leader it was handed to were granted access.
        ("director", 200, ["draft", "paper", "secret"]),
        ("clerk", 200, ["draft", "paper", "secret"]),
    ],
)
def test_list_matrix(client, agency, docs, name, status, visible):
    response = as_(client, agency, name).get(API)
    assert response.status_code == status
    if visible is None:
        assert set(response.json()) == {"code", "message", "field"}
        return
    assert _ids(response) == sorted(docs[n].pk for n in visible)
    assert response.json()["count"] == len(visible)


def test_secret_document_appears_only_with_a_grant(client, agency, docs):
    secret = docs["secret"]
    c = as_(client, agency, "deputy")
    assert secret.pk not in _ids(c.get(API))
    assert c.get(API, {"direction": "incoming"}).json()["count"] == 1
    assert c.get(f"{API}/{secret.pk}").status_code == 404
    assert c.get(f"{API}/{secret.pk}/files/{secret.files.get().pk}").status_code == 404
    assert c.get(f"{API}/{secret.pk}/signatures").status_code == 404
    access_grant(actor=actor(agency.director), document=secret, person=persona(agency, "deputy"), reason="Xử lý")
    assert c.get(API, {"direction": "incoming"}).json()["count"] == 2
    detail = c.get(f"{API}/{secret.pk}")
    assert (detail.status_code, detail.json()["secrecy"], detail.json()["number_symbol"]) == (
        200,
        "secret",
        "7/UBND-VP",
    )


def test_list_filters_and_pages(client, agency, docs):
    c = as_(client, agency, "clerk")
    year = timezone.localdate().year
    assert _ids(c.get(API, {"direction": "outgoing"})) == [docs["draft"].pk]
    assert _ids(c.get(API, {"state": "registered"})) == [docs["paper"].pk, docs["secret"].pk]
    assert _ids(c.get(API, {"state": "draft", "direction": "outgoing"})) == [docs["draft"].pk]
    assert _ids(c.get(API, {"year": year})) == [docs["paper"].pk, docs["secret"].pk]
    assert _ids(c.get(API, {"year": year - 1})) == []
    assert _ids(c.get(API, {"organisation": "000.00.12.H40"})) == sorted(d.pk for d in docs.values())
    assert _ids(c.get(API, {"organisation": "000.00.35.H40"})) == []
    paged = c.get(API, {"page": 2, "page_size": 2}).json()
    # Newest first: the first created (the draft) is alone on page 2.
    assert (paged["count"], paged["pages"], [d["id"] for d in paged["items"]]) == (3, 2, [docs["draft"].pk])
    for query, field in (
        ({"state": "sleeping"}, "state"),
        ({"direction": "sideways"}, "direction"),
        ({"organisation": "000.99.99.X99"}, "organisation"),
        ({"year": "năm nay"}, "year"),
        ({"page_size": 501}, "page_size"),
    ):
        response = c.get(API, query)
        assert (response.status_code, response.json()["code"], response.json()["field"]) == (
            422,
            "validation_error",
            field,
        )


def test_list_item_fields(client, agency, docs):
    paper = Document.objects.get(pk=docs["paper"].pk)
    item = next(d for d in as_(client, agency, "deputy").get(API).json()["items"] if d["id"] == paper.pk)
    assert item == {
        "id": paper.pk,
        "uid": str(paper.uid),
        "direction": "incoming",
        "state": "registered",
        "channel": "paper",
        "organisation": "000.00.12.H40",
        "organisation_name": "Sở Thông tin và Truyền thông tỉnh Nam Định",
        "type_code": "cong_van",
        "type_name": "Công văn",
        "number_symbol": "125/UBND-VP",
        "number_text": "125",
        "symbol": "UBND-VP",
        "issued_on": "2026-11-20",
        "issuer_code": "000.00.00.H40",
        "issuer_name": "Ủy ban nhân dân tỉnh Nam Định",
        "subject": "V/v triển khai nền tảng số tại địa phương",
        "urgency": "urgent",
        "secrecy": "none",
        "arrival_year": timezone.localdate().year,
        "arrival_number": 1,
        "received_at": item["received_at"],
        "registered_at": item["registered_at"],
        "handling_due_on": None,
        "recalled_at": None,
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
    }
    assert item["registered_at"] is not None and item["received_at"] is not None


def test_list_query_count(client, agency, docs, django_assert_max_num_queries):
    for n in range(10):
        registered(agency, number_symbol=f"{200 + n}/UBND-VP")
    c = as_(client, agency, "deputy")
    c.get(API)  # warm the session
    with django_assert_max_num_queries(8):
        body = c.get(API).json()
    assert body["count"] == 12


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("anonymous", 401),
        ("applicant", 404),
        ("outsider", 404),
        ("other_specialist", 404),
        ("specialist", 200),
        ("unit_head", 200),
        ("director", 200),
        ("clerk", 200),
    ],
)
def test_get_document_matrix(client, agency, docs, name, status):
    document = docs["draft"]
    response = as_(client, agency, name).get(f"{API}/{document.pk}")
    assert response.status_code == status
    views = AccessLog.objects.filter(document=document, action="view")
    if status == 200:
        body = response.json()
        assert (body["id"], body["state"], body["signer"], body["drafting_unit"], body["created_by"]) == (
            document.pk,
            "draft",
            "stttt.director",
            "000.02.12.H40",
            "cntt.specialist",
        )
        assert [(r["organisation"], r["delivery_state"]) for r in body["recipients"]] == [("000.00.35.H40", "pending")]
        assert [e["kind"] for e in body["timeline"]] == ["created"]
        # Appendix VI asks for the access history: every view is recorded.
        assert [(v.person, v.file_id) for v in views] == [(persona(agency, name), None)]
    else:
        assert response.json()["code"] == {401: "not_authenticated", 404: "not_found"}[status]
        assert views.count() == 0


def test_detail_of_a_registered_document(client, agency, docs):
    paper = docs["paper"]
    row = paper.files.get()
    body = as_(client, agency, "director").get(f"{API}/{paper.pk}").json()
    assert body["files"] == [
        {
            "id": row.pk,
            "role": "main",
            "stage": "received",
            "version": 1,
            "position": 0,
            "is_current": True,
            "name": "scan.pdf",
            "content_type": "application/pdf",
            "size": row.size,
            "sha256": row.sha256,
            "page_count": 1,
            "note": "",
            "created_by": "stttt.clerk",
            "created_at": body["files"][0]["created_at"],
            "url": f"/api/v1/documents/{paper.pk}/files/{row.pk}",
        }
    ]
    assert (body["arrival_number"], body["number_symbol"], body["signer_prefix"], body["signer_name"]) == (
        1,
        "125/UBND-VP",
        "KT.",
        "Phạm Đình Nghị",
    )
    assert (body["year"], body["number"], body["page_count"], body["language"]) == (2026, 125, 1, "Tiếng Việt")
    assert [(e["kind"], e["actor"], e["note"]) for e in body["timeline"]] == [
        ("arrived", "stttt.clerk", "Văn bản giấy"),
        ("state.registered", "stttt.clerk", ""),
    ]
    assert body["timeline"][1]["data"] == {"from": "arrived", "to": "registered", "arrival_number": 1, "late": False}
    assert (body["assignments"], body["comments"], body["recipients"], body["format_findings"]) == ([], [], [], [])


def test_unknown_document_is_not_found(client, agency, docs):
    c = as_(client, agency, "clerk")
    assert c.get(f"{API}/999999").status_code == 404
    assert c.get(f"{API}/{docs['paper'].pk}/files/999999").status_code == 404
    # A file of another document is not this document's file.
    other = docs["draft"].files.get()
    assert c.get(f"{API}/{docs['paper'].pk}/files/{other.pk}").json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("outsider", 404), ("other_specialist", 404), ("director", 200), ("clerk", 200)],
)
def test_download_matrix_and_access_log(client, agency, docs, name, status):
    paper = docs["paper"]
    row = paper.files.get()
    response = as_(client, agency, name).get(f"{API}/{paper.pk}/files/{row.pk}")
    assert response.status_code == status
    downloads = AccessLog.objects.filter(document=paper, action="download")
    if status == 200:
        data = b"".join(response.streaming_content)
        assert hashlib.sha256(data).hexdigest() == row.sha256
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="scan.pdf"'
        assert [(d.person, d.file_id) for d in downloads] == [(persona(agency, name), row.pk)]
    else:
        assert downloads.count() == 0


def test_signature_report_of_an_unsigned_and_a_signed_file(client, agency, docs):
    c = as_(client, agency, "clerk")
    unsigned = c.get(f"{API}/{docs['paper'].pk}/signatures").json()
    assert unsigned == {
        "file": docs["paper"].files.get().pk,
        "error": "",
        "signed": False,
        "all_valid": False,
        "signatures": [],
    }
    key = active_key(person=agency.director)
    signed_pdf = sign_as_signer(
        make_pdf("Công văn đã ký"),
        key=signer_spec(key, PIN),
        signature_image=key_image(key, person=agency.director),
        reason="Ký ban hành",
    )
    signed = document_register_paper(
        actor=actor(agency.clerk),
        organisation=agency.org,
        values=paper_values(number_symbol="9/STTTT-CNTT", issuer_name=agency.org.name, issuer_code=agency.org.code),
        main_file=("da-ky.pdf", signed_pdf),
    )
    report = c.get(f"{API}/{signed.pk}/signatures").json()
    assert (report["file"], report["error"], report["signed"], report["all_valid"]) == (
        signed.files.get().pk,
        "",
        True,
        True,
    )
    [facts] = report["signatures"]
    assert (facts["intact"], facts["trusted"], facts["trust_problem"], facts["is_organisation"]) == (
        True,
        True,
        "",
        False,
    )
    assert (facts["signer_common_name"], facts["signer_organisation"], facts["signer_organisation_code"]) == (
        "Nguyễn Văn Dũng",
        "Sở Thông tin và Truyền thông tỉnh Nam Định",
        "000.00.12.H40",
    )
    assert (facts["covers_whole_file"], facts["modification_level"]) == (True, "none")
    assert as_(client, agency, "outsider").get(f"{API}/{signed.pk}/signatures").status_code == 404


def test_api_key_with_view_all_reads_its_organisation(client, agency, docs):
    auth = key_for(agency.org, Perm.DOCS_VIEW_ALL)
    client.logout()
    body = client.get(API, **auth).json()
    assert sorted(d["id"] for d in body["items"]) == sorted([docs["draft"].pk, docs["paper"].pk])
    assert client.get(f"{API}/{docs['secret'].pk}", **auth).status_code == 404
    view = client.get(f"{API}/{docs['paper'].pk}", **auth)
    assert view.status_code == 200
    log = AccessLog.objects.get(document=docs["paper"], action="view")
    prefix = auth["HTTP_AUTHORIZATION"].removeprefix("Bearer egov_").split("_")[0]
    assert (log.person, log.actor_label) == (None, f"API: Hệ thống một cửa ({prefix})")
    # A key of another organisation sees nothing of this one.
    other = key_for(agency.tree["qt"], Perm.DOCS_VIEW_ALL)
    assert client.get(API, **other).json()["count"] == 0
    assert client.get(f"{API}/{docs['paper'].pk}", **other).status_code == 404
    # A key that may only register does not read the registers.
    register_only = key_for(agency.org, Perm.DOCS_REGISTER)
    assert client.get(API, **register_only).status_code == 403


def test_openapi_lists_the_documents_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert schema_paths(spec) == {
        f"{API}",
        f"{API}/work",
        f"{API}/queues",
        f"{API}/duplicates",
        f"{API}/{{id}}",
        f"{API}/{{id}}/files/{{file_id}}",
        f"{API}/{{id}}/signatures",
        f"{API}/{{id}}/exchange",
        f"{API}/outgoing",
        f"{API}/{{id}}/versions",
        f"{API}/{{id}}/comments",
        f"{API}/{{id}}/submit",
        f"{API}/{{id}}/review",
        f"{API}/{{id}}/approve",
        f"{API}/{{id}}/sign",
        f"{API}/{{id}}/issue",
        f"{API}/{{id}}/recall",
        f"{API}/incoming",
        f"{API}/{{id}}/register",
        f"{API}/{{id}}/return",
        f"{API}/{{id}}/assign",
        f"{API}/assignments/{{id}}/start",
        f"{API}/assignments/{{id}}/forward",
        f"{API}/assignments/{{id}}/complete",
        f"{API}/{{id}}/urge",
        f"{API}/{{id}}/grants",
        f"{API}/grants/{{id}}",
        f"{API}/grants/{{id}}/confirm",
    }
    assert sorted(spec["paths"][f"{API}/{{id}}"]) == ["get", "put"]
    assert "multipart/form-data" in spec["paths"][f"{API}/incoming"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in spec["paths"][f"{API}/{{id}}/versions"]["post"]["requestBody"]["content"]
    # Every schema referred to is defined.
    from egov.plans.tests.api_support import schema_refs

    assert schema_refs(spec) <= set(spec["components"]["schemas"])


def test_detail_query_count_does_not_grow_with_the_record(client, agency, docs):
    paper = docs["paper"]
    c = as_(client, agency, "director")
    c.get(f"{API}/{paper.pk}")  # warm the session

    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert c.get(f"{API}/{paper.pk}").status_code == 200
        return len(queries)

    small = measure()
    document_assign(
        actor=actor(agency.director),
        document=paper,
        values={"lead": f"unit:{agency.unit.pk}", "cooperate": [f"person:{agency.other_specialist.pk}"]},
    )
    for n in range(5):
        document_comment(actor=actor(agency.director), document=paper, text=f"Ý kiến số {n}")
    assert measure() == small
    body = c.get(f"{API}/{paper.pk}").json()
    # arrived, registered, assigned, then the five opinions.
    assert (len(body["assignments"]), len(body["comments"]), len(body["timeline"])) == (2, 5, 8)
