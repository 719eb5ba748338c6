"""What the document journeys share: an agency with its people and demo signing keys, sign-in, PDFs on disk.

Test modules take the fixtures with `from tests.browser.documents_support import *` and the helpers by name.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from egov.accounts.tests.factories import PASSWORD
from egov.documents.tests.factories import CREDENTIALS, build_agency, make_pdf, register_key
from egov.exchange import keys, testing

__all__ = ["documents_agency", "documents_pki_root", "pdf_file"]

# The passphrase the demo PKI gives every key file.
PIN = "egov-demo"


@pytest.fixture(scope="session")
def documents_pki_root(tmp_path_factory):
    """The demo CA and the people's and organisations' certificates, issued once per test session."""
    CREDENTIALS.setup(tmp_path_factory.mktemp("pki-browser"))
    return CREDENTIALS.root


@pytest.fixture
def documents_agency(tree, settings, documents_pki_root):
    """Sở TT&TT Nam Định with its clerk, director, unit head and specialist; the director and the Sở can sign."""
    settings.EGOV_PKI_DIR = documents_pki_root
    settings.EGOV_TRUST_STORE = ""
    agency = build_agency(tree)
    credential = CREDENTIALS.person(agency.director, agency.org, "Giám đốc")
    register_key(credential, documents_pki_root, person=agency.director)
    register_key(CREDENTIALS.organisation(agency.org), documents_pki_root, organisation=agency.org)
    # Documents reach Hải Hậu through the exchange (an in-process hub); Hải Hậu signs its status messages.
    register_key(CREDENTIALS.organisation(agency.recipient_org), documents_pki_root, organisation=agency.recipient_org)
    keys.forget()
    testing.install(settings, [agency.org.code, agency.recipient_org.code])
    yield agency
    testing.uninstall()
    keys.forget()


@pytest.fixture
def pdf_file(tmp_path):
    """Write a small real PDF to disk for the file input and return its path."""

    def _write(name: str, text: str):
        path = tmp_path / name
        path.write_bytes(make_pdf(text))
        return path

    return _write


def log_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def log_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
