import re
import time

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.auth import totp_begin, totp_confirm
from egov.accounts.models import User
from egov.accounts.tests.factories import PASSWORD
from egov.accounts.tests.smtp import smtp_server
from egov.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def test_argon2_is_the_production_hasher():
    from egov import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_login_with_password(client, people):
    response = client.post(reverse("accounts:login"), {"username": "nd.clerk", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == people["nd_clerk"].pk
    event = AuditEvent.objects.filter(action="auth.login").get()
    assert (event.actor_id, event.after) == (people["nd_clerk"].pk, {"two_factor": False})


def test_login_keeps_a_safe_next_and_drops_a_foreign_one(client, people):
    ok = client.post(
        reverse("accounts:login") + "?next=/organisations/", {"username": "nd.clerk", "password": PASSWORD}
    )
    assert ok["Location"] == "/organisations/"
    client.logout()
    evil = client.post(
        reverse("accounts:login") + "?next=https://evil.example/", {"username": "nd.clerk", "password": PASSWORD}
    )
    assert evil["Location"] == "/"


def test_wrong_password_says_so_without_revealing_which_part(client, people):
    response = client.post(reverse("accounts:login"), {"username": "nd.clerk", "password": "sai"})
    assert response.status_code == 400
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_inactive_person_cannot_log_in(client, people):
    User.objects.filter(pk=people["nd_clerk"].pk).update(is_active=False)
    response = client.post(reverse("accounts:login"), {"username": "nd.clerk", "password": PASSWORD})
    assert response.status_code == 400


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_after_repeated_failures_even_with_the_right_password(client, people):
    for _ in range(2):
        assert client.post(reverse("accounts:login"), {"username": "nd.clerk", "password": "sai"}).status_code == 400
    locked = client.post(reverse("accounts:login"), {"username": "nd.clerk", "password": "sai"})
    assert locked.status_code == 403
    assert "tạm bị khóa" in locked.content.decode()
    right = client.post(reverse("accounts:login"), {"username": "nd.clerk", "password": PASSWORD})
    assert right.status_code == 403
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked_out", object_id=str(people["nd_clerk"].pk)).count() == 1
    # another person is not affected
    assert client.post(reverse("accounts:login"), {"username": "qt.clerk", "password": PASSWORD}).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=2)
def test_unlock_by_administrator(client, people, actor_for):
    from egov.accounts.services import person_unlock

    for _ in range(2):
        client.post(reverse("accounts:login"), {"username": "nd.clerk", "password": "sai"})
    assert client.post(reverse("accounts:login"), {"username": "nd.clerk", "password": PASSWORD}).status_code == 403
    person_unlock(actor=actor_for(people["nd_admin"]), user=people["nd_clerk"])
    assert client.post(reverse("accounts:login"), {"username": "nd.clerk", "password": PASSWORD}).status_code == 302


def _enrol(user, actor_for):
    device = totp_begin(user=user)
    codes = totp_confirm(actor=actor_for(user), user=user, token=_code(device))
    return TOTPDevice.objects.get(pk=device.pk), codes


def test_two_factor_enrolment_rejects_a_wrong_code(people, actor_for):
    from egov.core.errors import ValidationFailed

    device = totp_begin(user=people["nd_admin"])
    with pytest.raises(ValidationFailed) as exc:
        totp_confirm(
            actor=actor_for(people["nd_admin"]),
            user=people["nd_admin"],
            token="000000" if _code(device) != "000000" else "111111",
        )
    assert list(exc.value.errors) == ["token"]
    assert not TOTPDevice.objects.filter(user=people["nd_admin"], confirmed=True).exists()


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_login_with_second_factor(client, people, actor_for):
    device, codes = _enrol(people["nd_admin"], actor_for)
    assert len(codes) == 10 and all(re.fullmatch(r"\d{8}", c) for c in codes)
    step1 = client.post(reverse("accounts:login"), {"username": "nd.admin", "password": PASSWORD})
    assert step1["Location"] == reverse("accounts:login_otp")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("accounts:login_otp"), {"token": "12345"})
    assert wrong.status_code == 400
    # the enrolment used the current time step; an authenticator code is never accepted twice
    ok = client.post(reverse("accounts:login_otp"), {"token": _code(device, offset=30)})
    assert ok.status_code == 302
    assert int(client.session["_auth_user_id"]) == people["nd_admin"].pk
    assert AuditEvent.objects.filter(action="auth.login").get().after == {"two_factor": True}


def test_wrong_codes_throttle_the_authenticator(client, people, actor_for):
    device, _ = _enrol(people["nd_admin"], actor_for)
    client.post(reverse("accounts:login"), {"username": "nd.admin", "password": PASSWORD})
    assert client.post(reverse("accounts:login_otp"), {"token": "000001"}).status_code == 400
    # django-otp's throttling refuses even the right code straight after a wrong one
    assert client.post(reverse("accounts:login_otp"), {"token": _code(device, offset=30)}).status_code == 400
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 1


def test_backup_code_works_once(client, people, actor_for):
    _, codes = _enrol(people["nd_admin"], actor_for)
    client.post(reverse("accounts:login"), {"username": "nd.admin", "password": PASSWORD})
    assert client.post(reverse("accounts:login_otp"), {"token": codes[0]}).status_code == 302
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": "nd.admin", "password": PASSWORD})
    assert client.post(reverse("accounts:login_otp"), {"token": codes[0]}).status_code == 400


def test_too_many_wrong_codes_send_back_to_login(client, people, actor_for):
    _enrol(people["nd_admin"], actor_for)
    client.post(reverse("accounts:login"), {"username": "nd.admin", "password": PASSWORD})
    for _ in range(4):
        assert client.post(reverse("accounts:login_otp"), {"token": "99999999"}).status_code == 400
    last = client.post(reverse("accounts:login_otp"), {"token": "99999999"})
    assert last["Location"] == reverse("accounts:login")
    assert client.get(reverse("accounts:login_otp"))["Location"] == reverse("accounts:login")


def test_logout_is_post_only_and_recorded(client, people):
    client.force_login(people["nd_clerk"], backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.logout").count() == 1


def test_password_reset_through_a_real_smtp_server(client, people):
    user = people["nd_clerk"]
    with (
        smtp_server() as (port, messages),
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
        ),
    ):
        response = client.post(reverse("accounts:password_reset"), {"email": "ND.CLERK@example.test"})
        assert response["Location"] == reverse("accounts:password_reset_done")
        for _ in range(50):
            if messages:
                break
            time.sleep(0.05)
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "nd.clerk@example.test"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Tên đăng nhập của bạn: nd.clerk" in body
    link = re.search(r"http://testserver(/password-reset/[^/\s]+/[^/\s]+/)", body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "Mật-khẩu-mới-2026", "new_password2": "Mật-khẩu-mới-2026"})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert User.objects.get(pk=user.pk).check_password("Mật-khẩu-mới-2026")
    assert AuditEvent.objects.filter(action="auth.password_reset", object_id=str(user.pk)).count() == 1
    # the link is single-use
    assert "Đường dẫn không còn hiệu lực" in client.get(link, follow=True).content.decode()


def test_password_reset_for_unknown_address_sends_nothing_and_says_the_same(client, people, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "khong-co@example.test"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mailoutbox == []


def test_password_reset_reaches_a_person_created_without_password(client, tree, mailoutbox):
    from egov.accounts.services import person_create
    from egov.accounts.tests.factories import SYSTEM

    person_create(
        actor=SYSTEM,
        values={"username": "new.person", "full_name": "Người mới", "email": "new@example.test"},
        organisation=tree["nd"],
    )
    client.post(reverse("accounts:password_reset"), {"email": "new@example.test"})
    assert [m.to for m in mailoutbox] == [["new@example.test"]]
