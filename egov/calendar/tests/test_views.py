"""Pages: what each person sees and may change; denied requests change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from egov.calendar.models import CalendarDay, OfficeHours

NEW_DAY = {"date": "2027-01-09", "kind": "working_day", "instrument": "Thông báo 1/TB-BNV", "note": ""}
HOURS = {
    "effective_from": "2026-06-01",
    "morning_start": "07:00",
    "morning_end": "11:00",
    "afternoon_start": "13:00",
    "afternoon_end": "16:30",
}


@pytest.fixture
def as_user(login, people):
    return lambda who: login(people[who])


def state():
    return (
        list(CalendarDay.objects.order_by("pk").values_list("date", "kind", "instrument")),
        list(OfficeHours.objects.order_by("pk").values_list()),
    )


@pytest.fixture
def nd_hours(tree):
    return OfficeHours.objects.create(
        organisation=tree["nd"],
        effective_from=dt.date(2026, 1, 1),
        morning_start=dt.time(7, 30),
        morning_end=dt.time(11, 30),
        afternoon_start=dt.time(13, 30),
        afternoon_end=dt.time(17),
    )


class TestAnonymous:
    @pytest.mark.parametrize(
        "url",
        ["/calendar/", "/calendar/2026/", "/calendar/days/new/", "/calendar/office-hours/",
         "/calendar/office-hours/platform/"],
    )  # fmt: skip
    def test_pages_redirect_to_login(self, client, db, url):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_posts_redirect_and_change_nothing(self, client, nd_hours):
        before = state()
        day = CalendarDay.objects.get(date=dt.date(2025, 4, 26))
        for url, data in [
            ("/calendar/days/new/", NEW_DAY),
            (f"/calendar/days/{day.pk}/delete/", {}),
            ("/calendar/office-hours/", HOURS),
            (f"/calendar/office-hours/{nd_hours.pk}/delete/", {}),
        ]:
            assert client.post(url, data).status_code == 302
        assert state() == before


class TestYearPage:
    def test_read_only_for_staff(self, as_user):
        response = as_user("nd_clerk").get("/calendar/2026/")
        assert response.status_code == 200
        assert [m.working_days for m in response.context["months"]] == [
            21, 15, 22, 20, 20, 22, 23, 21, 20, 22, 20, 23,
        ]  # fmt: skip
        assert response.context["total_working_days"] == 249
        html = response.content.decode()
        assert "Ngày Văn hóa Việt Nam" in html
        assert 'id="add-swap"' not in html
        assert "/delete/" not in html

    def test_current_year_by_default(self, as_user):
        response = as_user("applicant").get("/calendar/")
        assert (response.status_code, response.context["year"]) == (200, timezone.localdate().year)

    def test_system_administrator_sees_the_forms(self, as_user):
        html = as_user("sysadmin").get("/calendar/2026/").content.decode()
        day = CalendarDay.objects.get(date=dt.date(2026, 8, 22))
        assert 'id="add-swap"' in html
        assert f"/calendar/days/{day.pk}/delete/" in html
        assert 'id="missing-make-up-days"' not in html

    def test_missing_make_up_day_is_flagged(self, as_user):
        CalendarDay.objects.filter(date=dt.date(2026, 8, 22)).delete()
        response = as_user("sysadmin").get("/calendar/2026/")
        assert response.context["missing_make_up_days"] == [(dt.date(2026, 8, 31), dt.date(2026, 8, 22))]

    def test_unsupported_year(self, as_user):
        assert as_user("nd_clerk").get("/calendar/1900/").status_code == 404


class TestSwapForms:
    @pytest.mark.parametrize("who", ["nd_admin", "qt_admin", "nd_clerk", "applicant"])
    def test_denied(self, as_user, who):
        client = as_user(who)
        before = state()
        day = CalendarDay.objects.get(date=dt.date(2025, 4, 26))
        assert client.get("/calendar/days/new/").status_code == 403
        assert client.post("/calendar/days/new/", NEW_DAY).status_code == 403
        assert client.post(f"/calendar/days/{day.pk}/delete/").status_code == 403
        assert state() == before

    def test_create(self, as_user):
        client = as_user("sysadmin")
        assert client.get("/calendar/days/new/?year=2027").status_code == 200
        response = client.post("/calendar/days/new/", NEW_DAY)
        assert (response.status_code, response["Location"]) == (302, "/calendar/2027/")
        assert CalendarDay.objects.get(date=dt.date(2027, 1, 9)).instrument == "Thông báo 1/TB-BNV"

    def test_create_on_a_holiday_shows_the_error_on_the_date(self, as_user):
        before = state()
        response = as_user("sysadmin").post("/calendar/days/new/", {**NEW_DAY, "date": "2026-04-26"})
        assert response.status_code == 400
        assert response.context["form"].errors["date"] == [
            "Ngày 26/04/2026 là ngày nghỉ lễ “Ngày Giỗ Tổ Hùng Vương”, không thể đặt làm ngày làm bù."
        ]
        assert state() == before

    def test_unparseable_input(self, as_user):
        response = as_user("sysadmin").post("/calendar/days/new/", {**NEW_DAY, "date": "31/02/2027"})
        assert response.status_code == 400
        assert list(response.context["form"].errors) == ["date"]

    def test_delete(self, as_user):
        day = CalendarDay.objects.get(date=dt.date(2025, 4, 26))
        client = as_user("sysadmin")
        assert client.get(f"/calendar/days/{day.pk}/delete/").status_code == 405
        response = client.post(f"/calendar/days/{day.pk}/delete/")
        assert (response.status_code, response["Location"]) == (302, "/calendar/2025/")
        assert not CalendarDay.objects.filter(pk=day.pk).exists()
        assert client.post(f"/calendar/days/{day.pk}/delete/").status_code == 404


class TestOfficeHoursPage:
    def test_read_only_without_the_permission(self, as_user, tree, nd_hours):
        client = as_user("nd_clerk")
        response = client.get("/calendar/office-hours/")
        assert response.status_code == 200
        assert (response.context["organisation"], response.context["can_edit"]) == (
            tree["nd_stttt_vp"],
            False,
        )
        assert response.context["resolved"].source == tree["nd"]
        before = state()
        assert client.post("/calendar/office-hours/", HOURS).status_code == 403
        assert client.post(f"/calendar/office-hours/{nd_hours.pk}/delete/").status_code == 403
        assert state() == before

    def test_org_admin_edits_their_unit(self, as_user, tree):
        client = as_user("nd_admin")
        assert client.get("/calendar/office-hours/").context["can_edit"] is True
        response = client.post("/calendar/office-hours/", HOURS)
        assert (response.status_code, response["Location"]) == (302, "/calendar/office-hours/")
        row = OfficeHours.objects.get()
        assert (row.organisation, row.effective_from, row.afternoon_end) == (
            tree["nd_stttt"],
            dt.date(2026, 6, 1),
            dt.time(16, 30),
        )
        response = client.post(f"/calendar/office-hours/{row.pk}/delete/")
        assert response.status_code == 302
        assert not OfficeHours.objects.exists()

    def test_bad_hours_show_the_error_on_the_field(self, as_user):
        before = state()
        response = as_user("nd_admin").post("/calendar/office-hours/", {**HOURS, "afternoon_start": "10:00"})
        assert response.status_code == 400
        assert list(response.context["form"].errors) == ["afternoon_start"]
        assert state() == before

    def test_admin_of_another_organisation(self, as_user, nd_hours):
        client = as_user("qt_admin")
        before = state()
        assert client.post(f"/calendar/office-hours/{nd_hours.pk}/delete/").status_code == 403
        assert state() == before
        client.post("/calendar/office-hours/", HOURS)  # edits their own unit, not Nam Định
        assert OfficeHours.objects.exclude(pk=nd_hours.pk).get().organisation.code == "000.00.12.H50"

    def test_platform_default(self, as_user):
        before = state()
        assert as_user("nd_admin").post("/calendar/office-hours/platform/", HOURS).status_code == 403
        assert state() == before
        client = as_user("sysadmin")
        assert client.get("/calendar/office-hours/").context["can_edit"] is False  # no unit to act for
        assert client.post("/calendar/office-hours/", HOURS).status_code == 403
        response = client.post("/calendar/office-hours/platform/", HOURS)
        assert (response.status_code, response["Location"]) == (302, "/calendar/office-hours/platform/")
        assert OfficeHours.objects.get().organisation is None
