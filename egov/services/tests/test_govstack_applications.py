"""GovStack Registration API: documents, application files (dossiers) — submit, read, supplement, who may."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from egov.accounts.actor import Actor
from egov.services.dossiers import processing as p
from egov.services.models import Dossier, DossierFile, DossierState
from egov.services.tests.factories import make_procedure
from egov.services.tests.helpers import pdf_bytes
from egov.services.tests.test_govstack_support import (
    BASE,
    CLIENT,
    URLS,
    accept,
    application_body,
    assert_matches_spec,
    post_json,
    put_json,
    sign_in,
    submit_via_api,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLS)]
NOW = "2026-11-23 10:00:00+07:00"
CODE = "000.00.15.H40-261123-0001"


def _files(dossier) -> list[str]:
    return [
        f"/services/my/{dossier.pk}/files/{pk}/"
        for pk in dossier.files.order_by("uploaded_at", "pk").values_list("pk", flat=True)
    ]


@freeze_time(NOW)
def test_upload_then_submit_gives_the_dossier(client, agency, version, django_capture_on_commit_callbacks):
    sign_in(client, agency.applicant)
    response = upload(client, "to-khai")
    assert response.status_code == 200
    body = response.json()
    assert_matches_spec(body, "/documents", "post")
    assert (body["code"], body["type"]) == (200, "application/pdf")
    assert body["url"].startswith(f"{BASE}/documents/") and len(body["url"].rsplit("/", 1)[1]) == 24
    assert client.get(body["url"]).content == pdf_bytes("to-khai")
    second = upload(client, "giay-chung-sinh", as_text=True).json()["url"]

    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(
            client, f"{BASE}/services/1.001193/applications", application_body(agency, [body["url"], second]), **CLIENT
        )
    assert response.status_code == 200, response.json()
    dossier = Dossier.objects.get()
    assert (dossier.code, dossier.state, dossier.applicant, dossier.agency) == (
        CODE,
        DossierState.SUBMITTED,
        agency.applicant,
        agency.org,
    )
    assert sorted(dossier.files.values_list("requirement", "size")) == [
        ("giay-chung-sinh", len(pdf_bytes("giay-chung-sinh"))),
        ("to-khai", len(pdf_bytes("to-khai"))),
    ]
    assert response.json() == {
        "fileId": CODE,
        "applicantId": "congdan",
        "serviceId": "1.001193",
        "serviceName": "Thủ tục đăng ký khai sinh",
        "status": {"code": "PENDING", "title": "Mới đăng ký"},
        "ended": False,
        "applicationData": {
            "applicationName": "Nguyễn Thị Hoa",
            "applicantId": "congdan",
            "created": "2026-11-23T10:00:00+07:00",
            "formData": {"data": {"child_name": "Trần Minh An", "birth_date": "2026-11-02"}, "eFormId": "1.001193-v1"},
            "documentUrls": _files(dossier),
        },
    }
    assert_matches_spec(response.json(), "/services/{serviceId}/applications", "post")
    # A document is used once: it is gone after the submission.
    assert client.get(body["url"]).status_code == 404


@freeze_time(NOW)
def test_same_idempotency_key_gives_one_dossier(client, agency, version):
    sign_in(client, agency.applicant)
    bodies = []
    for _ in range(2):
        urls = [upload(client, key).json()["url"] for key in ("to-khai", "giay-chung-sinh")]
        bodies.append(
            post_json(
                client,
                f"{BASE}/services/1.001193/applications",
                application_body(agency, urls),
                HTTP_IDEMPOTENCY_KEY="a1",
                **CLIENT,
            ).json()
        )
    assert bodies[0] == bodies[1]
    assert Dossier.objects.count() == 1


def _submit(client, agency, body=None, service="1.001193", **extra):
    headers = {**CLIENT, **extra}
    return post_json(client, f"{BASE}/services/{service}/applications", body, **headers)


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        (lambda b: b.pop("applicantId"), 400, "applicantId"),
        (lambda b: b.update(applicantId=12), 400, "applicantId"),
        (lambda b: b.update(applicantId="someone-else"), 403, "applicantId"),
        (lambda b: b.update(created="yesterday"), 400, "created"),
        (lambda b: b.update(documentUrls="not-a-list"), 400, "documentUrls"),
        (lambda b: b.update(documentUrls=[f"{BASE}/documents/AAAAAAAAAAAAAAAAAAAAAAAA"]), 400, "documentUrls.0"),
        (lambda b: b.update(documentUrls=b["documentUrls"][:1]), 400, "documentUrls.giay-chung-sinh"),
        (lambda b: b.update(formData={"data": "x"}), 400, "formData.data"),
        (lambda b: b.update(formData={"eFormId": "1.001193-v9", "data": {}}), 400, "formData.eFormId"),
        (lambda b: b["formData"]["data"].pop("birth_date"), 400, "formData.data.birth_date"),
        (lambda b: b["formData"]["data"].update(birth_date="02/11/2026"), 400, "formData.data.birth_date"),
        (lambda b: b.update(agencyCode="000.00.99.H99"), 400, "agencyCode"),
        (lambda b: b.pop("agencyCode"), 400, "agencyCode"),
        (lambda b: b.update(applicationName=""), 400, "applicationName"),
    ],
)
def test_bad_application_is_refused_naming_the_field(client, agency, version, change, status, field):
    sign_in(client, agency.applicant)
    urls = [upload(client, key).json()["url"] for key in ("to-khai", "giay-chung-sinh")]
    body = application_body(agency, urls)
    change(body)
    response = _submit(client, agency, body)
    assert response.status_code == status, response.json()
    assert response.json()["field"] == field
    assert response.json()["message"]
    assert Dossier.objects.count() == 0
    # Refused: the papers are still there to use.
    assert all(client.get(url).status_code == 200 for url in urls)


@freeze_time(NOW)
def test_extra_answer_is_refused_when_the_form_forbids_it(client, agency, db):
    version = make_procedure()
    version.form_schema = {**version.form_schema, "additionalProperties": False}
    version.save()
    sign_in(client, agency.applicant)
    urls = [upload(client, key).json()["url"] for key in ("to-khai", "giay-chung-sinh")]
    body = application_body(agency, urls)
    body["formData"]["data"]["extra"] = 1
    response = _submit(client, agency, body)
    assert (response.status_code, response.json()["field"]) == (400, "formData.data")


@freeze_time(NOW)
def test_missing_or_bad_mediator_header_and_unknown_service(client, agency, version):
    sign_in(client, agency.applicant)
    body = application_body(agency, [])
    response = post_json(client, f"{BASE}/services/1.001193/applications", body)
    assert (response.status_code, response.json()["field"]) == (400, "Information-Mediator-Client")
    response = _submit(client, agency, body, HTTP_INFORMATION_MEDIATOR_CLIENT="just-one-part")
    assert (response.status_code, response.json()["field"]) == (400, "Information-Mediator-Client")
    response = _submit(client, agency, body, service="0.000000")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    response = client.post(
        f"{BASE}/services/1.001193/applications", "{not json", content_type="application/json", **CLIENT
    )
    assert response.status_code == 400
    assert Dossier.objects.count() == 0


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("meta", "data", "field"),
    [
        ('{"serviceId": "1.001193", "documentType": "to-khai"}', b"MZ\x90\x00 not a paper", "file"),
        ('{"serviceId": "1.001193", "documentType": "to-khai"}', b"", "file"),
        ('{"serviceId": "1.001193", "documentType": "ho-chieu"}', None, "additionalMetadata.documentType"),
        ('{"serviceId": "0.000000", "documentType": "to-khai"}', None, "additionalMetadata.serviceId"),
        ('{"serviceId": "1.001193"}', None, "additionalMetadata.documentType"),
        ("to-khai", None, "additionalMetadata"),
    ],
)
def test_bad_document_is_refused(client, agency, version, meta, data, field):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sign_in(client, agency.applicant)
    payload = pdf_bytes() if data is None else data
    response = client.post(
        f"{BASE}/documents?additionalMetadata={meta}", {"file": SimpleUploadedFile("x.pdf", payload)}
    )
    assert (response.status_code, response.json()["field"]) == (400, field)
    assert_matches_spec(response.json(), "/documents", "post", "400")


@freeze_time(NOW)
def test_document_needs_exactly_one_file_valid_base64_and_a_person(client, agency, version):
    meta = '{"serviceId": "1.001193", "documentType": "to-khai"}'
    sign_in(client, agency.applicant)
    response = client.post(f"{BASE}/documents?additionalMetadata={meta}", {})
    assert (response.status_code, response.json()["field"]) == (400, "file")
    response = client.post(f"{BASE}/documents?additionalMetadata={meta}", {"file": "%%%"})
    assert (response.status_code, response.json()["field"]) == (400, "file")
    sign_in(client, None)
    response = upload(client, "to-khai")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    # Someone else's document is not theirs to use or read.
    sign_in(client, agency.applicant)
    url = upload(client, "to-khai").json()["url"]
    sign_in(client, agency.officer)
    assert client.get(url).status_code == 404


@freeze_time(NOW)
def test_application_list_and_detail_for_the_applicant(client, agency, version):
    submitted = submit_via_api(client, agency)
    dossier = Dossier.objects.get()
    response = client.get(f"{BASE}/applications", **CLIENT)
    assert response.status_code == 200
    assert response.json() == [
        {
            "fileId": CODE,
            "mainTaskId": CODE,
            "taskTitle": "Tiếp nhận hồ sơ",
            "roleId": "one_stop_officer",
            "roleName": "Cán bộ một cửa",
            "status": {"code": "PENDING", "title": "Mới đăng ký"},
            "applicantId": "congdan",
            "created": "2026-11-23T10:00:00+07:00",
            "description": f"{CODE}: Thủ tục đăng ký khai sinh",
            "serviceName": "Thủ tục đăng ký khai sinh",
            "serviceId": "1.001193",
            "eformId": "1.001193-v1",
            "documentUrls": _files(dossier),
            "additionalMeta": {
                "data": {
                    "state": {"value": "submitted", "type": "String"},
                    "nationalStatus": {"value": 1, "type": "Long"},
                    "agencyCode": {"value": "000.00.15.H40", "type": "String"},
                    "agencyName": {"value": "Ủy ban nhân dân xã Hải Hậu", "type": "String"},
                    "channel": {"value": "online", "type": "String"},
                }
            },
        }
    ]
    assert_matches_spec(response.json(), "/applications", "get")
    response = client.get(f"{BASE}/applications/{CODE}", **CLIENT)
    assert (response.status_code, response.json()) == (200, submitted)
    assert_matches_spec(response.json(), "/applications/{fileId}", "get")


@freeze_time(NOW)
def test_application_list_filters_sorting_and_paging(client, agency, version):
    submit_via_api(client, agency)
    submit_via_api(client, agency)
    codes = [CODE, CODE.replace("0001", "0002")]

    def listed(**params):
        response = client.get(f"{BASE}/applications", params, **CLIENT)
        assert response.status_code == 200, response.json()
        return [row["fileId"] for row in response.json()]

    assert listed() == codes[::-1]
    assert listed(sortBy="id", sortOrder="asc") == codes
    assert listed(sortBy="created", sortOrder="asc", firstResult=1, maxResult=1) == codes[1:]
    assert listed(serviceId="1.001193", applicantId="congdan") == codes[::-1]
    assert listed(serviceId="1.000894") == []
    for params, field in [
        ({"sortBy": "id"}, "sortOrder"),
        ({"sortOrder": "asc"}, "sortBy"),
        ({"sortBy": "colour", "sortOrder": "asc"}, "sortBy"),
        ({"sortBy": "id", "sortOrder": "up"}, "sortOrder"),
        ({"firstResult": -1}, "firstResult"),
        ({"maxResult": 0}, "maxResult"),
        ({"maxResult": "ten"}, "maxResult"),
    ]:
        response = client.get(f"{BASE}/applications", params, **CLIENT)
        assert (response.status_code, response.json()["field"]) == (400, field), params


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("who", "list_status", "listed", "detail_status"),
    [
        ("anonymous", 401, None, 401),
        ("applicant", 200, [CODE], 200),
        ("other_applicant", 200, [], 404),
        ("other_officer", 200, [], 404),
        ("officer", 200, [CODE], 200),
        ("specialist", 200, [CODE], 200),
    ],
)
def test_application_permission_matrix(client, agency, version, who, list_status, listed, detail_status):
    from egov.accounts.tests.factories import make_person

    submit_via_api(client, agency)
    users = {
        "anonymous": None,
        "applicant": agency.applicant,
        "other_applicant": make_person("congdankhac", None, "applicant", kind="applicant"),
        "other_officer": agency.other_officer,
        "officer": agency.officer,
        "specialist": agency.specialist,
    }
    sign_in(client, users[who])
    response = client.get(f"{BASE}/applications", **CLIENT)
    assert response.status_code == list_status
    if listed is not None:
        assert [row["fileId"] for row in response.json()] == listed
    assert client.get(f"{BASE}/applications/{CODE}", **CLIENT).status_code == detail_status
    # Nobody but the applicant submits for themselves.
    if who != "applicant":
        body = application_body(agency, [], applicantId="congdan")
        assert _submit(client, agency, body).status_code in (401, 403)
        assert Dossier.objects.count() == 1


def _ask_supplement(agency, dossier):
    return p.dossier_request_supplement(
        actor=Actor(user=agency.officer),
        dossier=dossier,
        items=[{"name": "Giấy chứng sinh", "reason": "Bản chụp mờ"}],
    )


@pytest.mark.parametrize("who", ["applicant", "officer"])
def test_put_supplements_a_dossier_sent_back(client, agency, version, who):
    with freeze_time(NOW):
        submit_via_api(client, agency)
        dossier = Dossier.objects.get()
        _ask_supplement(agency, dossier)
    user = agency.applicant if who == "applicant" else agency.officer
    with freeze_time("2026-11-24 09:00:00+07:00"):
        sign_in(client, user)
        url = upload(client, "giay-chung-sinh", pdf_bytes("Bản rõ")).json()["url"]
        body = {
            "applicantId": "congdan",
            "formData": {"eFormId": "1.001193-v1", "data": {"child_name": "Trần Minh Anh", "birth_date": "2026-11-02"}},
            "documentUrls": [url],
        }
        response = put_json(client, f"{BASE}/applications/{CODE}", body, **CLIENT)
    assert response.status_code == 200, response.json()
    assert_matches_spec(response.json(), "/applications/{fileId}", "put")
    dossier.refresh_from_db()
    assert (dossier.state, dossier.form_data["child_name"]) == (DossierState.SUBMITTED, "Trần Minh Anh")
    assert response.json()["status"] == {"code": "PENDING", "title": "Mới đăng ký"}
    assert dossier.files.filter(kind=DossierFile.Kind.SUBMITTED).count() == 3


@freeze_time(NOW)
def test_put_refused_when_not_sent_back_or_not_allowed(client, agency, version):
    submit_via_api(client, agency)
    dossier = Dossier.objects.get()
    body = {"applicantId": "congdan", "formData": {"data": {"child_name": "X", "birth_date": "2026-11-02"}}}
    response = put_json(client, f"{BASE}/applications/{CODE}", body, **CLIENT)
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
    _ask_supplement(agency, dossier)
    response = put_json(client, f"{BASE}/applications/{CODE}", {**body, "applicantId": "ai-do"}, **CLIENT)
    assert (response.status_code, response.json()["field"]) == (400, "applicantId")
    sign_in(client, agency.specialist)
    assert put_json(client, f"{BASE}/applications/{CODE}", body, **CLIENT).status_code == 403
    sign_in(client, agency.other_officer)
    assert put_json(client, f"{BASE}/applications/{CODE}", body, **CLIENT).status_code == 404
    dossier.refresh_from_db()
    assert (dossier.state, dossier.form_data["child_name"]) == (DossierState.SUPPLEMENT, "Trần Minh An")


@freeze_time(NOW)
def test_registered_and_ended_follow_the_dossier(client, agency, version):
    submit_via_api(client, agency)
    dossier = accept(agency, Dossier.objects.get())
    p.dossier_refuse(actor=Actor(user=agency.leader), dossier=dossier, reason="Không đủ điều kiện")
    body = client.get(f"{BASE}/applications/{CODE}", **CLIENT).json()
    assert (body["registered"], body["ended"], body["status"]) == (
        "2026-11-23T10:00:00+07:00",
        True,
        {"code": "REJECTED", "title": "Không được tiếp nhận"},
    )
    assert timezone.localtime(dossier.received_at) == dt.datetime(
        2026, 11, 23, 10, 0, tzinfo=timezone.get_default_timezone()
    )


@freeze_time(NOW)
def test_api_key_acts_for_its_organisation_without_one_stop_scopes(client, agency, version):
    """Keys cannot carry the services.* permissions (accounts.roles.API_KEY_SCOPES): they see no dossier."""
    from egov.accounts.roles import Perm
    from egov.accounts.services import api_key_issue
    from egov.services.tests.factories import SYSTEM

    submit_via_api(client, agency)
    sign_in(client, None)
    _key, full = api_key_issue(actor=SYSTEM, organisation=agency.org, system_name="Một cửa", scopes=[Perm.ORG_VIEW])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {full}", **CLIENT}
    assert client.get(f"{BASE}/applications", **auth).json() == []
    assert client.get(f"{BASE}/applications/{CODE}", **auth).status_code == 404
    assert client.get(f"{BASE}/tasks", **auth).json() == []
    assert post_json(client, f"{BASE}/tasks/intake-{CODE}/complete", {}, **auth).status_code == 404
    assert _submit(client, agency, application_body(agency, []), HTTP_AUTHORIZATION=f"Bearer {full}").status_code == 403
    assert upload(client, "to-khai").status_code == 401
    assert client.get(f"{BASE}/services/1.001193", HTTP_AUTHORIZATION=f"Bearer {full}").status_code == 200
    assert Dossier.objects.get().state == DossierState.SUBMITTED
