"""Biểu 06 pages: for supervisors only, the period checked, the Excel file equal to the page; the public scorecard."""

import io

import pytest
from openpyxl import load_workbook

from egov.services.tests.test_statistics import NOV, november  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db
URL = "/services/stats/?first=2026-11-01&last=2026-11-30&by=agency"


@pytest.mark.parametrize(
    ("who", "status"), [("applicant", 404), ("officer", 404), ("specialist", 404), ("leader", 200)]
)
def test_who_sees_the_statistics(client, agency, who, status):
    client.force_login(getattr(agency, who))
    assert client.get(URL).status_code == status


def test_the_page_and_the_workbook_hold_the_same_figures(client, agency, november):  # noqa: F811
    client.force_login(agency.leader)
    page = client.get(URL)
    assert [(r.label, r.received, r.resolved, r.pending) for r in page.context["rows"]] == [
        ("Ủy ban nhân dân xã Hải Hậu", 6, 2, 3)
    ]
    assert 'id="chart-on-time"' in page.content.decode()
    xlsx = client.get(URL + "&format=xlsx")
    assert xlsx["Content-Disposition"] == 'attachment; filename="bieu-06-20261101-20261130.xlsx"'
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert values == [
        ["Ủy ban nhân dân xã Hải Hậu", 6, 2, 2, 2, 1, 1, 0, 1, 2, 2, 3, 1.0],
        ["Tổng cộng", 6, 2, 2, 2, 1, 1, 0, 1, 2, 2, 3, 1.0],
    ]
    assert sheet["A2"].value == "Từ ngày 01/11/2026 đến ngày 30/11/2026"


def test_a_wrong_period_is_named(client, agency):
    client.force_login(agency.leader)
    response = client.get("/services/stats/?first=2026-12-01&last=2026-11-01")
    assert (response.status_code, response.context["form"].errors) == (
        422,
        {"last": ["Ngày kết thúc phải sau ngày bắt đầu."]},
    )


def test_the_public_scorecard_ranks_agencies_by_on_time_rate(client, agency, november):  # noqa: F811
    from django.core.cache import cache
    from freezegun import freeze_time

    cache.clear()  # the page keeps its figures for ten minutes

    with freeze_time("2026-11-30 12:00:00"):
        response = client.get("/services/scorecard/")
    assert response.status_code == 200
    assert [(r.label, r.rate_text) for r in response.context["rows"]] == [
        ("Ủy ban nhân dân xã Hải Hậu", "100,0 %"),
        ("Ủy ban nhân dân xã Giao Thủy", "0,0 %"),
    ]
    # The year so far: October's early dossier counts too — 3 of 4 resolved on time or early.
    assert response.context["total_rate"] == "75,0 %"
