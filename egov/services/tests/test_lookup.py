"""The public lookup: code plus a second factor, one answer for every miss, no personal data, rate-limited."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from egov.accounts.actor import Actor
from egov.services.dossiers import processing as p
from egov.services.tests.helpers import submit
from egov.services.views.lookup import limiter

pytestmark = pytest.mark.django_db
URL = "/services/lookup/"
MISS = "Không tìm thấy hồ sơ với mã và thông tin tra cứu đã nhập."


@pytest.fixture(autouse=True)
def fresh_limiter():
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def dossier(agency, version):
    tz = timezone.get_default_timezone()
    with freeze_time(dt.datetime(2026, 11, 23, 10, 0, tzinfo=tz)):
        dossier = submit(agency, version)
    with freeze_time(dt.datetime(2026, 11, 23, 10, 30, tzinfo=tz)):
        return p.dossier_accept(actor=Actor(user=agency.officer), dossier=dossier, assignee=agency.specialist)


def test_the_secret_shows_the_timeline_without_personal_data(client, dossier):
    response = client.post(URL, {"code": dossier.code.lower(), "factor": dossier.lookup_secret.lower()})
    assert response.status_code == 200
    page = response.content.decode()
    found = response.context["found"]
    assert (found.code, found.state_label, found.national_status) == (dossier.code, "Đang xử lý", 4)
    assert [(e.label, e.who) for e in found.events] == [
        ("Mới đăng ký", "Người nộp hồ sơ"),
        ("Đã tiếp nhận", "Người dùng motcua"),
        ("Đang xử lý", "Người dùng motcua"),
    ]
    assert ("10:00 23/11/2026" in page, "17:00 27/11/2026" in page) == (True, True)
    for private in ("Nguyễn Thị Hoa", "036190001234", "0912345678", "hoa@example.test", "Xóm 3", "Trần Minh An"):
        assert private not in page


def test_the_phone_number_works_too_in_any_common_form(client, dossier):
    for phone in ("0912345678", "+84912345678", "0912 345 678"):
        assert client.post(URL, {"code": dossier.code, "factor": phone}).status_code == 200


@pytest.mark.parametrize(
    "values",
    [
        {"code": "000.00.15.H40-261123-0001", "factor": "WRONG234"},
        {"code": "000.00.15.H40-261123-0099", "factor": "WRONG234"},
        {"code": "khong-phai-ma", "factor": "X"},
    ],
)
def test_every_miss_gets_the_same_answer(client, dossier, values):
    response = client.post(URL, values)
    assert response.status_code == 404
    assert [str(e) for e in response.context["form"].non_field_errors()] == [MISS]
    assert response.context["found"] is None


def test_empty_fields_are_named(client):
    response = client.post(URL, {"code": "", "factor": ""})
    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["code", "factor"]


def test_too_many_lookups_from_one_address_are_refused(client, dossier, settings):
    settings.EGOV_SERVICES_LOOKUP_RATE = (1 / 60, 3)
    codes = [client.post(URL, {"code": dossier.code, "factor": "WRONG234"}).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    blocked = client.post(URL, {"code": dossier.code, "factor": dossier.lookup_secret})
    assert (blocked.status_code, blocked["Retry-After"]) == (429, "60")
