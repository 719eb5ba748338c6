"""Shared by the documents API tests (no tests here): personas, JSON helpers, documents in each state, a fingerprint."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from egov.accounts.actor import Actor
from egov.accounts.services import api_key_issue
from egov.accounts.tests.factories import make_person
from egov.audit.models import AuditEvent
from egov.documents.models import (
    AccessGrant,
    Assignment,
    Comment,
    Document,
    DocumentEvent,
    DocumentFile,
    Recipient,
)
from egov.documents.services.incoming import document_register_paper
from egov.documents.tests.factories import actor, create_draft, electronic_arrival, make_pdf, paper_values
from egov.notifications.models import Notification

API = "/api/v1/documents"
SYSTEM = Actor.system("tests")


def persona(agency, name: str):
    """The agency's person called `name`: "applicant" is a citizen with no staff role, "deputy" a deputy director."""
    if name == "applicant" and name not in agency.extra:
        agency.extra[name] = make_person("citizen", None, "applicant", kind="applicant")
    if name == "deputy" and name not in agency.extra:
        agency.extra[name] = make_person("stttt.deputy", agency.org, "deputy_leader", position="Phó Giám đốc")
    return agency.extra[name] if name in agency.extra else getattr(agency, name)


def as_(client, agency, name: str):
    """The test client signed in as the persona ("anonymous" stays signed out)."""
    client.logout()
    if name != "anonymous":
        client.force_login(persona(agency, name), backend="django.contrib.auth.backends.ModelBackend")
    return client


def post(client, url, body=None, **extra):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **extra)


def put(client, url, body, **extra):
    return client.put(url, json.dumps(body), content_type="application/json", **extra)


def pdf_upload(name: str = "scan.pdf", text: str = "Công văn triển khai nền tảng số", data: bytes | None = None):
    return SimpleUploadedFile(name, make_pdf(text) if data is None else data, content_type="application/pdf")


def key_for(organisation, *scopes) -> dict:
    """Request headers carrying a new API key of the organisation with these scopes."""
    _key, full = api_key_issue(actor=SYSTEM, organisation=organisation, system_name="Hệ thống một cửa", scopes=scopes)
    return {"HTTP_AUTHORIZATION": f"Bearer {full}"}


def draft(agency, **overrides) -> Document:
    return create_draft(agency, **overrides)


def registered(agency, **overrides) -> Document:
    """A paper document in the agency's incoming register (số đến given), waiting for assignment.

    A secret one is handed to the director (grant_to) unless the overrides name someone else.
    """
    if overrides.get("secrecy", "none") != "none":
        overrides.setdefault("grant_to", [agency.director.pk])
    return document_register_paper(
        actor=actor(agency.clerk),
        organisation=agency.org,
        values=paper_values(**overrides),
        main_file=("scan.pdf", make_pdf("Công văn triển khai nền tảng số")),
    )


def arrival(agency) -> Document:
    """The agency's draft delivered electronically to UBND huyện Hải Hậu, waiting for its clerk."""
    return electronic_arrival(draft(agency), agency.recipient_org)


def state():
    """Everything a documents write could touch: a denied write must leave this unchanged."""
    return (
        sorted(
            Document.objects.values_list(
                "pk",
                "state",
                "subject",
                "number_text",
                "symbol",
                "arrival_number",
                "handling_due_on",
                "recalled_at",
                "secrecy",
                "signer_id",
            )
        ),
        sorted(DocumentFile.objects.values_list("pk", "is_current", "stage", "version")),
        sorted(Recipient.objects.values_list("pk", "organisation_code", "delivery_state")),
        sorted(Assignment.objects.values_list("pk", "state", "result", "due_on")),
        Comment.objects.count(),
        DocumentEvent.objects.count(),
        sorted(AccessGrant.objects.values_list("pk", "revoked_at", "confirmed_at")),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def schema_paths(spec: dict) -> set[str]:
    return {path for path in spec["paths"] if path.startswith(API)}
