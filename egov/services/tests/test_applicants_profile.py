"""The applicant's profile: seen and edited by its owner only; it prefills a dossier's form."""

import datetime as dt

import pytest

from egov.accounts.actor import Actor
from egov.accounts.models import User
from egov.accounts.tests.factories import make_person
from egov.audit.models import AuditEvent
from egov.core.errors import PermissionDenied
from egov.services.applicants.services import applicant_profile_update, applicant_register, prefill
from egov.services.models import ApplicantProfile

pytestmark = [pytest.mark.django_db, pytest.mark.urls("egov.services.tests.urls_applicants_test")]
URL = "/services/account/"
PASSWORD = "Sen-hồng-nở-2026"
HOA = {
    "kind": "citizen",
    "full_name": "Nguyễn Thị Hoa",
    "email": "hoa@example.test",
    "phone": "0912345678",
    "id_number": "036190001234",
    "birth_date": dt.date(1990, 5, 17),
    "address": "Xóm 3, xã Hải Hậu",
}


@pytest.fixture
def hoa(db):
    return applicant_register(actor=Actor(), values=HOA, password=PASSWORD)


@pytest.fixture
def business(db):
    return applicant_register(
        actor=Actor(),
        values={
            "kind": "business",
            "organisation_name": "Công ty TNHH Muối Hải Hậu",
            "representative": "Trần Văn Bình",
            "phone": "0356123456",
            "id_number": "0601234567",
            "address": "Thị trấn Yên Định",
        },
        password=PASSWORD,
    )


def form_values(**changes):
    values = {
        "full_name": "Nguyễn Thị Hoa",
        "email": "hoa@example.test",
        "phone": "0912345678",
        "id_number": "036190001234",
        "birth_date": "1990-05-17",
        "address": "Xóm 3, xã Hải Hậu",
        "current_password": "",
    }
    values.update(changes)
    return values


def test_the_profile_shows_the_account(login, hoa):
    response = login(hoa).get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert (form["full_name"].value(), form["phone"].value(), form["id_number"].value()) == (
        "Nguyễn Thị Hoa",
        "0912345678",
        "036190001234",
    )
    assert "organisation_name" not in form.fields
    assert hoa.username in response.content.decode()


def test_editing_the_details_needs_no_password(login, hoa):
    client = login(hoa)
    response = client.post(URL, form_values(full_name="Nguyễn Thị Hoa Mai", address="Số 5, xã Hải Hậu"))
    assert (response.status_code, response["Location"]) == (302, URL)
    hoa.refresh_from_db()
    assert (hoa.full_name, hoa.applicant_profile.address) == ("Nguyễn Thị Hoa Mai", "Số 5, xã Hải Hậu")
    event = AuditEvent.objects.filter(action="applicant.profile_update").get()
    assert (event.actor_id, event.before, event.after) == (hoa.pk, {}, {"changed": ["full_name", "address"]})


def test_changing_the_phone_asks_for_the_password(login, hoa):
    client = login(hoa)
    refused = client.post(URL, form_values(phone="0987 654 321", current_password="sai"))
    assert refused.status_code == 400
    assert refused.context["form"].errors == {
        "current_password": ["Nhập đúng mật khẩu hiện tại để đổi thư điện tử hoặc số điện thoại đăng nhập."]
    }
    assert User.objects.get(pk=hoa.pk).phone == "0912345678"
    assert not AuditEvent.objects.filter(action="applicant.profile_update").exists()
    accepted = client.post(URL, form_values(phone="+84 987 654 321", current_password=PASSWORD))
    assert accepted.status_code == 302
    assert User.objects.get(pk=hoa.pk).phone == "0987654321"
    event = AuditEvent.objects.filter(action="applicant.profile_update").get()
    assert (event.before, event.after) == ({"phone": "0912345678"}, {"changed": ["phone"], "phone": "0987654321"})


def test_a_phone_taken_by_another_applicant_is_refused(login, hoa, business):
    response = login(hoa).post(URL, form_values(phone="0356123456", current_password=PASSWORD))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "phone": ["Số điện thoại này đã được dùng cho một tài khoản khác. Hãy đăng nhập."]
    }
    assert User.objects.get(pk=hoa.pk).phone == "0912345678"


def test_removing_both_identifiers_is_refused(login, hoa):
    response = login(hoa).post(URL, form_values(email="", phone="", current_password=PASSWORD))
    assert response.context["form"].errors == {
        "email": ["Nhập thư điện tử hoặc số điện thoại (ít nhất một) để đăng nhập."]
    }
    assert (User.objects.get(pk=hoa.pk).email, User.objects.get(pk=hoa.pk).phone) == ("hoa@example.test", "0912345678")


def test_a_business_edits_its_name_and_representative(login, business):
    client = login(business)
    form = client.get(URL).context["form"]
    assert sorted(form.fields) == [
        "address",
        "current_password",
        "email",
        "id_number",
        "organisation_name",
        "phone",
        "representative",
    ]
    response = client.post(
        URL,
        {
            "organisation_name": "Công ty cổ phần Muối Hải Hậu",
            "representative": "Trần Thị Cúc",
            "email": "",
            "phone": "0356123456",
            "id_number": "0601234567-002",
            "address": "Thị trấn Yên Định",
        },
    )
    assert response.status_code == 302
    profile = ApplicantProfile.objects.get(user=business)
    assert (profile.organisation_name, profile.representative, profile.id_number) == (
        "Công ty cổ phần Muối Hải Hậu",
        "Trần Thị Cúc",
        "0601234567002",
    )
    assert User.objects.get(pk=business.pk).full_name == "Trần Thị Cúc"


def test_anonymous_is_sent_to_sign_in_and_an_official_is_refused(client, login):
    assert client.get(URL)["Location"] == "/login/?next=/services/account/"
    official = make_person("canbo", None, None)
    response = login(official).post(URL, form_values())
    assert response.status_code == 403
    assert not ApplicantProfile.objects.exists()


def test_only_the_owner_may_update_a_profile(hoa, business):
    with pytest.raises(PermissionDenied):
        applicant_profile_update(actor=Actor(user=business), user=hoa, values=form_values())
    assert User.objects.get(pk=hoa.pk).full_name == "Nguyễn Thị Hoa"


def test_prefill_gives_the_dossier_form_its_applicant_fields(hoa, business):
    assert prefill(hoa) == {
        "applicant_name": "Nguyễn Thị Hoa",
        "applicant_id_number": "036190001234",
        "applicant_phone": "0912345678",
        "applicant_email": "hoa@example.test",
        "applicant_address": "Xóm 3, xã Hải Hậu",
    }
    assert prefill(business) == {
        "applicant_name": "Công ty TNHH Muối Hải Hậu",
        "applicant_id_number": "0601234567",
        "applicant_phone": "0356123456",
        "applicant_email": "",
        "applicant_address": "Thị trấn Yên Định",
    }


def test_prefill_of_an_account_without_a_profile_uses_the_account(db):
    user = make_person("congdan", None, "applicant", kind="applicant")
    assert prefill(user) == {
        "applicant_name": "Người dùng congdan",
        "applicant_id_number": "",
        "applicant_phone": "",
        "applicant_email": "congdan@example.test",
        "applicant_address": "",
    }
