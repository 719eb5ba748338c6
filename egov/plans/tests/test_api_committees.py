"""Committees API: listing, detail with members, create, edit, members joining, changing and leaving."""

from __future__ import annotations

import datetime as dt

import pytest

from egov.plans import services
from egov.plans.models import CommitteeMember, MembershipChange, SteeringCommittee
from egov.plans.tests.api_support import API, as_, bvh_people_fixture, patch, post, state  # noqa: F401
from egov.plans.tests.factories import SYSTEM, make_committee

pytestmark = pytest.mark.django_db


@pytest.fixture
def committees(tree):
    bvh = make_committee(tree["bvh"], decision_signer="Nguyễn Ngọc Thiện", duties="Chỉ đạo xây dựng Chính phủ điện tử.")
    services.member_add(
        actor=SYSTEM,
        committee=bvh,
        values={
            "full_name": "Nguyễn Ngọc Thiện",
            "role": "head",
            "position": "Bộ trưởng",
            "member_organisation": tree["bvh"],
        },
        followed_units=[tree["bvh_cntt"]],
        joined_on=dt.date(2018, 11, 2),
    )
    qt = make_committee(tree["qt"], number="1200/QĐ-UBND", date=dt.date(2019, 5, 6))
    return {"bvh": bvh, "qt": qt}


MEMBER = {
    "id": None,
    "committee": None,
    "full_name": "Nguyễn Ngọc Thiện",
    "username": None,
    "role": "head",
    "position": "Bộ trưởng",
    "member_organisation": "000.00.00.G16",
    "member_organisation_name": "Bộ Văn hóa, Thể thao và Du lịch",
    "part_time": True,
    "responsibilities": "",
    "followed_units": ["000.00.02.G16"],
    "joined_on": "2018-11-02",
    "left_on": None,
    "is_current": True,
}


def _committee_json(committee) -> dict:
    return {
        "id": committee.pk,
        "name": "Ban Chỉ đạo Chính phủ điện tử Bộ Văn hóa, Thể thao và Du lịch",
        "organisation": "000.00.00.G16",
        "organisation_name": "Bộ Văn hóa, Thể thao và Du lịch",
        "decision_number": "660/QĐ-UBDT",
        "decision_date": "2018-11-02",
        "decision_issuer": "000.00.00.G16",
        "decision_signer": "Nguyễn Ngọc Thiện",
        "regulation_number": "",
        "regulation_date": None,
        "duties": "Chỉ đạo xây dựng Chính phủ điện tử.",
        "dissolved_on": None,
        "has_decision_file": False,
        "has_regulation_file": False,
    }


@pytest.mark.parametrize(
    ("persona", "status", "names"),
    [
        ("anonymous", 401, None),
        ("applicant", 403, None),
        ("qt_admin", 200, ["qt"]),
        ("viewer", 200, ["bvh"]),
        ("specialist", 200, []),  # plans.view at its unit only: the ministry's committee is above it
        ("secretary", 200, ["bvh"]),
        ("sysadmin", 200, ["qt", "bvh"]),
    ],
)
def test_list_committees_matrix(client, login, bvh_people, committees, persona, status, names):
    response = as_(login, client, bvh_people, persona).get(f"{API}/committees")
    assert response.status_code == status
    if names is not None:
        body = response.json()
        assert [c["id"] for c in body["items"]] == [committees[n].pk for n in names]
        assert body["count"] == len(names)
    else:
        assert set(response.json()) == {"code", "message", "field"}


def test_list_filters_and_exact_item(client, login, bvh_people, committees):
    c = login(bvh_people["sysadmin"])
    body = c.get(f"{API}/committees", {"organisation": "000.00.00.g16"}).json()
    assert body == {"count": 1, "page": 1, "page_size": 50, "pages": 1, "items": [_committee_json(committees["bvh"])]}
    assert [i["id"] for i in c.get(f"{API}/committees", {"search": "1200/QĐ"}).json()["items"]] == [committees["qt"].pk]
    unknown = c.get(f"{API}/committees", {"organisation": "000.99.99.X99"})
    assert (unknown.status_code, unknown.json()["field"]) == (422, "organisation")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("viewer", 200), ("secretary", 200)],
)
def test_get_committee_matrix(client, login, bvh_people, committees, persona, status):
    committee = committees["bvh"]
    response = as_(login, client, bvh_people, persona).get(f"{API}/committees/{committee.pk}")
    assert response.status_code == status
    if status == 200:
        member = CommitteeMember.objects.get(committee=committee)
        assert response.json() == {
            **_committee_json(committee),
            "members": [{**MEMBER, "id": member.pk, "committee": committee.pk}],
        }


def _new_committee(**extra):
    return {
        "name": "Ban Chỉ đạo chuyển đổi số",
        "organisation": "000.00.00.G16",
        "decision_number": "1500/QĐ-BVHTTDL",
        "decision_date": "2021-06-01",
        **extra,
    }


def test_create_committee_by_the_secretary(client, login, bvh_people, committees):
    c = login(bvh_people["secretary"])
    response = post(c, f"{API}/committees", _new_committee(duties="  Chỉ đạo chuyển đổi số  "))
    assert response.status_code == 201
    created = SteeringCommittee.objects.get(decision_number="1500/QĐ-BVHTTDL")
    body = response.json()
    assert body["id"] == created.pk
    assert (body["decision_issuer"], body["decision_date"], body["duties"], body["members"]) == (
        "000.00.00.G16",
        "2021-06-01",
        "Chỉ đạo chuyển đổi số",
        [],
    )
    assert (created.organisation, created.decision_issuer) == (committees["bvh"].organisation,) * 2


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("leader", 403), ("viewer", 403), ("specialist", 403), ("qt_admin", 422)],
)
def test_create_committee_denied_changes_nothing(client, login, bvh_people, committees, persona, status):
    # Quảng Trị's administrator cannot see the ministry: its code is unknown to them.
    before = state()
    response = post(as_(login, client, bvh_people, persona), f"{API}/committees", _new_committee())
    assert response.status_code == status
    if status == 422:
        assert response.json()["field"] == "organisation"
    assert state() == before


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"organisation": "000.99.99.X99"}, "organisation"),
        ({"decision_issuer": "000.99.99.X99"}, "decision_issuer"),
        ({"decision_number": "số 15"}, "decision_number"),
        ({"decision_number": "660/QĐ-UBDT"}, "decision_number"),  # the issuer already used it
        ({"decision_date": "01/06/2021"}, "decision_date"),
        ({"name": "   "}, "name"),
        ({"dissolved_on": "2020-01-01"}, "dissolved_on"),
    ],
)
def test_create_committee_bad_input(client, login, bvh_people, committees, extra, field):
    before = state()
    response = post(login(bvh_people["secretary"]), f"{API}/committees", _new_committee(**extra))
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (422, "validation_error", field)
    assert state() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("viewer", 403), ("leader", 403), ("secretary", 200)],
)
def test_update_committee_matrix(client, login, bvh_people, committees, persona, status):
    committee = committees["bvh"]
    before = state()
    response = patch(
        as_(login, client, bvh_people, persona),
        f"{API}/committees/{committee.pk}",
        {"regulation_number": "12/QC-BCĐ", "regulation_date": "2018-12-01"},
    )
    assert response.status_code == status
    committee.refresh_from_db()
    if status == 200:
        assert (response.json()["regulation_number"], response.json()["regulation_date"]) == ("12/QC-BCĐ", "2018-12-01")
        assert (committee.regulation_number, committee.regulation_date) == ("12/QC-BCĐ", dt.date(2018, 12, 1))
        assert len(response.json()["members"]) == 1
    else:
        assert state() == before


def test_update_committee_bad_input_names_the_field(client, login, bvh_people, committees):
    c = login(bvh_people["secretary"])
    url = f"{API}/committees/{committees['bvh'].pk}"
    before = state()
    for body, field in (
        ({"organisation": "000.99.99.X99"}, "organisation"),
        ({"organisation": None}, "organisation"),
        ({"dissolved_on": "2017-01-01"}, "dissolved_on"),
        ({"decision_date": "hôm qua"}, "decision_date"),
    ):
        response = patch(c, url, body)
        assert (response.status_code, response.json()["field"]) == (422, field), body
    assert state() == before


def _member_body(**extra):
    return {
        "full_name": "Trần Văn Bình",
        "role": "member",
        "position": "Giám đốc Trung tâm Công nghệ thông tin",
        "member_organisation": "000.00.02.G16",
        "joined_on": "2019-01-15",
        "decision_number": "15/QĐ-BVHTTDL",
        **extra,
    }


def test_member_join_change_and_leave(client, login, bvh_people, committees):
    c = login(bvh_people["secretary"])
    committee = committees["bvh"]
    added = post(c, f"{API}/committees/{committee.pk}/members", _member_body(username="bvh.cntt"))
    assert added.status_code == 201
    member = CommitteeMember.objects.get(full_name="Trần Văn Bình")
    assert added.json() == {
        "id": member.pk,
        "committee": committee.pk,
        "full_name": "Trần Văn Bình",
        "username": "bvh.cntt",
        "role": "member",
        "position": "Giám đốc Trung tâm Công nghệ thông tin",
        "member_organisation": "000.00.02.G16",
        "member_organisation_name": "Trung tâm Công nghệ thông tin",
        "part_time": True,
        "responsibilities": "",
        "followed_units": [],
        "joined_on": "2019-01-15",
        "left_on": None,
        "is_current": True,
    }
    changed = patch(
        c,
        f"{API}/members/{member.pk}",
        {"role": "deputy", "followed_units": ["000.00.02.G16"], "effective_on": "2020-02-01", "note": "Phân công lại"},
    )
    assert changed.status_code == 200
    assert (changed.json()["role"], changed.json()["followed_units"]) == ("deputy", ["000.00.02.G16"])
    left = post(c, f"{API}/members/{member.pk}/leave", {"left_on": "2021-03-31", "decision_number": "99/QĐ-BVHTTDL"})
    assert left.status_code == 200
    assert (left.json()["left_on"], left.json()["is_current"]) == ("2021-03-31", False)
    assert list(member.changes.order_by("pk").values_list("kind", "effective_on", "decision_number")) == [
        ("joined", dt.date(2019, 1, 15), "15/QĐ-BVHTTDL"),
        ("changed", dt.date(2020, 2, 1), ""),
        ("left", dt.date(2021, 3, 31), "99/QĐ-BVHTTDL"),
    ]
    detail = c.get(f"{API}/committees/{committee.pk}").json()
    assert [(m["full_name"], m["is_current"]) for m in detail["members"]] == [
        ("Nguyễn Ngọc Thiện", True),
        ("Trần Văn Bình", False),
    ]
    again = post(c, f"{API}/members/{member.pk}/leave", {"left_on": "2021-04-30"})
    assert (again.status_code, again.json()["message"]) == (422, "Thành viên đã thôi tham gia Ban Chỉ đạo.")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "head"}, "role"),  # the committee already has its head
        ({"role": "chairman"}, "role"),
        ({"member_organisation": "000.99.99.X99"}, "member_organisation"),
        ({"followed_units": ["000.00.02.G16", "000.99.99.X99"]}, "followed_units"),
        ({"username": "nobody"}, "username"),
        ({"joined_on": "2018-01-01"}, "joined_on"),  # before the committee was founded
        ({"position": ""}, "position"),
    ],
)
def test_add_member_bad_input(client, login, bvh_people, committees, body, field):
    before = state()
    response = post(
        login(bvh_people["secretary"]), f"{API}/committees/{committees['bvh'].pk}/members", _member_body(**body)
    )
    assert (response.status_code, response.json()["field"]) == (422, field)
    assert state() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("viewer", 403), ("leader", 403)],
)
def test_member_writes_denied_change_nothing(client, login, bvh_people, committees, persona, status):
    committee = committees["bvh"]
    member = CommitteeMember.objects.get(committee=committee)
    c = as_(login, client, bvh_people, persona)
    before = state()
    responses = [
        post(c, f"{API}/committees/{committee.pk}/members", _member_body()),
        patch(c, f"{API}/members/{member.pk}", {"position": "Thứ trưởng"}),
        post(c, f"{API}/members/{member.pk}/leave", {"left_on": "2020-01-01"}),
    ]
    assert [r.status_code for r in responses] == [status] * 3
    assert state() == before
    assert MembershipChange.objects.filter(member=member).count() == 1


def test_unknown_ids_are_404(client, login, bvh_people, committees):
    c = login(bvh_people["sysadmin"])
    assert c.get(f"{API}/committees/999999").status_code == 404
    assert patch(c, f"{API}/members/999999", {"position": "X"}).json() == {
        "code": "not_found",
        "message": "Không tìm thấy thành viên Ban Chỉ đạo.",
        "field": None,
    }
