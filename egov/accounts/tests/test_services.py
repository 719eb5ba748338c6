import datetime as dt

import pytest
from django.utils import timezone

from egov.accounts import services
from egov.accounts.api_auth import hash_secret
from egov.accounts.models import ApiKey, Membership, RoleAssignment, User
from egov.accounts.roles import Perm, Role
from egov.accounts.tests.factories import SYSTEM, make_person
from egov.audit.models import AuditEvent
from egov.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def _counts():
    return (
        User.objects.count(),
        Membership.objects.count(),
        RoleAssignment.objects.count(),
        ApiKey.objects.count(),
        AuditEvent.objects.count(),
    )


def test_create_person_in_a_unit(tree, people, actor_for):
    admin = actor_for(people["nd_admin"])
    user = services.person_create(
        actor=admin,
        values={"username": "lan.nt", "full_name": " Nguyễn  Thị Lan "},
        organisation=tree["nd_stttt_vp"],
        position="Văn thư",
        password="Mật-khẩu-rất-dài-1",
    )
    assert user.full_name == "Nguyễn Thị Lan"
    assert user.check_password("Mật-khẩu-rất-dài-1")
    membership = user.memberships.get()
    assert (membership.organisation_id, membership.position, membership.is_primary) == (
        tree["nd_stttt_vp"].pk,
        "Văn thư",
        True,
    )
    event = AuditEvent.objects.get(action="person.create", object_id=str(user.pk))
    assert event.actor_id == people["nd_admin"].pk
    assert event.acting_org_id == tree["nd_stttt"].pk
    assert event.after["memberships"] == [{"organisation": "000.01.12.H40", "position": "Văn thư", "is_primary": True}]


def test_person_without_password_cannot_log_in_until_reset(tree, people, actor_for):
    user = services.person_create(actor=SYSTEM, values={"username": "no.pw", "full_name": "A"}, organisation=tree["nd"])
    assert not user.has_usable_password()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"username": "nd.clerk"}, "username"),
        ({"username": "ND.CLERK"}, "username"),
        ({"username": "có dấu cách"}, "username"),
        ({"full_name": ""}, "full_name"),
        ({"email": "sai"}, "email"),
        ({"kind": "alien"}, "kind"),
    ],
)
def test_bad_person_values(tree, people, values, field):
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        services.person_create(
            actor=SYSTEM, values={"username": "new.one", "full_name": "Tên", **values}, organisation=tree["nd"]
        )
    assert field in exc.value.errors
    assert _counts() == before


def test_weak_password_is_refused(tree):
    with pytest.raises(ValidationFailed) as exc:
        services.person_create(
            actor=SYSTEM, values={"username": "weak", "full_name": "Tên"}, organisation=tree["nd"], password="12345678"
        )
    assert list(exc.value.errors) == ["password"]
    assert not User.objects.filter(username="weak").exists()


def test_org_admin_cannot_create_outside_scope_or_without_unit(tree, people, actor_for):
    admin = actor_for(people["nd_admin"])
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.person_create(actor=admin, values={"username": "x", "full_name": "X"}, organisation=tree["qt"])
    with pytest.raises(ValidationFailed) as exc:
        services.person_create(actor=admin, values={"username": "x", "full_name": "X"}, organisation=None)
    assert list(exc.value.errors) == ["organisation"]
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=actor_for(people["nd_clerk"]),
            values={"username": "x", "full_name": "X"},
            organisation=tree["nd_stttt_vp"],
        )
    assert _counts() == before


def test_update_person_records_the_change(tree, people, actor_for):
    services.person_update(
        actor=actor_for(people["nd_admin"]), user=people["nd_clerk"], values={"phone": "0912 000 111"}
    )
    event = AuditEvent.objects.get(action="person.update")
    assert (event.before["phone"], event.after["phone"]) == ("", "0912 000 111")
    with pytest.raises(PermissionDenied):
        services.person_update(actor=actor_for(people["qt_admin"]), user=people["nd_clerk"], values={"phone": "1"})


def test_deactivate_rules(tree, people, actor_for):
    admin = actor_for(people["nd_admin"])
    with pytest.raises(ValidationFailed):
        services.person_set_active(actor=admin, user=people["nd_admin"], active=False)
    with pytest.raises(ValidationFailed):
        services.person_set_active(actor=actor_for(people["sysadmin"]), user=people["sysadmin"], active=False)
    services.person_set_active(actor=admin, user=people["nd_clerk"], active=False)
    assert not User.objects.get(pk=people["nd_clerk"].pk).is_active


def test_deactivation_signs_the_person_out_everywhere(tree, people, actor_for, client):
    client.force_login(people["nd_clerk"], backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/").status_code == 200
    services.person_set_active(actor=actor_for(people["nd_admin"]), user=people["nd_clerk"], active=False)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_memberships(tree, people, actor_for):
    admin = actor_for(people["nd_admin"])
    clerk = people["nd_clerk"]
    m = services.membership_add(
        actor=admin, user=clerk, organisation=tree["nd_vp"], position="Văn thư", is_primary=True
    )
    assert list(clerk.memberships.filter(is_primary=True).values_list("organisation__code", flat=True)) == [
        "000.00.01.H40"
    ]
    with pytest.raises(ValidationFailed):
        services.membership_add(actor=admin, user=clerk, organisation=tree["nd_vp"])
    with pytest.raises(PermissionDenied):
        services.membership_add(actor=admin, user=clerk, organisation=tree["qt_stttt"])
    services.membership_remove(actor=admin, membership=m)
    assert list(clerk.memberships.values_list("organisation__code", "is_primary")) == [("000.01.12.H40", True)]
    with pytest.raises(ValidationFailed):  # the last unit of a staff member
        services.membership_remove(actor=admin, membership=clerk.memberships.get())


def test_role_rules(tree, people, actor_for):
    admin = actor_for(people["nd_admin"])
    specialist = people["nd_specialist"]
    services.role_assign(actor=admin, user=specialist, role=Role.LEADER, organisation=tree["nd_stttt_cntt"])
    with pytest.raises(ValidationFailed):  # twice
        services.role_assign(actor=admin, user=specialist, role=Role.LEADER, organisation=tree["nd_stttt_cntt"])
    with pytest.raises(PermissionDenied):  # only platform administrators grant platform roles
        services.role_assign(actor=admin, user=specialist, role=Role.SYSTEM_ADMIN, organisation=None)
    with pytest.raises(ValidationFailed) as exc:  # the person does not work in Văn phòng UBND
        services.role_assign(actor=admin, user=specialist, role=Role.CLERK, organisation=tree["nd_vp"])
    assert list(exc.value.errors) == ["organisation"]
    with pytest.raises(PermissionDenied):
        services.role_assign(actor=admin, user=people["qt_clerk"], role=Role.LEADER, organisation=tree["qt_stttt"])
    with pytest.raises(ValidationFailed):
        services.role_assign(actor=SYSTEM, user=people["applicant"], role=Role.CLERK, organisation=tree["nd"])
    with pytest.raises(ValidationFailed):
        services.role_assign(actor=SYSTEM, user=specialist, role="emperor", organisation=tree["nd"])


def test_last_system_admin_cannot_be_revoked(tree, people, actor_for):
    assignment = RoleAssignment.objects.get(role=Role.SYSTEM_ADMIN)
    with pytest.raises(ValidationFailed):
        services.role_revoke(actor=actor_for(people["sysadmin"]), assignment=assignment)
    second = make_person("second.admin", None, Role.SYSTEM_ADMIN)
    services.role_revoke(actor=actor_for(second), assignment=assignment)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_api_key_issue_and_revoke(tree, people, actor_for):
    admin = actor_for(people["nd_admin"])
    key, full = services.api_key_issue(
        actor=admin,
        organisation=tree["nd_stttt"],
        system_name="Cổng dịch vụ công",
        scopes=[Perm.ORG_VIEW, Perm.PEOPLE_VIEW],
    )
    assert full.startswith(f"egov_{key.prefix}_")
    assert key.key_hash == hash_secret(full)
    assert full not in str(AuditEvent.objects.get(action="apikey.issue").after)
    services.api_key_revoke(actor=admin, key=key)
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"system_name": ""}, "system_name"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["calendar.manage"]}, "scopes"),
        ({"expires_at": timezone.now() - dt.timedelta(days=1)}, "expires_at"),
    ],
)
def test_api_key_bad_input(tree, people, actor_for, kwargs, field):
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        services.api_key_issue(
            actor=actor_for(people["nd_admin"]),
            organisation=tree["nd"],
            **{"system_name": "Hệ thống", "scopes": [Perm.ORG_VIEW], **kwargs},
        )
    assert list(exc.value.errors) == [field]
    assert _counts() == before


def test_api_key_cannot_carry_more_than_its_issuer_holds(tree, people, actor_for):
    # a leader may not issue keys at all
    with pytest.raises(PermissionDenied):
        services.api_key_issue(
            actor=actor_for(people["nd_leader"]), organisation=tree["nd"], system_name="X", scopes=[Perm.ORG_VIEW]
        )
    with pytest.raises(PermissionDenied):
        services.api_key_issue(
            actor=actor_for(people["nd_admin"]), organisation=tree["qt"], system_name="X", scopes=[Perm.ORG_VIEW]
        )
