"""Biểu 06: received (carried over, online, direct), resolved (early, on time, late), pending (within, overdue)."""

import datetime as dt

import pytest
from django.utils import timezone

from egov.accounts.actor import Actor
from egov.services.models import Dossier
from egov.services.statistics import bieu06

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()
NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def at(month, day, hour=9):
    return dt.datetime(2026, month, day, hour, 0, tzinfo=TZ)


def dossier(
    agency_org, version, n, *, channel, received, due, resolved=None, timeliness="", state="processing", ended=None
):
    return Dossier.objects.create(
        code=f"{agency_org.code}-260101-{n:04d}",
        agency=agency_org,
        version=version,
        state=state,
        channel=channel,
        applicant_name="Nguyễn Văn A",
        lookup_secret="ABCDEFGH",
        submitted_at=received,
        received_at=received,
        due_at=due,
        resolved_at=resolved,
        resolved_timeliness=timeliness,
        ended_at=ended,
    )


@pytest.fixture
def november(agency, version):
    a, b = agency.org, agency.other_org
    dossier(
        a,
        version,
        1,
        channel="online",
        received=at(10, 20),
        due=at(11, 6),
        resolved=at(11, 5),
        timeliness="on_time",
        state="resolved",
    )
    dossier(
        a,
        version,
        2,
        channel="online",
        received=at(10, 10),
        due=at(10, 31),
        resolved=at(10, 30),
        timeliness="early",
        state="returned",
        ended=at(10, 31),
    )
    dossier(
        a,
        version,
        3,
        channel="online",
        received=at(11, 3),
        due=at(11, 6),
        resolved=at(11, 4),
        timeliness="early",
        state="resolved",
    )
    dossier(
        a,
        version,
        4,
        channel="counter",
        received=at(11, 10),
        due=at(11, 20),
        resolved=at(12, 2),
        timeliness="late",
        state="resolved",
    )
    dossier(a, version, 5, channel="online", received=at(11, 25), due=at(12, 1))
    dossier(a, version, 6, channel="postal", received=at(11, 12), due=at(11, 17), state="withdrawn", ended=at(11, 14))
    dossier(a, version, 7, channel="online", received=at(12, 1), due=at(12, 4))
    dossier(a, version, 8, channel="counter", received=at(10, 28), due=at(11, 2))
    dossier(
        b,
        version,
        9,
        channel="online",
        received=at(11, 5),
        due=at(11, 5, 17),
        resolved=at(11, 6),
        timeliness="late",
        state="resolved",
    )
    return a, b


def figures(row):
    return (
        row.carried_over,
        row.new_online,
        row.new_direct,
        row.resolved_early,
        row.resolved_on_time,
        row.resolved_late,
        row.pending_within,
        row.pending_overdue,
    )


def test_per_agency_and_total(november):
    rows, total = bieu06(first=NOV[0], last=NOV[1])
    assert [(r.label, figures(r)) for r in rows] == [
        ("Ủy ban nhân dân xã Giao Thủy", (0, 1, 0, 0, 0, 1, 0, 0)),
        ("Ủy ban nhân dân xã Hải Hậu", (2, 2, 2, 1, 1, 0, 1, 2)),
    ]
    assert figures(total) == (2, 3, 2, 1, 1, 1, 1, 2)
    assert (total.received, total.resolved, total.pending) == (7, 3, 3)
    assert [r.on_time_rate for r in rows] == [0.0, 1.0]


def test_per_procedure(november):
    rows, total = bieu06(first=NOV[0], last=NOV[1], by="procedure")
    assert [(r.label, figures(r)) for r in rows] == [("1.001193 — Thủ tục đăng ký khai sinh", figures(total))]


def test_only_the_agencies_one_supervises(agency, november):
    rows, _ = bieu06(first=NOV[0], last=NOV[1], actor=Actor(user=agency.leader))
    assert [r.label for r in rows] == ["Ủy ban nhân dân xã Hải Hậu"]
    rows, total = bieu06(first=NOV[0], last=NOV[1], actor=Actor(user=agency.other_officer))
    assert (rows, total.received) == ([], 0)


def test_a_dossier_resolved_through_the_service_is_classed(agency, version):
    from freezegun import freeze_time

    from egov.services.dossiers import processing as p
    from egov.services.tests.helpers import submit

    with freeze_time(at(11, 23, 10)):
        d = p.dossier_accept(actor=Actor(user=agency.officer), dossier=submit(agency, version))
    with freeze_time(at(11, 27, 16)):
        d = p.dossier_resolve(actor=Actor(user=agency.leader), dossier=d)
    assert d.resolved_timeliness == "on_time"
    _, total = bieu06(first=NOV[0], last=NOV[1])
    assert figures(total) == (0, 1, 0, 0, 1, 0, 0, 0)
