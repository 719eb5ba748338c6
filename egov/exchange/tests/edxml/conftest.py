import datetime as dt
from dataclasses import replace

import pytest

from egov.documents.signing.pki import init_demo_pki, issue_organisation_certificate, read_pkcs12
from egov.exchange.edxml import TrustStore, XmlSigner

from .samples import RECIPIENT, SENDER, Keys


def _signer(credential) -> XmlSigner:
    key, cert, chain = read_pkcs12(credential)
    return XmlSigner(key, cert, chain)


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> Keys:
    pki = init_demo_pki(tmp_path_factory.mktemp("edxml-pki"))
    rogue_pki = init_demo_pki(tmp_path_factory.mktemp("edxml-rogue"), name="Rogue")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    return Keys(
        sender=_signer(issue_organisation_certificate(pki, organisation_name="VPCP", organisation_code=SENDER)),
        recipient=_signer(
            issue_organisation_certificate(pki, organisation_name="UBND Nghệ An", organisation_code=RECIPIENT)
        ),
        rogue=_signer(issue_organisation_certificate(rogue_pki, organisation_name="VPCP", organisation_code=SENDER)),
        # Another holders folder, so the expired credential does not replace the sender's files.
        expired=XmlSigner.from_pkcs12(
            issue_organisation_certificate(
                replace(pki, directory=tmp_path_factory.mktemp("edxml-expired")),
                organisation_name="VPCP",
                organisation_code=SENDER,
                valid_days=1,
                not_before=long_ago,
            ).p12_path,
            "egov-demo",
        ),
        trust=TrustStore([pki.root_cert]),
        trust_intermediate=TrustStore.from_pem(pki.ca_cert_path.read_bytes()),
    )
