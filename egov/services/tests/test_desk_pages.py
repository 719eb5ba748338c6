"""The back office: the queue by due date, the dossier page and its actions, for the right people only."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from freezegun import freeze_time

from egov.accounts.actor import Actor
from egov.services.dossiers import processing as p
from egov.services.models import Dossier, DossierState
from egov.services.tests.helpers import pdf_bytes, submit

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()
S = DossierState


def local(*args):
    return dt.datetime(*args, tzinfo=TZ)


@pytest.fixture
def dossier(agency, version):
    with freeze_time(local(2026, 11, 23, 10, 0)):
        return submit(agency, version)


def as_user(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "queue", "page"),
    [("applicant", 404, 404), ("other_officer", 200, 404), ("officer", 200, 200), ("leader", 200, 200)],
)
def test_who_sees_the_desk(client, agency, dossier, who, queue, page):
    as_user(client, getattr(agency, who))
    assert client.get("/services/desk/").status_code == queue
    assert client.get(f"/services/desk/{dossier.pk}/").status_code == page


def test_anonymous_is_sent_to_sign_in(client, dossier):
    response = client.get(f"/services/desk/{dossier.pk}/")
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/login/")


def test_queue_lists_own_agency_by_due_date_with_constant_queries(
    client, agency, version, django_assert_max_num_queries
):
    with freeze_time(local(2026, 11, 23, 10, 0)):
        late = p.dossier_accept(actor=Actor(user=agency.officer), dossier=submit(agency, version))
    with freeze_time(local(2026, 11, 25, 10, 0)):
        soon = submit(agency, version)
    for _ in range(3):
        submit(agency, version)
    with freeze_time(local(2026, 11, 30, 8, 0)):
        as_user(client, agency.officer)
        with django_assert_max_num_queries(12):
            response = client.get("/services/desk/")
        codes = [d.code for d in response.context["page"]]
        assert codes[0] == late.code and soon.code in codes and len(codes) == 5
        assert response.context["page"][0].timeliness == "overdue"
        first_row = response.content.decode().split('<tbody class="govuk-table__body">')[1].split("</tr>")[0]
        assert (late.code in first_row, "Đang xử lý" in first_row, "17:00 27/11/2026" in first_row) == (True,) * 3
        assert f'href="/services/desk/{late.pk}/"' in first_row and "Quá hạn" in first_row
        overdue = client.get("/services/desk/?overdue=on")
        assert [d.code for d in overdue.context["page"]] == [late.code]
    assert as_user(client, agency.other_officer).get("/services/desk/").context["page"].paginator.count == 0


def test_accept_then_resolve_then_return_through_the_page(client, agency, dossier):
    as_user(client, agency.officer)
    response = client.post(f"/services/desk/{dossier.pk}/accept/", {"accept-assignee": agency.specialist.pk})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.state, dossier.steps.get(finished_at__isnull=True).assignee) == (S.PROCESSING, agency.specialist)
    receipt = client.get(f"/services/desk/{dossier.pk}/forms/receipt.pdf")
    assert (receipt.status_code, receipt["Content-Type"], receipt.content[:5]) == (200, "application/pdf", b"%PDF-")
    as_user(client, agency.leader)
    upload = SimpleUploadedFile("ket-qua.pdf", pdf_bytes("Giấy khai sinh"), content_type="application/pdf")
    assert client.post(f"/services/desk/{dossier.pk}/resolve/", {"resolve-result": upload}).status_code == 302
    as_user(client, agency.officer)
    assert client.post(f"/services/desk/{dossier.pk}/return/").status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == S.RETURNED
    result = dossier.files.get(kind="result")
    download = client.get(f"/services/desk/{dossier.pk}/files/{result.pk}/")
    assert (download.status_code, b"".join(download.streaming_content)[:5]) == (200, b"%PDF-")


def test_a_refused_action_shows_why_and_changes_nothing(client, agency, dossier):
    as_user(client, agency.officer)
    response = client.post(f"/services/desk/{dossier.pk}/resolve/", {})
    assert response.status_code == 403
    response = client.post(f"/services/desk/{dossier.pk}/refuse/", {"refuse-reason": ""})
    assert response.status_code == 422
    assert response.context["refuse_form"].errors == {"reason": ["Trường này là bắt buộc."]}
    response = client.post(f"/services/desk/{dossier.pk}/return/")
    assert (response.status_code, response.context["page_error"]) == (409, "Hồ sơ chưa có kết quả được phê duyệt.")
    assert Dossier.objects.get(pk=dossier.pk).state == S.SUBMITTED


def test_supplement_request_past_the_window_is_refused_on_the_page(client, agency, dossier):
    p.dossier_accept(actor=Actor(user=agency.officer), dossier=dossier)
    with freeze_time(local(2026, 12, 1, 9, 0)):
        as_user(client, agency.officer)
        response = client.post(
            f"/services/desk/{dossier.pk}/supplement/",
            {"supplement-name": "Tờ khai", "supplement-reason": "Thiếu chữ ký"},
        )
    assert response.status_code == 409
    assert response.context["supplement_form"].errors == {
        "__all__": [
            "Đã quá 3 ngày làm việc kể từ khi tiếp nhận: không còn được yêu cầu bổ sung hồ sơ "
            "(Nghị định 118/2025/NĐ-CP)."
        ]
    }
    assert Dossier.objects.get(pk=dossier.pk).state == S.PROCESSING


def test_actions_need_post(client, agency, dossier):
    as_user(client, agency.officer)
    assert client.get(f"/services/desk/{dossier.pk}/accept/").status_code == 405
