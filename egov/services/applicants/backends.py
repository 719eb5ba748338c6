"""Sign-in for applicants with the email address or the phone number they registered, instead of a username.

django-axes stays in charge of lock-outs: `axes.backends.AxesStandaloneBackend` comes first in
AUTHENTICATION_BACKENDS and refuses a locked identifier before this backend is asked. `axes_username`
(for AXES_USERNAME_CALLABLE) maps every form of an applicant's identifier to the account's username, so the
failures typed as "hoa@example.test", "0912345678" and "+84912345678" count against one lock, and an
administrator's unlock (by username) lifts it.
"""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend

from egov.accounts.models import User, UserKind
from egov.services.applicants import rules


def find_applicant(identifier: str | None) -> User | None:
    """The one applicant account with this email or phone; None if there is none, or more than one."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if rules.looks_like_email(identifier):
        email = rules.normalise_email(identifier)
        rows = User.objects.filter(kind=UserKind.APPLICANT, email__iexact=email) if email else None
    else:
        phone = rules.normalise_phone(identifier)
        rows = User.objects.filter(kind=UserKind.APPLICANT, phone=phone) if phone else None
    if rows is None:
        return None
    found = list(rows[:2])
    # Two accounts sharing an identifier (created by an administrator): refuse rather than guess which one.
    return found[0] if len(found) == 1 else None


class EmailOrPhoneBackend(BaseBackend):
    """Authenticates an applicant account (never an official's) by its email or phone and password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        user = find_applicant(username)
        if user is None:
            # Spend the time of one hash anyway, so the answer's delay does not tell which identifiers exist.
            User().set_password(password)
            return None
        if user.check_password(password) and user.is_active:
            return user
        return None

    def get_user(self, user_id):
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None


def axes_username(request, credentials: dict | None) -> str | None:
    """The name django-axes counts failures under: the applicant's username when the identifier is theirs."""
    if credentials:
        identifier = credentials.get("username")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        identifier = data.get("username")
    if not identifier:
        return identifier
    user = find_applicant(identifier)
    return user.username if user is not None else identifier
