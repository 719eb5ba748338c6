"""The demo PKI: what its certificates say, idempotent creation, and `egov pki` as an operator runs it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from egov.documents.signing import pki as pki_module
from egov.documents.tests.signing_fixtures import *  # noqa: F403
from egov.documents.tests.signing_fixtures import ORG_CODE, ORG_NAME, SIGNER_NAME


def _attrs(name: x509.Name) -> dict[str, str]:
    return {attr.oid.dotted_string: str(attr.value) for attr in name}


def test_person_certificate_subject_and_usage(credentials, demo_pki):
    cert = credentials.signer.certificate
    assert _attrs(cert.subject) == {
        NameOID.COUNTRY_NAME.dotted_string: "VN",
        NameOID.ORGANIZATION_NAME.dotted_string: ORG_NAME,
        "2.5.4.97": ORG_CODE,
        NameOID.TITLE.dotted_string: "Chủ tịch",
        NameOID.COMMON_NAME.dotted_string: SIGNER_NAME,
    }
    assert cert.issuer == demo_pki.ca_cert.subject
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical is True
    assert (usage.value.digital_signature, usage.value.content_commitment, usage.value.key_cert_sign) == (
        True,
        True,
        False,
    )
    email = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert email.get_values_for_type(x509.RFC822Name) == ["an.nv@example.vn"]
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == dt.timedelta(days=pki_module.DEFAULT_HOLDER_DAYS)
    assert credentials.signer.p12_path.name == "an.nv.p12"
    assert credentials.signer.p12_path.stat().st_mode & 0o777 == 0o600


def test_organisation_certificate_names_the_organisation_twice(credentials):
    cert = credentials.organisation.certificate
    attrs = _attrs(cert.subject)
    assert attrs[NameOID.COMMON_NAME.dotted_string] == ORG_NAME
    assert attrs[NameOID.ORGANIZATION_NAME.dotted_string] == ORG_NAME
    assert attrs["2.5.4.97"] == ORG_CODE
    assert NameOID.TITLE.dotted_string not in attrs
    assert credentials.organisation.p12_path.name == "org-000.00.00.h40.p12"


def test_ca_chain_and_time_stamping_authority(demo_pki):
    assert demo_pki.root_cert.subject.rfc4514_string() == "CN=egov Demo Root CA,O=egov demo,C=VN"
    assert demo_pki.ca_cert.issuer == demo_pki.root_cert.subject
    assert demo_pki.ca_cert.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length == 0
    eku = demo_pki.tsa_cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert (eku.critical, list(eku.value)) == (True, [ExtendedKeyUsageOID.TIME_STAMPING])
    assert not (demo_pki.directory / "ca" / "root.key").exists()  # the root's key is never kept
    assert (demo_pki.directory / "ca" / "signing-ca.key").stat().st_mode & 0o777 == 0o600


def test_expired_certificate_can_be_issued_for_tests(credentials):
    cert = credentials.expired.certificate
    assert cert.not_valid_after_utc < dt.datetime.now(dt.UTC)
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == dt.timedelta(days=30)


def test_init_keeps_an_existing_pki_unless_forced(tmp_path):
    first = pki_module.init_demo_pki(tmp_path)
    again = pki_module.init_demo_pki(tmp_path)
    assert again.root_cert == first.root_cert and again.ca_cert == first.ca_cert
    forced = pki_module.init_demo_pki(tmp_path, force=True)
    assert forced.root_cert != first.root_cert
    assert pki_module.load_demo_pki(tmp_path / "nothing") is None


def test_safe_file_stem():
    assert pki_module.safe_file_stem("Đặng Thị Ánh/../x") == "dang-thi-anh-..-x"
    assert pki_module.safe_file_stem("000.00.00.H40") == "000.00.00.h40"
    with pytest.raises(ValueError):
        pki_module.safe_file_stem("///")


def _egov(*args, data_dir, **extra_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"EGOV_MODE": "development", "EGOV_DATA_DIR": str(data_dir), **extra_env})
    return subprocess.run(
        [sys.executable, "-m", "egov.cli", "pki", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_egov_pki_init_twice_keeps_the_ca_and_issues_certificates(tmp_path):
    first = _egov("init", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    root = tmp_path / "pki" / "ca" / "root.pem"
    created = root.read_bytes()
    assert f"Demo PKI in {tmp_path / 'pki'}: created." in first.stdout
    second = _egov("init", data_dir=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "kept (use --force to replace it)" in second.stdout
    assert root.read_bytes() == created
    fingerprint = x509.load_pem_x509_certificate(created).fingerprint(pki_module.hashes.SHA256()).hex(":").upper()
    assert fingerprint in second.stdout
    issued = _egov(
        "issue-organisation",
        "--organisation-name",
        "Sở Thông tin và Truyền thông",
        "--organisation-code",
        "000.00.12.H40",
        data_dir=tmp_path,
    )
    assert issued.returncode == 0, issued.stderr
    assert (tmp_path / "pki" / "holders" / "org-000.00.12.h40.p12").is_file()
    assert "Organisation certificate issued to Sở Thông tin và Truyền thông:" in issued.stdout
    softhsm = tmp_path / "softhsm"
    imported = _egov(
        "softhsm-import",
        "org-000.00.12.h40",
        "--token-label",
        "so-tttt",
        "--softhsm-dir",
        str(softhsm),
        data_dir=tmp_path,
        EGOV_TOKEN_PIN="135790",
    )
    assert imported.returncode == 0, imported.stderr
    assert "Sở Thông tin và Truyền thông is on token 'so-tttt' as key 'org-000.00.12.h40'" in imported.stdout
    assert (softhsm / "softhsm2.conf").is_file()
    wrong_pin = _egov(
        "softhsm-import",
        "org-000.00.12.h40",
        "--token-label",
        "so-tttt",
        "--softhsm-dir",
        str(softhsm),
        data_dir=tmp_path,
        EGOV_TOKEN_PIN="000000",
    )
    assert wrong_pin.returncode == 2
    assert wrong_pin.stderr.strip() == "egov pki softhsm-import: Mã PIN của thiết bị ký số không đúng."


def test_egov_pki_commands_need_init_first(tmp_path):
    result = _egov("issue-organisation", "--organisation-name", "X", "--organisation-code", "1", data_dir=tmp_path)
    assert result.returncode == 2
    assert "run `egov pki init` first" in result.stderr
