import pytest

from egov.services.tests.factories import make_agency, make_procedure


@pytest.fixture
def agency(db):
    return make_agency()


@pytest.fixture
def version(db):
    return make_procedure()
