"""The national and provincial roll-up: denominators, numerators on a day, the sentence, scope and permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egov.accounts.tests.factories import make_person
from egov.organisations.tests.factories import make_org
from egov.plans.models import Task
from egov.plans.reports.dashboard import Rate
from egov.plans.reports.rollup import rollup, rollup_scope
from egov.plans.tests.factories import issue, make_committee, make_plan, make_task, report

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2019, 12, 31)


def _confirm(task, unit, on):
    from egov.plans import services
    from egov.plans.tests.factories import SYSTEM

    report(task, unit, percent=100, on=on, requests_completion=True)
    services.completion_review(actor=SYSTEM, task=Task.objects.get(pk=task.pk), decision="confirmed")


def build_country(tree) -> dict:
    """Two ministries, a government agency, three provinces (and one merged away), committees and plans."""
    o = dict(tree)
    o["btc"] = make_org("000.00.00.G09", "Bộ Tài chính", "ministry")
    o["ttx"] = make_org("000.00.00.G20", "Thông tấn xã Việt Nam", "government_agency")
    o["hg"] = make_org("000.00.00.H02", "Ủy ban nhân dân tỉnh Hà Giang", "province")
    o["ht"] = make_org(
        "000.00.00.H99", "Ủy ban nhân dân tỉnh Hà Tây", "province", active_to=dt.date(2008, 7, 31)
    )  # merged into Hà Nội in 2008: not in the denominator
    make_committee(o["bvh"])  # 02/11/2018
    make_committee(o["btc"], number="15/QĐ-BTC", date=dt.date(2020, 1, 10))  # after AS_OF
    make_committee(o["ttx"], number="20/QĐ-TTX", date=dt.date(2019, 4, 1))
    make_committee(o["nd"], number="1200/QĐ-UBND", date=dt.date(2019, 5, 1))
    make_committee(
        o["qt"], number="800/QĐ-UBND", date=dt.date(2019, 2, 1), dissolved_on=dt.date(2019, 6, 30)
    )  # dissolved before AS_OF
    make_committee(o["nd_stttt"], number="50/QĐ-STTTT", date=dt.date(2019, 6, 1))

    bvh_plan = make_plan(o["bvh"])
    on_time = make_task(bvh_plan, o["bvh_cntt"], title="Cổng dịch vụ công", deadline="Tháng 9/2019")
    make_task(bvh_plan, o["bvh_cntt"], title="Kho dữ liệu", deadline="Tháng 10/2019")  # overdue on AS_OF
    issue(bvh_plan)
    _confirm(on_time, o["bvh_cntt"], dt.date(2019, 9, 20))

    nd_plan = make_plan(o["nd"], title="Kế hoạch của tỉnh Nam Định")
    make_task(nd_plan, o["nd_stttt"], title="Trục liên thông", deadline="Năm 2020")  # not due yet
    issue(nd_plan, number="60/KH-UBND", date=dt.date(2019, 5, 20))

    qt_plan = make_plan(o["qt"], title="Kế hoạch của tỉnh Quảng Trị")
    make_task(qt_plan, o["qt_stttt"], title="Một cửa điện tử", deadline="Năm 2020")
    issue(qt_plan, number="5/KH-UBND", date=dt.date(2020, 1, 15))  # after AS_OF

    hg_plan = make_plan(o["hg"], title="Dự thảo kế hoạch của tỉnh Hà Giang")
    make_task(hg_plan, o["hg"], title="Chưa ban hành", deadline="Năm 2020")  # a draft: never counted

    ttx_plan = make_plan(o["ttx"], title="Kế hoạch khác", source_number="01/NQ-CP")
    make_task(ttx_plan, o["ttx"], title="An toàn thông tin", deadline="Thường xuyên")  # never reports
    issue(ttx_plan, number="30/KH-TTX", date=dt.date(2019, 4, 1))

    stttt_plan = make_plan(o["nd_stttt"], title="Kế hoạch của Sở")
    make_task(stttt_plan, o["nd_stttt_cntt"], title="Hạ tầng", deadline="Năm 2020")
    issue(stttt_plan, number="70/KH-STTTT", date=dt.date(2019, 7, 1))
    return o


@pytest.fixture
def country(tree):
    return build_country(tree)


def _groups(result):
    return [(g.level, g.total, g.with_committee, g.with_plan, g.tasks, g.rate) for g in result.groups]


def test_national_rollup(country):
    result = rollup(province=None, as_of=AS_OF)
    assert _groups(result) == [
        ("ministry", 2, 1, 1, 2, Rate(1, 2)),
        ("government_agency", 1, 1, 1, 1, Rate(0, 1)),
        ("province", 3, 1, 1, 1, Rate(0, 0)),
    ]
    assert [o.name for o in result.groups[2].orgs] == [
        "Ủy ban nhân dân tỉnh Hà Giang",
        "Ủy ban nhân dân tỉnh Nam Định",
        "Ủy ban nhân dân tỉnh Quảng Trị",
    ]
    nd = result.groups[2].orgs[1]
    assert nd.committee == ("1200/QĐ-UBND", dt.date(2019, 5, 1))
    assert nd.plan == ("60/KH-UBND", dt.date(2019, 5, 20))
    assert result.rate == Rate(1, 3)
    assert result.summary == (
        "1/2 bộ, cơ quan ngang bộ, 100% cơ quan thuộc Chính phủ và 1/3 tỉnh, thành phố trực thuộc Trung ương "
        "đã thành lập Ban Chỉ đạo; 1/2 bộ, cơ quan ngang bộ, 100% cơ quan thuộc Chính phủ và 1/3 tỉnh, "
        "thành phố trực thuộc Trung ương đã ban hành kế hoạch."
    )


def test_rollup_moves_with_as_of_and_filters_by_source(country):
    later = rollup(province=None, as_of=dt.date(2020, 2, 1))
    # Bộ Tài chính's committee and Quảng Trị's plan now count; Quảng Trị's committee stays dissolved.
    assert [(g.with_committee, g.with_plan) for g in later.groups] == [(2, 1), (1, 1), (1, 2)]
    earlier = rollup(province=None, as_of=dt.date(2019, 1, 1))
    assert [(g.with_committee, g.with_plan, g.tasks) for g in earlier.groups] == [(1, 0, 0), (0, 0, 0), (0, 0, 0)]
    only_17 = rollup(province=None, as_of=AS_OF, source="17/nq-cp")
    assert [(g.with_plan, g.tasks) for g in only_17.groups] == [(1, 2), (0, 0), (1, 1)]
    assert only_17.plan_sentence == (
        "1/2 bộ, cơ quan ngang bộ, 0/1 cơ quan thuộc Chính phủ và 1/3 tỉnh, thành phố trực thuộc Trung ương "
        "đã ban hành kế hoạch"
    )


def test_provincial_rollup(country):
    result = rollup(province=country["nd"], as_of=AS_OF)
    assert _groups(result) == [
        ("department", 2, 1, 1, 1, Rate(0, 0)),
        ("district", 1, 0, 0, 0, Rate(0, 0)),
    ]
    assert result.summary == (
        "1/2 sở, ban, ngành và 0/1 huyện, thị xã, thành phố đã thành lập Ban Chỉ đạo; "
        "1/2 sở, ban, ngành và 0/1 huyện, thị xã, thành phố đã ban hành kế hoạch."
    )


def test_rollup_query_count_is_constant(country):
    with CaptureQueriesContext(connection) as small:
        rollup(province=None, as_of=AS_OF)
    for i in range(5):
        org = make_org(f"000.00.00.H{60 + i}", f"Ủy ban nhân dân tỉnh Thử {i}", "province")
        make_committee(org, number=f"{i + 1}/QĐ-UBND", date=dt.date(2019, 3, 1))
    with CaptureQueriesContext(connection) as big:
        result = rollup(province=None, as_of=AS_OF)
    assert result.groups[2].total == 8
    assert result.groups[2].with_committee == 6
    assert len(small.captured_queries) == len(big.captured_queries) == 4


def test_scope(country, people, actor_for):
    assert rollup_scope(actor=actor_for(people["sysadmin"])) is None
    assert rollup_scope(actor=actor_for(people["sysadmin"]), org_id=country["qt"].pk) == country["qt"]
    assert rollup_scope(actor=actor_for(people["nd_leader"])) == country["nd"]
    assert rollup_scope(actor=actor_for(people["qt_admin"])) == country["qt"]


# --- pages and permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["plans:rollup", "plans:rollup_xlsx"])
def test_rollup_permission_matrix(country, people, client, login, name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    # plans.view held only in a department, or not at all: no roll-up.
    assert login(people["nd_clerk"]).get(url).status_code == 403
    assert login(people["applicant"]).get(url).status_code == 403
    assert login(make_person("bvh.leader", country["bvh"], "leader")).get(url).status_code == 403
    # A province's people see their province, and not another one.
    assert login(people["nd_leader"]).get(url, {"as_of": "2019-12-31"}).status_code == 200
    assert login(people["qt_admin"]).get(url, {"org": country["nd"].pk}).status_code == 404
    assert login(people["sysadmin"]).get(url, {"as_of": "2019-12-31"}).status_code == 200
    assert login(people["sysadmin"]).get(url, {"org": country["bvh"].pk}).status_code == 404  # not a province


def test_rollup_page_national_and_provincial(country, people, login):
    html = login(people["sysadmin"]).get(reverse("plans:rollup"), {"as_of": "31/12/2019"}).content.decode()
    assert '<h1 class="govuk-heading-l">Toàn quốc</h1>' in html
    assert "1/2 bộ, cơ quan ngang bộ, 100% cơ quan thuộc Chính phủ và 1/3 tỉnh" in html
    assert f'data-org="{country["hg"].pk}"' in html
    assert f'data-org="{country["ht"].pk}"' not in html
    assert reverse("plans:rollup_xlsx") + "?as_of=31%2F12%2F2019" in html
    html = login(people["nd_leader"]).get(reverse("plans:rollup"), {"as_of": "2019-12-31"}).content.decode()
    assert "Ủy ban nhân dân tỉnh Nam Định</h1>" in html
    assert "1/2 sở, ban, ngành và 0/1 huyện, thị xã, thành phố đã thành lập Ban Chỉ đạo" in html
    assert "Quyết định 50/QĐ-STTTT ngày 01/06/2019" in html


@pytest.mark.parametrize("name", ["plans:rollup", "plans:rollup_xlsx"])
def test_rollup_bad_input_is_a_400_naming_the_field(country, people, login, name):
    client = login(people["sysadmin"])
    response = client.get(reverse(name), {"as_of": "hôm qua"})
    assert response.status_code == 400
    assert 'href="#id_as_of">Số liệu tính đến ngày: ' in response.content.decode()
    response = client.get(reverse(name), {"source": "x" * 51})
    assert response.status_code == 400
    assert 'href="#id_source">Văn bản được triển khai: ' in response.content.decode()
    response = client.get(reverse(name), {"org": "abc"})
    assert response.status_code == 400
    assert 'href="#id_org">Tỉnh, thành phố: ' in response.content.decode()
