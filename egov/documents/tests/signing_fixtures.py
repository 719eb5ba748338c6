"""Shared fixtures of the signing tests: one demo PKI per session, its credentials, PDFs made in code.

Test modules take them with `from egov.documents.tests.signing_fixtures import *`.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from egov.documents.signing import pki as pki_module
from egov.documents.signing.keys import Pkcs12Key
from egov.documents.signing.trust import TrustStore, demo_trust_store

__all__ = [
    "SignedSet",
    "byte_ranges",
    "credentials",
    "demo_pki",
    "demo_store",
    "encrypt_pdf",
    "make_pdf",
    "other_pki",
    "sample_pdf",
    "softhsm_key",
    "third_pki",
]

ORG_NAME = "Ủy ban nhân dân tỉnh Nam Định"
ORG_CODE = "000.00.00.H40"
SIGNER_NAME = "Nguyễn Văn An"

_DECISION_HTML = """
<html lang="vi"><head><meta charset="utf-8"><style>
  @page {{ size: A4; margin: 20mm 15mm 20mm 30mm; }}
  body {{ font-family: "Noto Serif"; font-size: 13pt; }}
  .sign {{ margin-left: 55%; text-align: center; }}
</style></head><body>
{pages}
<p>Quyết định về chuyển đổi số của tỉnh Nam Định.</p>
<div class="sign"><b>CHỦ TỊCH</b><br><br><br><br><br><b>{signer}</b></div>
</body></html>
"""


def make_pdf(pages: int = 1, signer: str = SIGNER_NAME) -> bytes:
    """A decision laid out like Decree 30's: body text, then the signer's title, blank lines, name."""
    from weasyprint import HTML

    filler = "".join(
        f'<p style="page-break-after: always">Trang {n}: Điều {n}. Nội dung quy định chi tiết.</p>'
        for n in range(1, pages)
    )
    return HTML(string=_DECISION_HTML.format(pages=filler, signer=signer)).write_pdf()


def encrypt_pdf(pdf: bytes, user_password: str = "matkhau") -> bytes:
    """The same PDF, AES-256 encrypted with a password (pyHanko's writer)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(pdf)))
    writer.encrypt("owner-" + user_password, user_password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def byte_ranges(pdf: bytes) -> list[tuple[int, int, int, int]]:
    """The /ByteRange of every signature, in file order."""
    return [
        tuple(int(v) for v in match.groups())
        for match in re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    ]


@dataclass(frozen=True)
class SignedSet:
    signer: pki_module.CredentialFiles
    organisation: pki_module.CredentialFiles
    expired: pki_module.CredentialFiles
    not_yet_valid: pki_module.CredentialFiles
    revoked: pki_module.CredentialFiles
    stranger: pki_module.CredentialFiles  # issued by another CA, not in the trust store

    @staticmethod
    def key(credential) -> Pkcs12Key:
        return Pkcs12Key.from_credential(credential)


@pytest.fixture(scope="session")
def demo_pki(tmp_path_factory) -> pki_module.DemoPki:
    return pki_module.init_demo_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def other_pki(tmp_path_factory) -> pki_module.DemoPki:
    """A second CA with the same names and other keys: what an impostor's certificate chains to."""
    return pki_module.init_demo_pki(tmp_path_factory.mktemp("other-pki"))


@pytest.fixture(scope="session")
def third_pki(tmp_path_factory) -> pki_module.DemoPki:
    """Another CA under its own name, as a second licensed CA would be."""
    return pki_module.init_demo_pki(tmp_path_factory.mktemp("third-pki"), name="Third Test")


@pytest.fixture(scope="session")
def credentials(demo_pki, other_pki) -> SignedSet:
    now = dt.datetime.now(dt.UTC)
    person = {
        "organisation_name": ORG_NAME,
        "organisation_code": ORG_CODE,
        "position": "Chủ tịch",
    }
    revoked = pki_module.issue_person_certificate(
        demo_pki, full_name="Phạm Thu Hồi", email="thuhoi@example.vn", **person
    )
    return SignedSet(
        signer=pki_module.issue_person_certificate(demo_pki, full_name=SIGNER_NAME, email="an.nv@example.vn", **person),
        organisation=pki_module.issue_organisation_certificate(
            demo_pki, organisation_name=ORG_NAME, organisation_code=ORG_CODE
        ),
        expired=pki_module.issue_person_certificate(
            demo_pki,
            full_name="Lê Văn Cũ",
            email="cu.lv@example.vn",
            not_before=now - dt.timedelta(days=400),
            valid_days=30,
            **person,
        ),
        not_yet_valid=pki_module.issue_person_certificate(
            demo_pki,
            full_name="Đỗ Văn Sớm",
            email="som.dv@example.vn",
            not_before=now + dt.timedelta(days=10),
            **person,
        ),
        revoked=revoked,
        stranger=pki_module.issue_person_certificate(
            other_pki, full_name="Người Mạo Danh", email="maodanh@example.vn", **person
        ),
    )


@pytest.fixture(scope="session")
def demo_store(demo_pki, credentials) -> TrustStore:
    """The demo root and the CA's CRL, which lists the `revoked` credential."""
    pki_module.revoke_certificate(demo_pki, credentials.revoked.certificate)
    return demo_trust_store(demo_pki.directory)


@pytest.fixture(scope="session")
def sample_pdf() -> bytes:
    return make_pdf(pages=2)


@pytest.fixture(scope="session")
def softhsm_key(tmp_path_factory, credentials):
    """The signer's credential on a fresh SoftHSM2 token (SOFTHSM2_CONF points at it for this session)."""
    from egov.documents.signing.pkcs11 import find_softhsm_module, softhsm_import, write_softhsm_conf

    if find_softhsm_module() is None:
        pytest.fail("SoftHSM2 is not installed (Debian package softhsm2, in scripts/lib.sh TEST_PACKAGES)")
    previous = os.environ.get("SOFTHSM2_CONF")
    conf = write_softhsm_conf(Path(tmp_path_factory.mktemp("softhsm")))
    key = softhsm_import(credentials.signer, token_label="egov-test-token", pin="246810", conf=conf)
    yield key
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous
