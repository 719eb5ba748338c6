"""RFC 3161 time stamps from a real HTTP time-stamping server on 127.0.0.1 (the demo TSA)."""

from __future__ import annotations

import datetime as dt
import socket
import urllib.error
import urllib.request

import pytest

from egov.core.errors import DomainError
from egov.documents.signing.keys import Pkcs12Key
from egov.documents.signing.sign import sign_appendix, sign_as_organisation_seal, sign_as_signer
from egov.documents.signing.tsa import DemoTimeStampServer
from egov.documents.signing.validate import validate_pdf
from egov.documents.tests.signing_fixtures import *  # noqa: F403


@pytest.fixture(scope="module")
def tsa(demo_pki):
    with DemoTimeStampServer(demo_pki) as server:
        yield server


def test_signatures_are_time_stamped(tsa, sample_pdf, credentials, demo_store):
    from egov.documents.signing import tsa as tsa_module

    tsa_module._http_timestamper.cache_clear()
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    served = tsa.served
    signed = sign_as_signer(
        sample_pdf, key=Pkcs12Key.from_credential(credentials.signer), signature_image=None, tsa_url=tsa.url
    )
    sealed = sign_as_organisation_seal(
        signed, key=Pkcs12Key.from_credential(credentials.organisation), seal_image=None, tsa_url=tsa.url
    )
    after = dt.datetime.now(dt.UTC)
    # One sample stamp to size the first signature, then one stamp per signature: the client is reused.
    assert tsa.served - served == 3
    report = validate_pdf(sealed, trust_roots=demo_store)
    assert [(s.intact, s.trusted, s.timestamped) for s in report.signatures] == [(True, True, True), (True, True, True)]
    for facts in report.signatures:
        assert before <= facts.signed_at <= after


def test_the_configured_tsa_is_the_default(tsa, sample_pdf, credentials, demo_store, settings):
    settings.EGOV_TSA_URL = tsa.url
    signed = sign_appendix(sample_pdf, key=Pkcs12Key.from_credential(credentials.organisation), number_symbol="05/KH")
    assert validate_pdf(signed, trust_roots=demo_store).signatures[0].timestamped is True
    settings.EGOV_TSA_URL = ""
    signed = sign_appendix(sample_pdf, key=Pkcs12Key.from_credential(credentials.organisation), number_symbol="05/KH")
    assert validate_pdf(signed, trust_roots=demo_store).signatures[0].timestamped is False


def test_an_unreachable_tsa_stops_signing(sample_pdf, credentials):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DomainError) as caught:
        sign_as_signer(
            sample_pdf,
            key=Pkcs12Key.from_credential(credentials.signer),
            signature_image=None,
            tsa_url=f"http://127.0.0.1:{port}/",
        )
    assert caught.value.code == "tsa_unavailable"
    assert (
        caught.value.message == "Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian; chưa ký. Hãy thử lại sau."
    )


def test_the_server_refuses_what_is_not_a_time_stamp_query(tsa):
    request = urllib.request.Request(tsa.url, data=b"hello", headers={"Content-Type": "text/plain"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 400
    request = urllib.request.Request(
        tsa.url, data=b"\x30\x03\x02\x01\x01", headers={"Content-Type": "application/timestamp-query"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 400


def test_a_time_stamp_keeps_a_signature_valid_after_the_certificate_expires(tsa, sample_pdf, credentials, demo_store):
    key = Pkcs12Key.from_credential(credentials.signer)
    stamped = sign_as_signer(sample_pdf, key=key, signature_image=None, tsa_url=tsa.url)
    unstamped = sign_as_signer(sample_pdf, key=key, signature_image=None, tsa_url="")
    later = credentials.signer.certificate.not_valid_after_utc + dt.timedelta(days=200)
    (facts,) = validate_pdf(stamped, trust_roots=demo_store, validation_time=later).signatures
    assert (facts.intact, facts.trusted, facts.timestamped, facts.trust_problem) == (True, True, True, "")
    (facts,) = validate_pdf(unstamped, trust_roots=demo_store, validation_time=later).signatures
    assert (facts.trusted, facts.timestamped) == (False, False)
    assert facts.trust_problem.startswith("Chứng thư số đã hết hạn ngày ")
