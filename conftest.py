"""Fixtures shared by every app's tests: organisations of two provinces and people in each role."""

from __future__ import annotations

import pytest

from egov.accounts.tests.factories import ActorFactory, make_person
from egov.organisations.tests.factories import build_demo_tree


@pytest.fixture
def tree(db):
    """Two provinces and a ministry: Nam Định (with Sở TT&TT and its units), Quảng Trị, Bộ VHTTDL."""
    return build_demo_tree()


@pytest.fixture
def people(tree):
    """One person per role, in the units a real province would put them."""
    return {
        "sysadmin": make_person("sysadmin", None, "system_admin"),
        "nd_admin": make_person("nd.admin", tree["nd_stttt"], "org_admin", role_org=tree["nd"]),
        "nd_clerk": make_person("nd.clerk", tree["nd_stttt_vp"], "clerk", role_org=tree["nd_stttt"]),
        "nd_leader": make_person("nd.leader", tree["nd"], "leader"),
        "nd_specialist": make_person("nd.specialist", tree["nd_stttt_cntt"], "specialist"),
        "qt_admin": make_person("qt.admin", tree["qt_stttt"], "org_admin", role_org=tree["qt"]),
        "qt_clerk": make_person("qt.clerk", tree["qt_stttt"], "clerk"),
        "applicant": make_person("citizen", None, "applicant", kind="applicant"),
    }


@pytest.fixture
def actor_for():
    return ActorFactory.for_user


@pytest.fixture
def login(client):
    """Sign a person in on the test client (no second factor) and return the client."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login
