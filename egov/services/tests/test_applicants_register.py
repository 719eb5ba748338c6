"""Registering as a citizen or a business: one account, its role and profile, audited; every bad input named."""

import datetime as dt

import pytest
from django.test import override_settings

from egov.accounts.models import RoleAssignment, User
from egov.accounts.tests.factories import make_person
from egov.audit.models import AuditEvent
from egov.services.applicants.views import limiter
from egov.services.models import ApplicantProfile

pytestmark = [pytest.mark.django_db, pytest.mark.urls("egov.services.tests.urls_applicants_test")]
URL = "/services/account/register/"
PASSWORD = "Sen-hồng-nở-2026"
CITIZEN = {
    "kind": "citizen",
    "full_name": "  Nguyễn   Thị Hoa ",
    "email": "Hoa.Nguyen@Example.TEST",
    "phone": "+84 912 345 678",
    "id_number": "036190001234",
    "birth_date": "1990-05-17",
    "address": "Xóm 3, xã Hải Hậu, tỉnh Nam Định",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
}
BUSINESS = {
    "kind": "business",
    "organisation_name": "Công ty TNHH Muối Hải Hậu",
    "representative": "Trần Văn Bình",
    "email": "",
    "phone": "0356 123 456",
    "id_number": "0601234567-001",
    "birth_date": "",
    "address": "Thị trấn Yên Định, tỉnh Nam Định",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
}


@pytest.fixture(autouse=True)
def fresh_limiter():
    limiter.reset()
    yield
    limiter.reset()


def counts():
    return (
        User.objects.count(),
        ApplicantProfile.objects.count(),
        RoleAssignment.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_citizen_registers_and_is_signed_in(client):
    response = client.post(URL, CITIZEN)
    assert (response.status_code, response["Location"]) == (302, "/services/my/")
    user = User.objects.get()
    assert int(client.session["_auth_user_id"]) == user.pk
    assert (user.username[:3], len(user.username)) == ("cd-", 13)
    assert (user.full_name, user.email, user.phone, user.kind, user.is_active) == (
        "Nguyễn Thị Hoa",
        "hoa.nguyen@example.test",
        "0912345678",
        "applicant",
        True,
    )
    assert user.check_password(PASSWORD)
    assert list(RoleAssignment.objects.values_list("user", "role", "organisation")) == [(user.pk, "applicant", None)]
    profile = ApplicantProfile.objects.get()
    assert (profile.user, profile.kind, profile.id_number, profile.birth_date, profile.address) == (
        user,
        "citizen",
        "036190001234",
        dt.date(1990, 5, 17),
        "Xóm 3, xã Hải Hậu, tỉnh Nam Định",
    )
    assert (profile.organisation_name, profile.representative) == ("", "")
    events = list(AuditEvent.objects.order_by("seq").values_list("action", "actor_id", "object_id", "after"))
    assert events == [
        ("role.assign", None, str(user.pk), {"role": "applicant", "organisation": None}),
        (
            "applicant.register",
            user.pk,
            str(user.pk),
            {"username": user.username, "kind": "citizen", "email": "hoa.nguyen@example.test", "phone": "0912345678"},
        ),
        ("auth.login", user.pk, str(user.pk), {"two_factor": False}),
    ]
    page = client.get("/services/my/").content.decode()
    assert "Đã tạo tài khoản." in page


def test_a_business_registers_with_its_name_and_representative(client):
    assert client.post(URL, BUSINESS).status_code == 302
    user = User.objects.get()
    profile = user.applicant_profile
    assert (user.username[:3], user.full_name, user.email, user.phone) == ("dn-", "Trần Văn Bình", "", "0356123456")
    assert (profile.kind, profile.organisation_name, profile.representative, profile.id_number, profile.birth_date) == (
        "business",
        "Công ty TNHH Muối Hải Hậu",
        "Trần Văn Bình",
        "0601234567001",
        None,
    )


def test_the_page_is_labelled_for_autofill_and_accessible(client):
    page = client.get(URL).content.decode()
    for attribute in (
        'autocomplete="name"',
        'autocomplete="organization"',
        'autocomplete="email"',
        'autocomplete="tel"',
        'autocomplete="bday"',
        'autocomplete="street-address"',
        'autocomplete="new-password"',
    ):
        assert attribute in page
    assert '<label class="govuk-label govuk-label--s" for="id_phone">' in page
    assert 'href="/login/?next=/services/my/"' in page


def test_someone_signed_in_is_sent_to_their_dossiers(client):
    client.post(URL, CITIZEN)
    response = client.get(URL)
    assert (response.status_code, response["Location"]) == (302, "/services/my/")


def _existing_applicant():
    user = make_person("dacodon", None, "applicant", kind="applicant", email="hoa.nguyen@example.test")
    User.objects.filter(pk=user.pk).update(phone="0912345678")


TOO_SHORT = "This password is too short. It must contain at least 10 characters."


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"email": "", "phone": ""},
            {"email": ["Nhập thư điện tử hoặc số điện thoại (ít nhất một) để đăng nhập."]},
        ),
        (
            {"email": "HOA.NGUYEN@example.test", "phone": ""},
            {"email": ["Thư điện tử này đã được dùng cho một tài khoản khác. Hãy đăng nhập hoặc lấy lại mật khẩu."]},
        ),
        (
            {"email": "", "phone": "0912.345.678"},
            {"phone": ["Số điện thoại này đã được dùng cho một tài khoản khác. Hãy đăng nhập."]},
        ),
        (
            {"email": "hoa@", "phone": "12345"},
            {
                "email": ["Địa chỉ thư điện tử không hợp lệ, ví dụ: ten@example.com."],
                "phone": ["Số điện thoại di động không hợp lệ: 10 chữ số bắt đầu bằng 0, ví dụ 0912 345 678."],
            },
        ),
        ({"id_number": "03619000123"}, {"id_number": ["Số định danh cá nhân gồm đúng 12 chữ số."]}),
        ({"id_number": ""}, {"id_number": ["Trường này là bắt buộc."]}),
        (
            {"kind": "business", "organisation_name": "Công ty A", "representative": "B", "id_number": "036190001234"},
            {"id_number": ["Mã số doanh nghiệp gồm 10 chữ số, hoặc 13 chữ số với đơn vị phụ thuộc."]},
        ),
        (
            {"kind": "business", "representative": "", "id_number": "0601234567"},
            {
                "organisation_name": ["Trường này là bắt buộc."],
                "representative": ["Trường này là bắt buộc."],
            },
        ),
        ({"full_name": " "}, {"full_name": ["Trường này là bắt buộc."]}),
        ({"birth_date": "2999-01-01"}, {"birth_date": ["Ngày sinh phải từ 01/01/1900 đến hôm nay."]}),
        (
            {"password": "12345678", "password_confirm": "12345678"},
            {"password": [TOO_SHORT, "Mật khẩu này quá phổ biến.", "Mật khẩu này hoàn toàn là số."]},
        ),
        ({"password_confirm": "khác-mật-khẩu-2026"}, {"password_confirm": ["Hai lần nhập mật khẩu không khớp nhau."]}),
        (
            {"kind": "robot"},
            {"kind": ["Hãy chọn một lựa chọn hợp lệ. robot không phải là một trong các lựa chọn khả thi."]},
        ),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(client, changes, errors):
    _existing_applicant()
    before = counts()
    response = client.post(URL, {**CITIZEN, "email": "moi@example.test", "phone": "", **changes})
    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert counts() == before
    assert "_auth_user_id" not in client.session
    assert 'class="govuk-error-summary"' in response.content.decode()


def test_an_officials_email_does_not_block_a_citizen_account(client):
    make_person("canbo", None, None, email="hoa.nguyen@example.test")
    assert client.post(URL, CITIZEN).status_code == 302
    assert User.objects.filter(email="hoa.nguyen@example.test").count() == 2


@override_settings(LANGUAGE_CODE="vi")
def test_the_password_is_not_echoed_back(client):
    response = client.post(URL, {**CITIZEN, "phone": "12"})
    assert response.status_code == 400
    assert PASSWORD not in response.content.decode()


def test_too_many_sign_ups_from_one_address_are_refused(client, settings):
    settings.EGOV_SERVICES_REGISTER_RATE = (1 / 600, 2)
    codes = [client.post(URL, {**CITIZEN, "phone": "12"}).status_code for _ in range(2)]
    before = counts()
    refused = client.post(URL, CITIZEN)
    assert (codes, refused.status_code, refused["Retry-After"]) == ([400, 400], 429, "600")
    assert [str(e) for e in refused.context["form"].non_field_errors()] == [
        "Có quá nhiều lượt đăng ký từ địa chỉ này. Hãy thử lại sau 600 giây."
    ]
    assert counts() == before
