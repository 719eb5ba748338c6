"""Signing on a PKCS#11 token: a real SoftHSM2 token in a temporary folder, no mocks."""

from __future__ import annotations

import dataclasses

import pytest

from egov.documents.signing.keys import SigningFailed, TokenKey
from egov.documents.signing.pkcs11 import find_softhsm_module, softhsm_import
from egov.documents.signing.sign import sign_as_organisation_seal, sign_as_signer
from egov.documents.signing.validate import validate_pdf
from egov.documents.tests.signing_fixtures import *  # noqa: F403
from egov.documents.tests.signing_fixtures import ORG_CODE, SIGNER_NAME


def test_softhsm_is_found():
    module = find_softhsm_module()
    assert module is not None and module.endswith("libsofthsm2.so")


def test_sign_on_a_token_and_validate(softhsm_key, sample_pdf, demo_store):
    assert (softhsm_key.token_label, softhsm_key.key_label) == ("egov-test-token", "an.nv")
    signed = sign_as_signer(sample_pdf, key=softhsm_key, signature_image=None, tsa_url="", reason="Ký ban hành")
    (facts,) = validate_pdf(signed, trust_roots=demo_store).signatures
    assert (facts.intact, facts.trusted, facts.trust_problem) == (True, True, "")
    assert (facts.signer_common_name, facts.signer_organisation_code, facts.is_organisation) == (
        SIGNER_NAME,
        ORG_CODE,
        False,
    )
    assert facts.covers_whole_file is True


def test_token_signature_then_file_seal(softhsm_key, sample_pdf, demo_store, credentials):
    from egov.documents.signing.keys import Pkcs12Key

    signed = sign_as_signer(sample_pdf, key=softhsm_key, signature_image=None, tsa_url="")
    sealed = sign_as_organisation_seal(
        signed, key=Pkcs12Key.from_credential(credentials.organisation), seal_image=None, tsa_url=""
    )
    report = validate_pdf(sealed, trust_roots=demo_store)
    assert [(s.intact, s.trusted, s.is_organisation, s.modification_level) for s in report.signatures] == [
        (True, True, False, "signatures"),
        (True, True, True, "none"),
    ]


def test_importing_again_replaces_the_key(softhsm_key, credentials, sample_pdf, demo_store):
    again = softhsm_import(credentials.signer, token_label=softhsm_key.token_label, pin=softhsm_key.pin)
    assert again == softhsm_key
    signed = sign_as_signer(sample_pdf, key=again, signature_image=None, tsa_url="")
    assert validate_pdf(signed, trust_roots=demo_store).signatures[0].trusted is True


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"pin": "000000"}, "wrong_pin", "Mã PIN của thiết bị ký số không đúng."),
        (
            {"key_label": "khong-co"},
            "token_key_missing",
            "Không tìm thấy khóa “khong-co” và chứng thư số của nó trên thiết bị ký số.",
        ),
        (
            {"token_label": "token-khac"},
            "token_missing",
            "Không thấy thiết bị ký số “token-khac”: hãy cắm thiết bị hoặc kiểm tra tên.",
        ),
        (
            {"module_path": "/nonexistent/libvendor-pkcs11.so"},
            "token_module_missing",
            "Không tìm thấy thư viện PKCS#11 của thiết bị ký số: /nonexistent/libvendor-pkcs11.so.",
        ),
    ],
)
def test_token_problems_are_clear_errors(softhsm_key, sample_pdf, change, code, message):
    key: TokenKey = dataclasses.replace(softhsm_key, **change)
    with pytest.raises(SigningFailed) as caught:
        sign_as_signer(sample_pdf, key=key, signature_image=None, tsa_url="")
    assert (caught.value.code, caught.value.message, caught.value.status) == (code, message, 400)


def test_the_pin_is_not_in_the_keys_repr(softhsm_key):
    assert softhsm_key.pin not in repr(softhsm_key)
