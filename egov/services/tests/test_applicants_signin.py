"""Signing in with the email or phone registered, through the site's log-in page, under django-axes' lock-out."""

import pytest
from django.test import RequestFactory, override_settings

from egov.accounts.actor import Actor
from egov.accounts.models import User
from egov.accounts.services import person_unlock
from egov.accounts.tests.factories import PASSWORD as STAFF_PASSWORD
from egov.accounts.tests.factories import make_person
from egov.audit.models import AuditEvent
from egov.services.applicants.backends import EmailOrPhoneBackend, axes_username
from egov.services.applicants.services import applicant_register

BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "egov.services.applicants.backends.EmailOrPhoneBackend",
]
AXES_CALLABLE = "egov.services.applicants.backends.axes_username"
pytestmark = [pytest.mark.django_db, pytest.mark.urls("egov.services.tests.urls_applicants_test")]
LOGIN = "/login/"
PASSWORD = "Sen-hồng-nở-2026"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."


@pytest.fixture(autouse=True)
def backends(settings):
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    settings.AXES_USERNAME_CALLABLE = AXES_CALLABLE


@pytest.fixture
def hoa(db):
    return applicant_register(
        actor=Actor(ip_address="127.0.0.1"),
        values={
            "kind": "citizen",
            "full_name": "Nguyễn Thị Hoa",
            "email": "hoa@example.test",
            "phone": "0912345678",
            "id_number": "036190001234",
        },
        password=PASSWORD,
    )


def signed_in(client):
    return int(client.session["_auth_user_id"]) if "_auth_user_id" in client.session else None


@pytest.mark.parametrize(
    "identifier",
    ["hoa@example.test", "HOA@Example.Test", "0912345678", "0912 345 678", "+84912345678", "+84 912 345 678"],
)
def test_sign_in_by_email_or_phone_in_any_common_form(client, hoa, identifier):
    response = client.post(LOGIN + "?next=/services/my/", {"username": identifier, "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/services/my/")
    assert signed_in(client) == hoa.pk
    assert client.get("/services/my/").status_code == 200


def test_the_generated_username_works_too(client, hoa):
    assert client.post(LOGIN, {"username": hoa.username, "password": PASSWORD}).status_code == 302


def test_a_wrong_password_is_refused_without_saying_which_part(client, hoa):
    response = client.post(LOGIN, {"username": "hoa@example.test", "password": "Sen-hồng-nở-2025"})
    assert response.status_code == 400
    assert WRONG in response.content.decode()
    assert signed_in(client) is None


def test_an_officials_email_does_not_sign_in_through_the_backend(client, rf):
    official = make_person("canbo", None, None, email="canbo@example.test")
    User.objects.filter(pk=official.pk).update(phone="0987654321")
    request = rf.post(LOGIN)
    backend = EmailOrPhoneBackend()
    assert backend.authenticate(request, username="canbo@example.test", password=STAFF_PASSWORD) is None
    assert backend.authenticate(request, username="0987654321", password=STAFF_PASSWORD) is None
    response = client.post(LOGIN, {"username": "canbo@example.test", "password": STAFF_PASSWORD})
    assert (response.status_code, signed_in(client)) == (400, None)
    # by username, as before
    assert client.post(LOGIN, {"username": "canbo", "password": STAFF_PASSWORD}).status_code == 302


def test_an_inactive_applicant_cannot_sign_in(client, hoa):
    User.objects.filter(pk=hoa.pk).update(is_active=False)
    assert client.post(LOGIN, {"username": "hoa@example.test", "password": PASSWORD}).status_code == 400
    assert EmailOrPhoneBackend().get_user(hoa.pk) is None


def test_two_accounts_sharing_an_email_are_not_guessed_between(client, hoa):
    twin = make_person("songsinh", None, "applicant", kind="applicant", email="hoa@example.test")
    twin.set_password(PASSWORD)
    twin.save()
    assert client.post(LOGIN, {"username": "hoa@example.test", "password": PASSWORD}).status_code == 400
    assert client.post(LOGIN, {"username": "0912345678", "password": PASSWORD}).status_code == 302


def test_axes_counts_an_unknown_identifier_as_typed():
    rf = RequestFactory()
    assert axes_username(rf.post("/"), {"username": "nobody@example.test"}) == "nobody@example.test"


def test_axes_username_maps_the_identifier_to_the_account(hoa, rf):
    for identifier in ("HOA@example.test", "+84 912 345 678", hoa.username):
        assert axes_username(rf.post("/"), {"username": identifier}) == hoa.username
    assert axes_username(rf.post("/", {"username": "0912345678"}), None) == hoa.username
    assert axes_username(rf.post("/"), {"username": "canbo"}) == "canbo"


@override_settings(AXES_FAILURE_LIMIT=3)
def test_failures_by_email_and_by_phone_lock_the_one_account(client, hoa):
    for identifier in ("hoa@example.test", "0912345678"):
        assert client.post(LOGIN, {"username": identifier, "password": "sai"}).status_code == 400
    locked = client.post(LOGIN, {"username": "+84912345678", "password": "sai"})
    assert locked.status_code == 403
    assert "tạm bị khóa" in locked.content.decode()
    for identifier in ("hoa@example.test", "0912345678", hoa.username):
        assert client.post(LOGIN, {"username": identifier, "password": PASSWORD}).status_code == 403
    assert signed_in(client) is None
    assert list(AuditEvent.objects.filter(action="auth.locked_out").values_list("object_id", flat=True)) == [
        str(hoa.pk)
    ]
    # An administrator's unlock, which works by username, lifts the lock on every identifier.
    admin = make_person("quantri", None, "system_admin")
    person_unlock(actor=Actor(user=admin), user=hoa)
    assert client.post(LOGIN, {"username": "0912345678", "password": PASSWORD}).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3, AXES_USERNAME_CALLABLE=None)
def test_without_the_axes_callable_the_lock_still_applies_to_the_identifier_typed(client, hoa):
    for _ in range(3):
        client.post(LOGIN, {"username": "hoa@example.test", "password": "sai"})
    assert client.post(LOGIN, {"username": "hoa@example.test", "password": PASSWORD}).status_code == 403
    assert signed_in(client) is None
