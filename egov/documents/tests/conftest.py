import pytest

from egov.documents.tests.factories import CREDENTIALS, build_agency, register_key


@pytest.fixture(scope="session")
def demo_pki_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("pki-session")
    CREDENTIALS.setup(root)
    return root


@pytest.fixture
def agency(tree, settings, demo_pki_root):
    """An agency whose director and whose organisation have signing keys (demo PKI)."""
    settings.EGOV_PKI_DIR = demo_pki_root
    settings.EGOV_TRUST_STORE = ""
    agency = build_agency(tree)
    register_key(CREDENTIALS.person(agency.director, agency.org, "Giám đốc"), demo_pki_root, person=agency.director)
    register_key(CREDENTIALS.organisation(agency.org), demo_pki_root, organisation=agency.org)
    return agency
