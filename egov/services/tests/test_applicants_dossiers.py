"""Hồ sơ của tôi: the applicant's own dossiers only, their timeline and papers, withdrawing and supplementing."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from egov.accounts.actor import Actor
from egov.accounts.tests.factories import make_person
from egov.services.applicants import views
from egov.services.dossiers import processing as p
from egov.services.dossiers.uploads import Upload
from egov.services.models import Dossier, DossierEvent, DossierFile, DossierState
from egov.services.tests.helpers import pdf_bytes, submit

pytestmark = [pytest.mark.django_db, pytest.mark.urls("egov.services.tests.urls_applicants_test")]
TZ = timezone.get_default_timezone()
S = DossierState


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@pytest.fixture
def other(db):
    return make_person("congdankhac", None, "applicant", kind="applicant")


@pytest.fixture
def dossier(agency, version):
    with freeze_time(local(2026, 11, 23, 10, 0)):
        dossier = submit(agency, version)
    with freeze_time(local(2026, 11, 23, 10, 30)):
        return p.dossier_accept(actor=Actor(user=agency.officer), dossier=dossier, assignee=agency.specialist)


@pytest.fixture
def theirs(agency, version, other):
    with freeze_time(local(2026, 11, 23, 11, 0)):
        return submit(agency, version, actor=Actor(user=other))


@pytest.fixture
def in_supplement(agency, version):
    with freeze_time(local(2026, 11, 24, 9, 0)):
        dossier = submit(agency, version)
        return p.dossier_request_supplement(
            actor=Actor(user=agency.officer),
            dossier=dossier,
            items=[{"name": "Giấy chứng sinh", "reason": "Bản chụp mờ, không đọc được"}],
        )


def resolve(agency, dossier):
    with freeze_time(local(2026, 11, 25, 9, 0)):
        p.dossier_hand_over(actor=Actor(user=agency.specialist), dossier=dossier, assignee=agency.leader)
        result = Upload("", "giay-khai-sinh.pdf", "application/pdf", pdf_bytes("Giấy khai sinh"))
        return p.dossier_resolve(actor=Actor(user=agency.leader), dossier=dossier, result=result)


def state_of(dossier) -> tuple:
    row = Dossier.objects.get(pk=dossier.pk)
    return (
        row.state,
        DossierEvent.objects.filter(dossier=dossier).count(),
        DossierFile.objects.filter(dossier=dossier).count(),
    )


# --- the list ----------------------------------------------------------------------------------------------
def test_the_list_shows_only_my_dossiers_newest_first(login, agency, dossier, theirs, in_supplement):
    response = login(agency.applicant).get("/services/my/")
    assert response.status_code == 200
    rows = [(d.code, d.version.name, d.agency.name, d.get_state_display(), d.tag) for d in response.context["page_obj"]]
    assert rows == [
        (
            in_supplement.code,
            "Thủ tục đăng ký khai sinh",
            "Ủy ban nhân dân xã Hải Hậu",
            "Yêu cầu bổ sung giấy tờ",
            "yellow",
        ),
        (dossier.code, "Thủ tục đăng ký khai sinh", "Ủy ban nhân dân xã Hải Hậu", "Đang xử lý", "light-blue"),
    ]
    page = response.content.decode()
    assert theirs.code not in page
    assert '<strong class="govuk-tag govuk-tag--light-blue">Đang xử lý</strong>' in page
    assert "17:00 27/11/2026" in page  # the due date


def test_someone_without_dossiers_is_told_so(login, other):
    response = login(other).get("/services/my/")
    assert 'id="no-dossiers"' in response.content.decode()


def test_the_list_is_paginated(login, agency, dossier, in_supplement, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 1)
    client = login(agency.applicant)
    first = client.get("/services/my/").context["page_obj"]
    second = client.get("/services/my/?page=2").context["page_obj"]
    assert ([d.code for d in first], [d.code for d in second]) == ([in_supplement.code], [dossier.code])
    assert first.paginator.num_pages == 2


def test_the_list_takes_as_many_queries_for_many_dossiers_as_for_one(login, agency, version):
    client = login(agency.applicant)
    with freeze_time(local(2026, 11, 23, 10, 0)):
        submit(agency, version)
    with CaptureQueriesContext(connection) as one:
        client.get("/services/my/")
    with freeze_time(local(2026, 11, 23, 10, 5)):
        for _ in range(3):
            submit(agency, version)
    with CaptureQueriesContext(connection) as four:
        response = client.get("/services/my/")
    assert len(response.context["page_obj"]) == 4
    assert len(four) == len(one)


def test_anonymous_is_sent_to_sign_in(client, dossier):
    for url in ("/services/my/", f"/services/my/{dossier.pk}/"):
        assert client.get(url)["Location"] == f"/login/?next={url}"


# --- one dossier ---------------------------------------------------------------------------------------------
def test_the_dossier_page_shows_its_timeline_and_papers(login, agency, dossier):
    response = login(agency.applicant).get(f"/services/my/{dossier.pk}/")
    assert response.status_code == 200
    events = [(e.label, e.agency, e.who) for e in response.context["events"]]
    assert events == [
        ("Mới đăng ký", "Ủy ban nhân dân xã Hải Hậu", "Bạn"),
        ("Đã tiếp nhận", "Ủy ban nhân dân xã Hải Hậu", "Người dùng motcua"),
        ("Đang xử lý", "Ủy ban nhân dân xã Hải Hậu", "Người dùng motcua"),
    ]
    papers = response.context["papers"]
    assert sorted(f.original_name for f in papers["submitted"]) == ["chung-sinh.pdf", "to-khai.pdf"]
    assert papers["result"] == []
    page = response.content.decode()
    assert dossier.lookup_secret in page
    assert 'id="withdraw"' in page and 'id="supplement"' not in page


def test_the_result_can_be_downloaded_once_approved(login, agency, dossier):
    client = login(agency.applicant)
    resolved = resolve(agency, dossier)
    result = DossierFile.objects.get(dossier=resolved, kind="result")
    response = client.get(f"/services/my/{dossier.pk}/")
    assert [f.pk for f in response.context["papers"]["result"]] == [result.pk]
    assert 'id="withdraw"' not in response.content.decode()
    download = client.get(f"/services/my/{dossier.pk}/files/{result.pk}/")
    assert download.status_code == 200
    assert (download["Content-Type"], download["Content-Disposition"], download["Cache-Control"]) == (
        "application/pdf",
        'attachment; filename="giay-khai-sinh.pdf"',
        "private, no-store",
    )
    assert b"".join(download.streaming_content) == pdf_bytes("Giấy khai sinh")


def test_a_result_is_not_served_before_approval(login, agency, dossier):
    row = DossierFile.objects.filter(dossier=dossier).first()
    DossierFile.objects.filter(pk=row.pk).update(kind="result")
    assert login(agency.applicant).get(f"/services/my/{dossier.pk}/files/{row.pk}/").status_code == 404


def test_my_own_paper_downloads_as_an_attachment(login, agency, dossier):
    row = DossierFile.objects.get(dossier=dossier, requirement="to-khai")
    response = login(agency.applicant).get(f"/services/my/{dossier.pk}/files/{row.pk}/")
    assert (response.status_code, response["Content-Disposition"]) == (200, 'attachment; filename="to-khai.pdf"')


@pytest.mark.parametrize("who", ["other", "officer", "specialist"])
def test_someone_elses_dossier_and_files_are_not_found(request, login, agency, dossier, who):
    user = request.getfixturevalue("other") if who == "other" else getattr(agency, who)
    client = login(user)
    row = DossierFile.objects.filter(dossier=dossier).first()
    assert client.get(f"/services/my/{dossier.pk}/").status_code == 404
    assert client.get(f"/services/my/{dossier.pk}/files/{row.pk}/").status_code == 404
    assert client.get("/services/my/").context["page_obj"].paginator.count == 0


def test_a_file_is_found_only_under_its_own_dossier(login, agency, dossier, in_supplement):
    row = DossierFile.objects.filter(dossier=dossier).first()
    assert login(agency.applicant).get(f"/services/my/{in_supplement.pk}/files/{row.pk}/").status_code == 404


# --- withdrawing -----------------------------------------------------------------------------------------------
def test_withdrawing_with_a_reason(login, agency, dossier):
    client = login(agency.applicant)
    response = client.post(f"/services/my/{dossier.pk}/withdraw/", {"reason": "  Đã nộp nhầm   thủ tục "})
    assert (response.status_code, response["Location"]) == (302, f"/services/my/{dossier.pk}/")
    event = DossierEvent.objects.filter(dossier=dossier).order_by("-pk").first()
    assert (Dossier.objects.get(pk=dossier.pk).state, event.kind, event.note, event.actor_id) == (
        S.WITHDRAWN,
        "state.withdrawn",
        "Đã nộp nhầm thủ tục",
        agency.applicant.pk,
    )
    assert "Đã rút hồ sơ" in client.get(response["Location"]).content.decode()


def test_withdrawing_without_a_reason_changes_nothing(login, agency, dossier):
    before = state_of(dossier)
    response = login(agency.applicant).post(f"/services/my/{dossier.pk}/withdraw/", {"reason": "   "})
    assert response.status_code == 400
    assert response.context["withdraw_form"].errors == {"reason": ["Hãy nêu lý do rút hồ sơ."]}
    assert 'href="#id_reason"' in response.content.decode()
    assert state_of(dossier) == before


def test_a_resolved_dossier_cannot_be_withdrawn(login, agency, dossier):
    resolve(agency, dossier)
    before = state_of(dossier)
    response = login(agency.applicant).post(f"/services/my/{dossier.pk}/withdraw/", {"reason": "Không cần nữa"})
    assert response.status_code == 409
    assert response.context["withdraw_form"].non_field_errors() == [
        "Hồ sơ đang ở trạng thái “Đã xử lý xong”, không thể chuyển sang “Công dân rút hồ sơ”."
    ]
    assert state_of(dossier) == before


def test_no_one_else_withdraws_my_dossier(login, other, dossier):
    before = state_of(dossier)
    assert login(other).post(f"/services/my/{dossier.pk}/withdraw/", {"reason": "x"}).status_code == 404
    assert state_of(dossier) == before


def test_withdrawing_needs_a_post(login, agency, dossier):
    assert login(agency.applicant).get(f"/services/my/{dossier.pk}/withdraw/").status_code == 405


# --- supplementing -------------------------------------------------------------------------------------------
def _pdf(name="chung-sinh-ro.pdf", text="Rõ"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def test_the_supplement_form_lists_what_was_asked_and_one_input_per_paper(login, agency, in_supplement):
    response = login(agency.applicant).get(f"/services/my/{in_supplement.pk}/")
    assert response.context["supplement_items"] == [
        {"name": "Giấy chứng sinh", "reason": "Bản chụp mờ, không đọc được"}
    ]
    assert [(name, f.label) for name, f in response.context["supplement_form"].fields.items()] == [
        ("paper_to-khai", "Tờ khai đăng ký khai sinh"),
        ("paper_giay-chung-sinh", "Giấy chứng sinh"),
    ]
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page and 'type="file" name="paper_giay-chung-sinh"' in page


def test_supplementing_through_the_page(login, agency, in_supplement):
    client = login(agency.applicant)
    response = client.post(f"/services/my/{in_supplement.pk}/supplement/", {"paper_giay-chung-sinh": _pdf()})
    assert (response.status_code, response["Location"]) == (302, f"/services/my/{in_supplement.pk}/")
    assert Dossier.objects.get(pk=in_supplement.pk).state == S.SUBMITTED
    added = DossierFile.objects.filter(dossier=in_supplement).order_by("-pk").first()
    assert (added.requirement, added.original_name, added.content_type, added.uploaded_by_id) == (
        "giay-chung-sinh",
        "chung-sinh-ro.pdf",
        "application/pdf",
        agency.applicant.pk,
    )


def test_a_file_of_the_wrong_type_is_refused_and_nothing_changes(login, agency, in_supplement):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = state_of(in_supplement)
    fake = SimpleUploadedFile("chung-sinh.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = login(agency.applicant).post(
        f"/services/my/{in_supplement.pk}/supplement/", {"paper_giay-chung-sinh": fake}
    )
    assert response.status_code == 422
    assert response.context["supplement_form"].errors == {"paper_giay-chung-sinh": ["Chỉ nhận tệp JPEG, PDF, PNG."]}
    assert 'href="#id_paper_giay-chung-sinh"' in response.content.decode()
    assert state_of(in_supplement) == before


def test_sending_no_file_is_refused(login, agency, in_supplement):
    before = state_of(in_supplement)
    response = login(agency.applicant).post(f"/services/my/{in_supplement.pk}/supplement/", {})
    assert response.status_code == 422
    assert response.context["supplement_form"].errors == {
        "paper_to-khai": ["Hãy gửi giấy tờ hoặc nội dung cần bổ sung."]
    }
    assert state_of(in_supplement) == before


def test_a_dossier_not_waiting_for_papers_takes_none(login, agency, dossier):
    before = state_of(dossier)
    response = login(agency.applicant).post(f"/services/my/{dossier.pk}/supplement/", {"paper_to-khai": _pdf()})
    assert response.status_code == 409
    assert response.context["supplement_form"].non_field_errors() == ["Hồ sơ không ở trạng thái chờ bổ sung."]
    assert state_of(dossier) == before


def test_no_one_else_supplements_my_dossier(login, other, in_supplement):
    before = state_of(in_supplement)
    response = login(other).post(f"/services/my/{in_supplement.pk}/supplement/", {"paper_to-khai": _pdf()})
    assert response.status_code == 404
    assert state_of(in_supplement) == before
