"""GovStack Registration API: /data/statistics — decisions on applications per period."""

import pytest
from freezegun import freeze_time

from egov.accounts.actor import Actor
from egov.services.dossiers import processing as p
from egov.services.tests.helpers import submit
from egov.services.tests.test_govstack_support import BASE, CLIENT, URLS, assert_matches_spec, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLS)]
STATS = "GovStack_Registration_BB_API_statistics.json"
TIMEFRAMES = {"timeframeDay": False, "timeframeWeek": False, "timeframeMonth": False, "timeframeYear": False}


@pytest.fixture
def decided(agency, version):
    """Three dossiers: approved on Mon 23/11, sent back on Mon 23/11, refused on Wed 25/11 (2026)."""
    officer, specialist, leader = (Actor(user=u) for u in (agency.officer, agency.specialist, agency.leader))
    with freeze_time("2026-11-23 08:00:00+07:00"):
        approved, sent_back, refused = (submit(agency, version) for _ in range(3))
        for dossier in (approved, refused):
            p.dossier_accept(actor=officer, dossier=dossier, assignee=agency.specialist)
        p.dossier_request_supplement(actor=officer, dossier=sent_back, items=[{"name": "Tờ khai", "reason": "Thiếu"}])
        p.dossier_hand_over(actor=specialist, dossier=approved)
        p.dossier_resolve(actor=leader, dossier=approved)
    with freeze_time("2026-11-25 09:00:00+07:00"):
        p.dossier_refuse(actor=leader, dossier=refused, reason="Không đủ điều kiện")


def _get(client, **params):
    response = client.get(f"{BASE}/data/statistics", params, **CLIENT)
    assert response.status_code == 200, response.json()
    assert_matches_spec(response.json(), "/data/statistics", "get", name=STATS)
    return response.json()


@freeze_time("2026-12-31 12:00:00+07:00")
def test_whole_period_for_anyone(client, decided):
    assert _get(client, startDate="2026-11-01", endDate="2026-12-31") == [
        {
            "processed": 3,
            "approved": 1,
            "sentBack": 1,
            "rejected": 1,
            "references": {"startDate": "2026-11-01", "endDate": "2026-12-31", **TIMEFRAMES},
        }
    ]
    # Defaults: from the first of January to today.
    assert _get(client)[0]["references"]["startDate"] == "2026-01-01"


@freeze_time("2026-12-31 12:00:00+07:00")
def test_by_month_and_by_registration_name(client, decided):
    rows = _get(client, startDate="2026-11-15", endDate="2026-12-10", timeframe="month", registrationName="khai sinh")
    months = {**TIMEFRAMES, "timeframeMonth": True, "registrationName": "khai sinh"}
    assert rows == [
        {
            "processed": 3,
            "approved": 1,
            "sentBack": 1,
            "rejected": 1,
            "references": {"startDate": "2026-11-15", "endDate": "2026-11-30", **months},
        },
        {
            "processed": 0,
            "approved": 0,
            "sentBack": 0,
            "rejected": 0,
            "references": {"startDate": "2026-12-01", "endDate": "2026-12-10", **months},
        },
    ]
    days = _get(client, startDate="2026-11-23", endDate="2026-11-25", timeframe="day")
    assert [(r["references"]["endDate"], r["processed"], r["rejected"]) for r in days] == [
        ("2026-11-23", 2, 0),
        ("2026-11-24", 0, 0),
        ("2026-11-25", 1, 1),
    ]
    weeks = _get(client, startDate="2026-11-20", endDate="2026-12-06", timeframe="week")
    assert [(r["references"]["startDate"], r["processed"]) for r in weeks] == [
        ("2026-11-20", 0),
        ("2026-11-23", 3),
        ("2026-11-30", 0),
    ]
    assert _get(client, startDate="2026-11-01", endDate="2026-12-31", registrationName="ket hon")[0]["processed"] == 0


@freeze_time("2026-12-31 12:00:00+07:00")
def test_by_operator_needs_the_supervise_permission(client, agency, decided):
    params = {"startDate": "2026-11-01", "endDate": "2026-12-31", "operator": "chutich"}
    assert client.get(f"{BASE}/data/statistics", params, **CLIENT).status_code == 403
    sign_in(client, agency.officer)
    assert client.get(f"{BASE}/data/statistics", params, **CLIENT).status_code == 403
    sign_in(client, agency.leader)
    row = _get(client, **params)[0]
    assert (row["approved"], row["sentBack"], row["rejected"]) == (1, 0, 1)
    row = _get(client, startDate="2026-11-01", endDate="2026-12-31", role="one_stop_officer")[0]
    assert (row["approved"], row["sentBack"], row["rejected"], row["references"]["role"]) == (
        0,
        1,
        0,
        "one_stop_officer",
    )


@freeze_time("2026-12-31 12:00:00+07:00")
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"startDate": "2026-12-31", "endDate": "2026-01-01"}, "startDate"),
        ({"startDate": "31/12/2026"}, "startDate"),
        ({"timeframe": "hour"}, "timeframe"),
        ({"startDate": "2020-01-01", "timeframe": "day"}, "timeframe"),
    ],
)
def test_bad_statistics_query(client, db, params, field):
    response = client.get(f"{BASE}/data/statistics", params, **CLIENT)
    assert (response.status_code, response.json()["field"]) == (400, field)


def test_statistics_needs_the_mediator_header(client, db):
    response = client.get(f"{BASE}/data/statistics")
    assert (response.status_code, response.json()["field"]) == (400, "Information-Mediator-Client")
