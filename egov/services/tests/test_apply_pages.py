"""Applying online page by page: choose, fill in, upload, check, submit — with every wrong turn answered."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.accounts.actor import Actor
from egov.services.dossiers import drafts
from egov.services.models import ApplicationDraft, Dossier, DossierState, DraftFile
from egov.services.tests.helpers import pdf_bytes

pytestmark = pytest.mark.django_db


def pdf(name="giay.pdf", data=None):
    return SimpleUploadedFile(name, data or pdf_bytes(), content_type="application/pdf")


def start(client, agency, version):
    client.force_login(agency.applicant)
    response = client.get(f"/services/apply/{version.procedure.code}/")
    assert response.status_code == 302
    return ApplicationDraft.objects.get(applicant=agency.applicant)


def fill(client, agency, draft):
    base = f"/services/apply/d/{draft.pk}"
    assert client.post(f"{base}/agency/", {"agency": agency.org.pk})["Location"] == f"{base}/applicant/"
    response = client.post(
        f"{base}/applicant/",
        {"applicant_name": "Nguyễn Thị Hoa", "applicant_phone": "0912345678", "result_delivery": "online"},
    )
    assert response["Location"] == f"{base}/form/1/"
    response = client.post(f"{base}/form/1/", {"child_name": "Trần Minh An", "birth_date": "2026-11-02"})
    assert response["Location"] == f"{base}/papers/"
    for key in ("to-khai", "giay-chung-sinh"):
        assert (
            client.post(f"{base}/papers/", {"requirement": key, f"{key}-requirement": key, f"{key}-file": pdf()})[
                "Location"
            ]
            == f"{base}/papers/"
        )
    assert client.post(f"{base}/papers/", {"continue": "1"})["Location"] == f"{base}/check/"
    return base


def test_the_whole_application_then_the_confirmation(client, agency, version):
    draft = start(client, agency, version)
    assert draft.applicant_values["applicant_name"] == agency.applicant.full_name  # prefilled from the account
    base = fill(client, agency, draft)
    check = client.get(f"{base}/check/")
    assert check.status_code == 200
    page = check.content.decode()
    assert "Trần Minh An" in page and "Ủy ban nhân dân xã Hải Hậu" in page
    response = client.post(f"{base}/check/")
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/services/apply/done/{dossier.pk}/"
    assert (dossier.state, dossier.applicant, dossier.form_data, dossier.files.count()) == (
        DossierState.SUBMITTED,
        agency.applicant,
        {"child_name": "Trần Minh An", "birth_date": "2026-11-02"},
        2,
    )
    assert (ApplicationDraft.objects.count(), DraftFile.objects.count()) == (0, 0)
    done = client.get(response["Location"])
    assert dossier.code in done.content.decode() and dossier.lookup_secret in done.content.decode()


def test_submitting_the_same_draft_twice_gives_one_dossier(agency, version):
    actor = Actor(user=agency.applicant)
    draft = drafts.draft_start(actor=actor, version=version)
    drafts.draft_set_agency(actor=actor, draft=draft, agency_id=agency.org.pk)
    drafts.draft_set_applicant(
        actor=actor, draft=draft, values={"applicant_name": "Nguyễn Thị Hoa", "result_delivery": "online"}
    )
    drafts.draft_set_answers(actor=actor, draft=draft, answers={"child_name": "An", "birth_date": "2026-11-02"})
    from egov.services.dossiers.uploads import Upload

    for key in ("to-khai", "giay-chung-sinh"):
        drafts.draft_attach(actor=actor, draft=draft, upload=Upload(key, f"{key}.pdf", "application/pdf", pdf_bytes()))
    first = drafts.draft_submit(actor=actor, draft=draft)
    again = drafts.draft_submit(actor=actor, draft=draft)  # the second click, with the draft it still held
    assert (again.pk, Dossier.objects.count()) == (first.pk, 1)


def test_wrong_answers_are_shown_on_their_page(client, agency, version):
    draft = start(client, agency, version)
    base = f"/services/apply/d/{draft.pk}"
    response = client.post(f"{base}/agency/", {"agency": ""})
    assert (response.status_code, list(response.context["form"].errors)) == (422, ["agency"])
    response = client.post(f"{base}/form/1/", {"child_name": "", "birth_date": "31/02/2026"})
    assert response.status_code == 422
    assert sorted(response.context["form"].errors) == ["birth_date", "child_name"]
    draft.refresh_from_db()
    assert draft.answers == {}


def test_a_wrong_paper_is_refused_when_uploaded(client, agency, version):
    draft = start(client, agency, version)
    base = f"/services/apply/d/{draft.pk}"
    exe = SimpleUploadedFile("chung-sinh.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    response = client.post(
        f"{base}/papers/",
        {"requirement": "giay-chung-sinh", "giay-chung-sinh-requirement": "x", "giay-chung-sinh-file": exe},
    )
    assert response.status_code == 422
    row = next(r for r in response.context["rows"] if r["requirement"].key == "giay-chung-sinh")
    assert row["form"].errors == {"file": ["Chỉ nhận tệp JPEG, PDF, PNG."]}
    assert DraftFile.objects.count() == 0


def test_submitting_without_a_paper_lists_what_is_missing(client, agency, version):
    draft = start(client, agency, version)
    base = fill(client, agency, draft)
    client.post(f"{base}/papers/", {"requirement": "giay-chung-sinh", "remove": "1"})
    response = client.post(f"{base}/check/")
    assert response.status_code == 422
    assert response.context["errors"] == {"files.giay-chung-sinh": ["Thiếu “Giấy chứng sinh”."]}
    assert Dossier.objects.count() == 0 and ApplicationDraft.objects.count() == 1


def test_staff_cannot_apply_and_others_cannot_see_a_draft(client, agency, version):
    from egov.accounts.tests.factories import make_person

    client.force_login(agency.officer)
    response = client.get(f"/services/apply/{version.procedure.code}/")
    assert response.status_code == 403
    draft = start(client, agency, version)
    client.force_login(make_person("congdankhac", None, "applicant", kind="applicant"))
    for url in ("agency/", "applicant/", "form/1/", "papers/", "check/"):
        assert client.get(f"/services/apply/d/{draft.pk}/{url}").status_code == 404
    assert client.get("/services/apply/9.999999/").status_code == 404


def test_signing_in_comes_first(client, version):
    response = client.get(f"/services/apply/{version.procedure.code}/")
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/login/")


def test_a_draft_left_half_way_is_listed_to_continue(client, agency, version):
    draft = start(client, agency, version)
    page = client.get("/services/my/")
    assert [d.pk for d in page.context["drafts"]] == [draft.pk]
    assert f'href="/services/apply/d/{draft.pk}/agency/"' in page.content.decode()
