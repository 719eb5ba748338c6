import pytest

from egov.accounts.actor import Actor
from egov.accounts.permissions import can, can_globally, scope_paths
from egov.accounts.roles import ROLE_PERMISSIONS, Perm, Role
from egov.organisations.models import Organisation
from egov.organisations.selectors import organisation_get, organisations_visible

pytestmark = pytest.mark.django_db


def test_every_role_has_an_entry_in_the_matrix():
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert ROLE_PERMISSIONS[Role.SYSTEM_ADMIN] == frozenset(Perm)
    assert ROLE_PERMISSIONS[Role.APPLICANT] == frozenset()


def test_role_scope_covers_the_unit_and_everything_below(tree, people, actor_for):
    admin = actor_for(people["nd_admin"])
    assert can(admin, Perm.ORG_MANAGE, tree["nd"])
    assert can(admin, Perm.ORG_MANAGE, tree["nd_stttt_cntt"])
    assert not can(admin, Perm.ORG_MANAGE, tree["qt"])
    assert not can(admin, Perm.ORG_MANAGE, tree["bvh"])
    assert not can_globally(admin, Perm.ORG_MANAGE)
    assert scope_paths(admin, Perm.ORG_MANAGE) == (tree["nd"].path,)


def test_clerk_of_nam_dinh_sees_nothing_of_quang_tri(tree, people, actor_for):
    clerk = actor_for(people["nd_clerk"])
    visible = set(organisations_visible(actor=clerk).values_list("code", flat=True))
    assert visible == {"000.00.00.H40", "000.00.12.H40", "000.01.12.H40", "000.02.12.H40"}
    from egov.core.errors import NotFound

    with pytest.raises(NotFound):
        organisation_get(actor=clerk, code="000.00.12.H50")
    assert not can(clerk, Perm.PEOPLE_VIEW, tree["qt_stttt"])
    assert not can(clerk, Perm.ORG_MANAGE, tree["nd_stttt_vp"])


def test_system_admin_and_system_actor_hold_everything(tree, people, actor_for):
    admin = actor_for(people["sysadmin"])
    assert all(can_globally(admin, p) for p in Perm)
    assert all(can_globally(Actor.system("x"), p) for p in Perm)


def test_applicant_and_anonymous_hold_nothing(tree, people, actor_for):
    assert actor_for(people["applicant"]).grants == {}
    assert Actor().grants == {}


def test_inactive_person_holds_nothing(tree, people, actor_for):
    user = people["nd_admin"]
    user.is_active = False
    assert actor_for(user).grants == {}


def test_role_in_an_ended_organisation_confers_nothing(tree, people, actor_for):
    import datetime as dt

    Organisation.objects.filter(pk=tree["qt"].pk).update(active_to=dt.date(2020, 1, 1))
    assert actor_for(people["qt_admin"]).grants == {}


def test_overlapping_scopes_are_merged(tree, people, actor_for):
    from egov.accounts.services import role_assign
    from egov.accounts.tests.factories import SYSTEM

    user = people["nd_clerk"]
    role_assign(actor=SYSTEM, user=user, role=Role.CLERK, organisation=tree["nd_stttt_vp"])
    assert scope_paths(actor_for(user), Perm.ORG_VIEW) == (tree["nd_stttt"].path,)
