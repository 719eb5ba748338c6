"""Shared by the GovStack API tests: the spec as a validator, signed-in clients, uploads. (No tests here.)"""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

import egov.services.tests.urls_govstack_test  # noqa: F401 (built before a test freezes time: pydantic needs real datetime)
from egov.accounts.actor import Actor
from egov.services.dossiers import processing as p
from egov.services.tests.helpers import pdf_bytes

URLS = "egov.services.tests.urls_govstack_test"
BASE = "/api/govstack/registration"
CLIENT = {"HTTP_INFORMATION_MEDIATOR_CLIENT": "eGovStack/GOV/90000009/digitalregistries"}
SPEC_DIR = Path("/work/shared/reference/govstack-registration")


def _openapi_to_jsonschema(node):
    """OpenAPI 3.0 schema objects as JSON Schema: `nullable` becomes a null type; uuid formats are dropped."""
    if isinstance(node, list):
        return [_openapi_to_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _openapi_to_jsonschema(value) for key, value in node.items() if key not in ("example", "xml")}
    if out.get("nullable") is True and "type" in out:
        out["type"] = [out["type"], "null"]
    out.pop("nullable", None)
    if out.get("format") == "uuid":
        out.pop("format")
    return out


def load_spec(name: str = "GovStack_Registration_BB_API.json") -> dict:
    """The spec, less our two documented deviations (docs/services-govstack.md): ids are our codes, not UUIDs
    (uuid formats dropped above), and formData.data holds plain answers, as the spec's own ExamplePayload does."""
    spec = _openapi_to_jsonschema(json.loads((SPEC_DIR / name).read_text()))
    form_data = spec.get("components", {}).get("schemas", {}).get("formData")
    if form_data is not None:
        form_data["properties"]["data"]["additionalProperties"] = True
    return spec


_SPECS: dict[str, dict] = {}


def spec(name: str = "GovStack_Registration_BB_API.json") -> dict:
    if name not in _SPECS:
        _SPECS[name] = load_spec(name)
    return _SPECS[name]


def response_schema(path: str, method: str, status: str = "200", name: str = "GovStack_Registration_BB_API.json"):
    content = spec(name)["paths"][path][method]["responses"][status]["content"]
    return next(iter(content.values()))["schema"]


def assert_matches_spec(
    body, path: str, method: str, status: str = "200", name: str = "GovStack_Registration_BB_API.json"
):
    """Validate a response body against the spec's response schema ($refs resolved, every error listed)."""
    document = copy.deepcopy(spec(name))
    uri = f"urn:govstack:{name}"
    registry = Registry().with_resource(uri, Resource(contents=document, specification=DRAFT202012))
    content = _content(path, method, status, name)
    schema = {"$ref": f"{uri}#/paths/{_pointer(path)}/{method}/responses/{status}/content/{content}/schema"}
    validator = Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert errors == [], errors


def _pointer(path: str) -> str:
    return path.replace("~", "~0").replace("/", "~1")


def _content(path, method, status, name) -> str:
    content = spec(name)["paths"][path][method]["responses"][status]["content"]
    return _pointer(next(iter(content)))


def sign_in(client, user):
    client.logout()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def post_json(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def put_json(client, url, body, **extra):
    return client.put(url, json.dumps(body), content_type="application/json", **extra)


def upload(
    client, key: str, data: bytes | None = None, *, service: str = "1.001193", name: str = "giay.pdf", as_text=False
):
    data = pdf_bytes(key) if data is None else data
    meta = json.dumps({"serviceId": service, "documentType": key})
    if as_text:
        body = {"file": base64.b64encode(data).decode()}
    else:
        from django.core.files.uploadedfile import SimpleUploadedFile

        body = {"file": SimpleUploadedFile(name, data, content_type="application/pdf")}
    return client.post(f"{BASE}/documents?additionalMetadata={meta}", body)


def application_body(agency, urls, **overrides) -> dict:
    body = {
        "applicantId": agency.applicant.username,
        "applicationName": "Nguyễn Thị Hoa",
        "formData": {"eFormId": "1.001193-v1", "data": {"child_name": "Trần Minh An", "birth_date": "2026-11-02"}},
        "documentUrls": urls,
        "agencyCode": agency.org.code,
    }
    body.update(overrides)
    return body


def submit_via_api(client, agency) -> dict:
    """Upload both papers and submit, as the applicant; the response body."""
    sign_in(client, agency.applicant)
    urls = [upload(client, key).json()["url"] for key in ("to-khai", "giay-chung-sinh")]
    response = post_json(client, f"{BASE}/services/1.001193/applications", application_body(agency, urls), **CLIENT)
    assert response.status_code == 200, response.json()
    return response.json()


def accept(agency, dossier):
    return p.dossier_accept(actor=Actor(user=agency.officer), dossier=dossier, assignee=agency.specialist)
