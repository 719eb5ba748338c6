"""GovStack Registration API: services and e-forms (the procedure versions in force), open to anyone."""

import pytest
from freezegun import freeze_time

from egov.services.govstack.api import api
from egov.services.models import VersionState
from egov.services.tests.factories import make_procedure
from egov.services.tests.test_govstack_support import BASE, URLS, assert_matches_spec

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLS)]

SERVICE = {
    "id": "1.001193",
    "name": "Thủ tục đăng ký khai sinh",
    "version": "1",
    "type": "Public",
    "isExecutable": True,
    "isClosed": False,
    "description": "Hộ tịch — Bộ phận Một cửa Ủy ban nhân dân cấp xã",
    "serviceBody": [
        {"code": "procedureCode", "value": "1.001193"},
        {"code": "field", "value": "Hộ tịch"},
        {"code": "level", "value": "commune"},
        {"code": "receivingAgency", "value": "Bộ phận Một cửa Ủy ban nhân dân cấp xã"},
        {"code": "legalBasis", "value": "Luật Hộ tịch năm 2014; Nghị định 123/2015/NĐ-CP"},
        {"code": "decision", "value": "Quyết định 1872/QĐ-BTP"},
        {"code": "effectiveFrom", "value": "2025-07-01"},
        {"code": "processingTime", "value": "3"},
        {"code": "timeUnit", "value": "working_days"},
        {"code": "resultType", "value": "Giấy khai sinh (bản chính)"},
        {"code": "onlineClass", "value": "full"},
        {"code": "eFormId", "value": "1.001193-v1"},
        {"code": "document.to-khai", "value": "Tờ khai đăng ký khai sinh"},
        {"code": "document.to-khai.mandatory", "value": "true"},
        {"code": "document.to-khai.acceptedTypes", "value": "application/pdf,image/jpeg,image/png"},
        {"code": "document.to-khai.maxBytes", "value": "5242880"},
        {"code": "document.giay-chung-sinh", "value": "Giấy chứng sinh"},
        {"code": "document.giay-chung-sinh.mandatory", "value": "true"},
        {"code": "document.giay-chung-sinh.acceptedTypes", "value": "application/pdf,image/jpeg,image/png"},
        {"code": "document.giay-chung-sinh.maxBytes", "value": "5242880"},
        {"code": "fee.0", "value": "Lệ phí đăng ký khai sinh: 8000 VND"},
    ],
}


@pytest.fixture
def catalogue(db):
    birth = make_procedure(fees=[("charge", "Lệ phí đăng ký khai sinh", 8000)])
    make_procedure("1.000894", name="Thủ tục đăng ký kết hôn")
    make_procedure("9.999999", name="Thủ tục dự thảo", state=VersionState.DRAFT)
    return birth


@freeze_time("2026-11-23 10:00:00+07:00")
def test_services_list_is_the_catalogue_in_force(client, catalogue):
    response = client.get(f"{BASE}/services")
    assert response.status_code == 200
    body = response.json()
    assert [(s["id"], s["name"]) for s in body] == [
        ("1.000894", "Thủ tục đăng ký kết hôn"),
        ("1.001193", "Thủ tục đăng ký khai sinh"),
    ]
    assert body[1] == SERVICE
    assert_matches_spec(body, "/services", "get")


@freeze_time("2026-11-23 10:00:00+07:00")
def test_services_filtered_by_name_without_diacritics(client, catalogue):
    body = client.get(f"{BASE}/services", {"name": "ket hon"}).json()
    assert [s["id"] for s in body] == ["1.000894"]
    assert client.get(f"{BASE}/services", {"name": "không có"}).json() == []


@freeze_time("2026-11-23 10:00:00+07:00")
def test_service_by_id(client, catalogue):
    response = client.get(f"{BASE}/services/1.001193")
    assert (response.status_code, response.json()) == (200, SERVICE)
    assert_matches_spec(response.json(), "/services/{serviceId}", "get")


@freeze_time("2026-11-23 10:00:00+07:00")
@pytest.mark.parametrize("code", ["0.000000", "9.999999", "1.001193 "])
def test_unknown_or_unpublished_service_is_404(client, catalogue, code):
    response = client.get(f"{BASE}/services/{code}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get(f"{BASE}/services/{code}/eForms").status_code == 404


@freeze_time("2026-11-23 10:00:00+07:00")
def test_eforms_of_a_service_and_one_eform(client, catalogue):
    response = client.get(f"{BASE}/services/1.001193/eForms")
    item = {
        "eFormId": "1.001193-v1",
        "name": "Thủ tục đăng ký khai sinh",
        "description": "Tờ khai điện tử, thủ tục 1.001193, phiên bản 1",
        "version": "1",
        "latest": True,
    }
    assert (response.status_code, response.json()) == (200, [item])
    assert_matches_spec(response.json(), "/services/{serviceId}/eForms", "get")

    response = client.get(f"{BASE}/eForms/1.001193-v1")
    assert response.status_code == 200
    assert response.json() == {**item, "schema": catalogue.form_schema}
    assert_matches_spec(response.json(), "/eForms/{eFormId}", "get")


@freeze_time("2026-11-23 10:00:00+07:00")
@pytest.mark.parametrize("eform", ["1.001193-v2", "1.001193", "1.001193-vx", "9.999999-v1", "-v1"])
def test_unknown_eform_is_404(client, catalogue, eform):
    response = client.get(f"{BASE}/eForms/{eform}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_openapi_document_is_separate_from_api_v1(client, db):
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["info"]["title"] == "GovStack Registration Building Block API (egov)"
    assert sorted(doc["paths"]) == sorted(
        f"{BASE}{p}"
        for p in [
            "/services",
            "/services/{serviceId}",
            "/services/{serviceId}/eForms",
            "/eForms/{eFormId}",
            "/services/{serviceId}/applications",
            "/documents",
            "/documents/{documentId}",
            "/applications",
            "/applications/{fileId}",
            "/tasks",
            "/tasks/{taskId}",
            "/tasks/{taskId}/complete",
            "/data/statistics",
        ]
    )
    assert "Service" in doc["components"]["schemas"]
    assert "PlanOut" not in doc["components"]["schemas"]
    assert api.urls_namespace == "govstack-registration"
