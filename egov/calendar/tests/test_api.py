"""API /api/v1/calendar: exact answers and the permission matrix of every endpoint."""

from __future__ import annotations

import datetime as dt

import pytest

from egov.accounts.services import api_key_issue
from egov.accounts.tests.factories import SYSTEM
from egov.calendar.models import CalendarDay, OfficeHours

BASE = "/api/v1/calendar"
NEW_DAY = {"date": "2027-01-09", "kind": "working_day", "instrument": "Thông báo 1/TB-BNV", "note": ""}
READS = [
    f"{BASE}/days?year=2026",
    f"{BASE}/working-days/add?start=2026-04-24&days=3",
    f"{BASE}/working-days/between?start=2026-01-01&end=2026-12-31",
    f"{BASE}/receipt-start?received_at=2026-04-24T15:30:00%2B07:00",
    f"{BASE}/office-hours",
]


@pytest.fixture
def as_user(login, people):
    return lambda who: login(people[who])


@pytest.fixture
def api_key(tree):
    _key, secret = api_key_issue(
        actor=SYSTEM, organisation=tree["nd"], system_name="Một cửa", scopes=["organisations.view"]
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def swap_rows():
    return list(CalendarDay.objects.order_by("date").values_list("date", "kind", "instrument"))


class TestAnonymous:
    @pytest.mark.parametrize("url", READS)
    def test_reads_need_authentication(self, client, db, url):
        assert client.get(url).status_code == 401

    def test_writes_need_authentication(self, client, db):
        before = swap_rows()
        assert client.post(f"{BASE}/days", NEW_DAY, content_type="application/json").status_code == 401
        day = CalendarDay.objects.get(date=dt.date(2025, 4, 26))
        assert client.delete(f"{BASE}/days/{day.pk}").status_code == 401
        assert swap_rows() == before


class TestReads:
    @pytest.mark.parametrize("who", ["nd_clerk", "qt_admin", "applicant", "sysadmin"])
    @pytest.mark.parametrize("url", READS)
    def test_any_signed_in_person_may_read(self, as_user, who, url):
        assert as_user(who).get(url).status_code == 200

    @pytest.mark.parametrize("url", READS)
    def test_an_api_key_may_read(self, client, api_key, url):
        assert client.get(url, **api_key).status_code == 200

    def test_days_of_a_year(self, as_user):
        body = as_user("nd_clerk").get(f"{BASE}/days?year=2026").json()
        assert [(e["date"], e["kind"], e["source"]) for e in body][:3] == [
            ("2026-01-01", "holiday", "holidays_package"),
            ("2026-02-16", "holiday", "holidays_package"),
            ("2026-02-17", "holiday", "holidays_package"),
        ]
        assert len(body) == 15  # 14 public holidays and one make-up Saturday
        swap = next(e for e in body if e["source"] == "swap_table")
        assert swap == {
            "id": CalendarDay.objects.get(date=dt.date(2026, 8, 22)).pk,
            "date": "2026-08-22",
            "weekday": 6,
            "weekday_name": "Thứ Bảy",
            "name": "Làm bù cho ngày nghỉ 31/08/2026",
            "kind": "working_day",
            "kind_label": "Ngày làm bù",
            "source": "swap_table",
            "source_label": "Bảng hoán đổi",
            "is_working_day": True,
            "instrument": "Lịch nghỉ lễ Quốc khánh năm 2026",
            "note": "Làm bù cho ngày nghỉ 31/08/2026",
        }
        sunday = next(e for e in body if e["date"] == "2026-04-26")
        assert (sunday["name"], sunday["weekday"], sunday["is_working_day"]) == (
            "Ngày Giỗ Tổ Hùng Vương",
            7,
            False,
        )

    def test_add(self, as_user):
        client = as_user("nd_clerk")
        assert client.get(f"{BASE}/working-days/add?start=2026-04-24&days=3").json() == {
            "start": "2026-04-24",
            "days": 3,
            "result": "2026-05-04",
        }
        assert client.get(f"{BASE}/working-days/add?start=2026-04-24&days=2").json()["result"] == "2026-04-29"
        assert client.get(f"{BASE}/working-days/add?start=2026-02-23&days=-1").json()["result"] == "2026-02-13"

    def test_between(self, as_user):
        assert as_user("nd_clerk").get(f"{BASE}/working-days/between?start=2026-01-01&end=2026-12-31").json() == {
            "start": "2026-01-01",
            "end": "2026-12-31",
            "working_days": 249,
        }

    def test_receipt_start(self, as_user, tree):
        client = as_user("nd_clerk")
        url = f"{BASE}/receipt-start?received_at="
        assert client.get(url + "2026-04-24T14:59:00%2B07:00").json()["result"] == "2026-04-24"
        assert client.get(url + "2026-04-24T15:00:00%2B07:00").json()["result"] == "2026-04-28"
        assert client.get(url + "2026-04-24T08:00:00Z").json()["result"] == "2026-04-28"  # 15:00 in Hà Nội
        assert client.get(url + "2026-04-24T14:59:00").json()["result"] == "2026-04-24"  # read as local time
        body = client.get(url + f"2026-04-24T15:30:00%2B07:00&organisation={tree['nd_stttt'].code}").json()
        assert (body["organisation"], body["result"]) == ("000.00.12.H40", "2026-04-28")

    def test_office_hours(self, as_user, tree):
        OfficeHours.objects.create(
            organisation=tree["nd"],
            effective_from=dt.date(2026, 1, 1),
            morning_start=dt.time(7),
            morning_end=dt.time(11),
            afternoon_start=dt.time(13),
            afternoon_end=dt.time(16, 30),
        )
        body = as_user("nd_clerk").get(f"{BASE}/office-hours?organisation=000.01.12.H40&on=2026-03-10").json()
        assert body == {
            "organisation": "000.01.12.H40",
            "on": "2026-03-10",
            "effective_from": "2026-01-01",
            "source_organisation": "000.00.00.H40",
            "morning_start": "07:00:00",
            "morning_end": "11:00:00",
            "afternoon_start": "13:00:00",
            "afternoon_end": "16:30:00",
        }

    def test_bad_queries(self, as_user):
        client = as_user("nd_clerk")
        response = client.get(f"{BASE}/receipt-start?received_at=2026-04-24T15:00:00%2B07:00&organisation=X")
        assert (response.status_code, response.json()["field"]) == (422, "organisation")
        response = client.get(f"{BASE}/working-days/add?start=2099-12-01&days=60")
        assert (response.status_code, response.json()["code"]) == (422, "out_of_calendar_range")
        response = client.get(f"{BASE}/days?year=1900")
        assert (response.status_code, response.json()["code"]) == (422, "out_of_calendar_range")
        response = client.get(f"{BASE}/working-days/add?start=2026-13-01&days=1")
        assert (response.status_code, response.json()["field"]) == (422, "start")
        response = client.get(f"{BASE}/working-days/add?start=2026-01-01&days=100000")
        assert (response.status_code, response.json()["field"]) == (422, "days")


class TestWrites:
    @pytest.mark.parametrize("who", ["nd_admin", "qt_admin", "nd_leader", "applicant"])
    def test_without_the_permission(self, as_user, who):
        client = as_user(who)
        before = swap_rows()
        response = client.post(f"{BASE}/days", NEW_DAY, content_type="application/json")
        assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
        day = CalendarDay.objects.get(date=dt.date(2025, 4, 26))
        assert client.delete(f"{BASE}/days/{day.pk}").status_code == 403
        assert client.delete(f"{BASE}/days/999999").status_code == 403
        assert swap_rows() == before

    def test_an_api_key_may_not_write(self, client, api_key):
        before = swap_rows()
        response = client.post(f"{BASE}/days", NEW_DAY, content_type="application/json", **api_key)
        assert response.status_code == 403
        assert swap_rows() == before

    def test_system_administrator_creates_and_deletes(self, as_user):
        client = as_user("sysadmin")
        response = client.post(f"{BASE}/days", NEW_DAY, content_type="application/json")
        assert response.status_code == 201
        created = CalendarDay.objects.get(date=dt.date(2027, 1, 9))
        assert response.json() == {
            "id": created.pk,
            "date": "2027-01-09",
            "kind": "working_day",
            "instrument": "Thông báo 1/TB-BNV",
            "note": "",
        }
        assert client.get(f"{BASE}/working-days/add?start=2027-01-08&days=1").json()["result"] == "2027-01-09"
        assert client.delete(f"{BASE}/days/{created.pk}").status_code == 204
        assert not CalendarDay.objects.filter(pk=created.pk).exists()
        assert client.delete(f"{BASE}/days/{created.pk}").status_code == 404

    def test_bad_input(self, as_user):
        client = as_user("sysadmin")
        before = swap_rows()
        response = client.post(f"{BASE}/days", {**NEW_DAY, "date": "2026-04-26"}, content_type="application/json")
        body = response.json()
        assert (response.status_code, body["code"], body["field"]) == (422, "validation_error", "date")
        assert "“Ngày Giỗ Tổ Hùng Vương”" in body["message"]
        response = client.post(f"{BASE}/days", {**NEW_DAY, "kind": "holiday"}, content_type="application/json")
        assert (response.status_code, response.json()["field"]) == (422, "kind")
        response = client.post(f"{BASE}/days", {**NEW_DAY, "date": "2025-04-26"}, content_type="application/json")
        assert (response.status_code, response.json()["field"]) == (422, "date")
        assert swap_rows() == before
