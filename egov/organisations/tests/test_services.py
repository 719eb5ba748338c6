import pytest

from egov.audit.models import AuditEvent
from egov.core.errors import PermissionDenied, ValidationFailed
from egov.organisations.models import Organisation
from egov.organisations.services import organisation_create, organisation_delete, organisation_update
from egov.organisations.tests.factories import SYSTEM, make_org

pytestmark = pytest.mark.django_db


def _values(**kw):
    return {"code": "000.00.40.H40", "name": "Sở Tài chính tỉnh Nam Định", "level": "department", **kw}


def test_create_stores_cleaned_values_and_records_the_event(tree):
    org = organisation_create(
        actor=SYSTEM,
        parent=tree["nd"],
        values=_values(
            code=" 000.00.40.h40 ", name="  Sở  Tài   chính ", abbreviation="stc", website="https://stc.namdinh.gov.vn"
        ),
    )
    org.refresh_from_db()
    assert org.code == "000.00.40.H40"
    assert org.code_style == "qcvn102"
    assert org.name == "Sở Tài chính"
    assert org.abbreviation == "STC"
    assert org.parent_node().pk == tree["nd"].pk
    event = AuditEvent.objects.get(action="organisation.create", object_id=str(org.pk))
    assert event.after["code"] == "000.00.40.H40"
    assert event.after["parent_code"] == "000.00.00.H40"
    assert event.scope_org_id == org.pk


def test_names_are_stored_in_nfc(tree):
    decomposed = "So\u031b\u0309 Ta\u0300i chi\u0301nh"  # "Sở Tài chính" typed with combining marks
    org = organisation_create(actor=SYSTEM, parent=tree["nd"], values=_values(name=decomposed))
    assert org.name == "Sở Tài chính"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"code": "ABC"}, "code"),
        ({"code": "000.00.12.H40"}, "code"),  # taken by Sở TT&TT Nam Định
        ({"name": "   "}, "name"),
        ({"level": "galaxy"}, "level"),
        ({"abbreviation": "ub nd"}, "abbreviation"),
        ({"email": "not-an-email"}, "email"),
        ({"website": "ftp://example.org"}, "website"),
    ],
)
def test_bad_values_name_the_field_and_save_nothing(tree, values, field):
    before = Organisation.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        organisation_create(actor=SYSTEM, parent=tree["nd"], values=_values(**values))
    assert field in exc.value.errors
    assert (Organisation.objects.count(), AuditEvent.objects.count()) == before


def test_duplicate_code_message_names_the_holder(tree):
    with pytest.raises(ValidationFailed) as exc:
        organisation_create(actor=SYSTEM, parent=tree["nd"], values=_values(code="000.00.12.h40"))
    assert exc.value.errors["code"] == [
        "Mã định danh 000.00.12.H40 đã được dùng cho Sở Thông tin và Truyền thông tỉnh Nam Định."
    ]


def test_active_period_must_be_ordered(tree):
    import datetime as dt

    with pytest.raises(ValidationFailed) as exc:
        organisation_create(
            actor=SYSTEM,
            parent=tree["nd"],
            values=_values(active_from=dt.date(2026, 5, 1), active_to=dt.date(2026, 4, 30)),
        )
    assert list(exc.value.errors) == ["active_to"]


@pytest.mark.parametrize(
    ("level", "parent_key", "ok"),
    [
        ("department", "nd", True),
        ("department", "bvh", False),  # a sở sits under a province, not a ministry
        ("district", "nd", True),
        ("commune", "nd_hh", True),
        ("commune", "nd", True),  # provinces without districts (2025 reform)
        ("commune", "nd_stttt", False),
        ("province", "nd", False),
        ("unit", "bvh", True),
        ("unit", "nd_stttt_vp", True),
    ],
)
def test_level_must_fit_under_the_parent(tree, level, parent_key, ok):
    values = _values(level=level)
    if ok:
        assert organisation_create(actor=SYSTEM, parent=tree[parent_key], values=values).level == level
    else:
        with pytest.raises(ValidationFailed) as exc:
            organisation_create(actor=SYSTEM, parent=tree[parent_key], values=values)
        assert list(exc.value.errors) == ["parent"]


def test_top_level_agency_needs_no_parent_but_a_department_does(tree):
    with pytest.raises(ValidationFailed) as exc:
        organisation_create(actor=SYSTEM, parent=None, values=_values())
    assert list(exc.value.errors) == ["parent"]
    assert organisation_create(actor=SYSTEM, parent=None, values=_values(level="province")).depth == 1


def test_update_records_before_and_after(tree):
    org = organisation_update(actor=SYSTEM, organisation=tree["nd_stttt"], values={"phone": "0228 3 000 000"})
    assert org.phone == "0228 3 000 000"
    event = AuditEvent.objects.filter(action="organisation.update").get()
    assert event.before["phone"] == ""
    assert event.after["phone"] == "0228 3 000 000"


def test_update_without_change_records_nothing(tree):
    organisation_update(actor=SYSTEM, organisation=tree["nd_stttt"], values={"name": tree["nd_stttt"].name})
    assert not AuditEvent.objects.filter(action="organisation.update").exists()


def test_move_takes_the_subtree_along(tree):
    moved = organisation_update(actor=SYSTEM, organisation=tree["nd_stttt_cntt"], values={}, parent=tree["nd_vp"])
    assert moved.parent_node().pk == tree["nd_vp"].pk
    assert moved.path.startswith(tree["nd_vp"].path)
    # Sở TT&TT keeps its other unit
    assert [o.code for o in Organisation.objects.get_children(Organisation.objects.get(pk=tree["nd_stttt"].pk))] == [
        "000.01.12.H40"
    ]


@pytest.mark.parametrize("target", ["nd_stttt", "nd_stttt_vp"])
def test_a_unit_cannot_become_its_own_ancestor(tree, target):
    # Sở TT&TT under itself, or under its own Văn phòng Sở: both would make a cycle.
    before = dict(Organisation.objects.values_list("pk", "path"))
    with pytest.raises(ValidationFailed) as exc:
        organisation_update(actor=SYSTEM, organisation=tree["nd_stttt"], values={"level": "unit"}, parent=tree[target])
    assert list(exc.value.errors) == ["parent"]
    assert dict(Organisation.objects.values_list("pk", "path")) == before


def test_changing_level_is_refused_when_children_would_no_longer_fit(tree):
    with pytest.raises(ValidationFailed) as exc:
        organisation_update(actor=SYSTEM, organisation=tree["nd"], values={"level": "ministry"})
    assert list(exc.value.errors) == ["level"]


def test_org_admin_manages_only_inside_their_scope(tree, people, actor_for):
    nd_admin = actor_for(people["nd_admin"])
    created = organisation_create(
        actor=nd_admin,
        parent=tree["nd_stttt"],
        values=_values(code="000.03.12.H40", name="Phòng Bưu chính", level="unit"),
    )
    assert created.parent_node().pk == tree["nd_stttt"].pk
    count = Organisation.objects.count()
    with pytest.raises(PermissionDenied):
        organisation_create(actor=nd_admin, parent=tree["qt"], values=_values(level="department"))
    with pytest.raises(PermissionDenied):
        organisation_create(actor=nd_admin, parent=None, values=_values(level="province"))
    with pytest.raises(PermissionDenied):
        organisation_update(actor=nd_admin, organisation=tree["qt_stttt"], values={"phone": "1"})
    with pytest.raises(PermissionDenied):  # moving a unit out of the province
        organisation_update(actor=nd_admin, organisation=tree["nd_stttt_cntt"], values={}, parent=tree["qt_stttt"])
    assert Organisation.objects.count() == count


def test_clerk_cannot_manage(tree, people, actor_for):
    with pytest.raises(PermissionDenied):
        organisation_update(
            actor=actor_for(people["nd_clerk"]), organisation=tree["nd_stttt_vp"], values={"phone": "1"}
        )


def test_delete_leaf_without_people(tree):
    leaf = make_org("000.03.12.H40", "Phòng Bưu chính", "unit", tree["nd_stttt"])
    organisation_delete(actor=SYSTEM, organisation=leaf)
    assert not Organisation.objects.filter(code="000.03.12.H40").exists()
    assert AuditEvent.objects.filter(action="organisation.delete", object_id=str(leaf.pk)).count() == 1
    assert Organisation.objects.get(pk=tree["nd_stttt"].pk).numchild == 2


def test_delete_refused_with_children_or_people(tree, people):
    with pytest.raises(ValidationFailed):
        organisation_delete(actor=SYSTEM, organisation=tree["nd_stttt"])
    with pytest.raises(ValidationFailed):
        organisation_delete(actor=SYSTEM, organisation=tree["nd_stttt_vp"])  # the clerk works there
    assert Organisation.objects.filter(pk=tree["nd_stttt_vp"].pk).exists()
