"""Keys, packages and registered systems for the hub's tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from egov.exchange.edxml import (
    Business,
    BusinessDocType,
    Code,
    DocumentType,
    MessageHeader,
    Organ,
    Package,
    PromulgationInfo,
    ResponseFor,
    StatusCode,
    StatusMessage,
    XmlSigner,
    build_package,
    build_status,
    document_id,
)
from egov.hub import auth, ratelimit
from egov.hub.api import reset_counters

A1 = "000.00.31.H40"  # Sở TT&TT Nam Định — system sys-a
A2 = "000.00.32.H40"  # Sở Nội vụ Nam Định — system sys-a
B1 = "000.00.00.G22"  # Văn phòng Chính phủ — system sys-b
C1 = "000.00.12.H56"  # UBND tỉnh Quảng Trị — system sys-c
UNREGISTERED = "000.00.99.H99"


@dataclass
class Keys:
    trust: list[str]
    signers: dict[str, XmlSigner]
    rogue: dict[str, XmlSigner]  # the same organisations, certified by a CA the hub does not trust
    ca_dir: Path
    pki: object


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> Keys:
    from egov.documents.signing.pki import init_demo_pki, issue_organisation_certificate

    base = tmp_path_factory.mktemp("hub-pki")
    pki = init_demo_pki(base / "trusted")
    rogue_pki = init_demo_pki(base / "rogue", name="Rogue")
    signers = {}
    for code in (A1, A2, B1, C1):
        credential = issue_organisation_certificate(pki, organisation_name=f"Cơ quan {code}", organisation_code=code)
        signers[code] = XmlSigner.from_pkcs12(credential.p12_path, credential.passphrase)
    credential = issue_organisation_certificate(rogue_pki, organisation_name="Giả mạo", organisation_code=A1)
    rogue = {A1: XmlSigner.from_pkcs12(credential.p12_path, credential.passphrase)}
    return Keys(
        trust=[str(pki.root_cert_path), str(pki.ca_cert_path)],
        signers=signers,
        rogue=rogue,
        ca_dir=base / "trusted",
        pki=pki,
    )


_counter = iter(range(1, 10**9))


def make_edoc(
    keys: Keys,
    sender: str,
    to: list[str],
    *,
    number: str | None = None,
    doc_type: BusinessDocType = BusinessDocType.NEW,
    signer: XmlSigner | None = None,
    day: dt.date = dt.date(2025, 3, 14),
    content: str = "",
) -> tuple[bytes, str]:
    """Signed edoc bytes and their DocumentId."""
    number = number or str(next(_counter))
    doc = document_id(sender, day, number, "UBND-VP")
    package = Package(
        header=MessageHeader(
            from_=Organ(organ_id=sender, organ_name=f"Cơ quan {sender}"),
            to=[Organ(organ_id=code, organ_name=f"Cơ quan {code}") for code in to],
            code=Code(code_number=number, code_notation="UBND-VP"),
            promulgation_info=PromulgationInfo(place="Nam Định", promulgation_date=day),
            document_type=DocumentType(type=1, type_name="Công văn"),
            subject="Về việc thử nghiệm trục liên thông",
            content=content,
            document_id=doc,
        ),
        business=Business(doc_type=doc_type),
    )
    return build_package(package, signer=signer or keys.signers[sender]), doc


def make_status(
    keys: Keys,
    sender: str,
    original_sender: str,
    doc: str,
    *,
    code: StatusCode = StatusCode.ARRIVED,
    signer: XmlSigner | None = None,
    description: str = "",
) -> bytes:
    status = StatusMessage(
        response_for=ResponseFor(organ_id=original_sender, document_id=doc),
        from_=Organ(organ_id=sender, organ_name=f"Cơ quan {sender}"),
        status_code=code,
        description=description or f"Trạng thái {code.value}",
        timestamp=dt.datetime(2025, 3, 14, 8, 30, tzinfo=dt.UTC),
    )
    return build_status(status, signer=signer or keys.signers[sender])


@pytest.fixture(autouse=True)
def _hub_settings(settings, keys):
    settings.EGOV_HUB_TRUST_PEM = ",".join(keys.trust)
    auth.clear_cache()
    ratelimit.systems.reset()
    ratelimit.unauthenticated_log.reset()
    reset_counters()
    yield
    auth.clear_cache()
    ratelimit.systems.reset()


@dataclass
class System:
    system_id: str
    secret: str
    pk: int

    @property
    def headers(self) -> dict[str, str]:
        return {"HTTP_X_SYSTEM_ID": self.system_id, "HTTP_X_SYSTEM_SECRET": self.secret}


@pytest.fixture
def systems(db) -> dict[str, System]:
    from egov.hub.services import system_register

    registered = {}
    for name, organs in (("sys-a", [A1, A2]), ("sys-b", [B1]), ("sys-c", [C1])):
        registration = system_register(system_id=name, name=f"Hệ thống {name}", organs=organs)
        registered[name] = System(name, registration.secret, registration.system.pk)
    return registered


class HubApi:
    """The Django test client speaking to hub/v1 as one system."""

    def __init__(self, client, system: System) -> None:
        self.client = client
        self.system = system

    def post_xml(self, name: str, body: bytes, **extra):
        return self.client.generic(
            "POST", f"/hub/v1/{name}", body, content_type="application/xml", **self.system.headers, **extra
        )

    def post_json(self, name: str, data, **extra):
        return self.client.post(
            f"/hub/v1/{name}", data, content_type="application/json", **self.system.headers, **extra
        )

    def get(self, name: str, params: dict | None = None, **extra):
        return self.client.get(f"/hub/v1/{name}", params or {}, **self.system.headers, **extra)


@pytest.fixture
def hub(client, systems):
    """hub["sys-a"].post_xml("edocs", body) ..."""
    return {name: HubApi(client, system) for name, system in systems.items()}
