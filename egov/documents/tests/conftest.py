import pytest

from egov.documents.tests.factories import CREDENTIALS, build_agency, register_key


@pytest.fixture(scope="session")
def demo_pki_root(tmp_path_factory):
    # One demo PKI per session, also when another package's conftest imports this fixture.
    if CREDENTIALS.root is None:
        CREDENTIALS.setup(tmp_path_factory.mktemp("pki-session"))
    return CREDENTIALS.root


@pytest.fixture
def agency(tree, settings, demo_pki_root):
    """An agency whose director and whose organisation have signing keys (demo PKI)."""
    settings.EGOV_PKI_DIR = demo_pki_root
    settings.EGOV_TRUST_STORE = ""
    agency = build_agency(tree)
    register_key(CREDENTIALS.person(agency.director, agency.org, "Giám đốc"), demo_pki_root, person=agency.director)
    register_key(CREDENTIALS.organisation(agency.org), demo_pki_root, organisation=agency.org)
    return agency


@pytest.fixture
def exchange(agency, settings, demo_pki_root):
    """The agency's organisations registered at an in-process exchange hub, each with a seal key for packages.

    Issued documents reach their recipients only through the exchange: a test calls
    `egov.exchange.testing.run_exchange()` where the worker would push and poll.
    """
    from egov.exchange import keys, testing

    for org in (agency.recipient_org, agency.tree["qt_stttt"]):
        register_key(CREDENTIALS.organisation(org), demo_pki_root, organisation=org)
    keys.forget()
    testing.install(settings, [agency.org.code, agency.recipient_org.code, agency.tree["qt_stttt"].code])
    yield agency
    testing.uninstall()
    keys.forget()
