"""The kept page shell gives the same page as the full rendering; prepared reads give the same rows."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.template.loader import render_to_string
from django.utils import translation

from egov.accounts.actor import Actor
from egov.core.shell import render_in_shell, shells
from egov.core.sql import fetch_all_prepared
from egov.services.views.lookup import LookupForm

pytestmark = pytest.mark.django_db
FULL, CONTENT = "services/lookup/lookup.html", "services/lookup/content.html"
TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def anonymous(rf, path="/services/lookup/"):
    request = rf.get(path)
    request.user = AnonymousUser()
    request._messages = CookieStorage(request)
    return request


def both(request, title):
    context = {"form": LookupForm(), "found": None}
    fast = render_in_shell(request, title=title, full_template=FULL, content_template=CONTENT, context=context)
    full = render_to_string(FULL, context, request)
    return fast.content.decode(), full


@pytest.mark.parametrize(("language", "title"), [("vi", "Tra cứu hồ sơ"), ("en", "Dossier lookup")])
def test_the_kept_shell_gives_the_page_the_full_rendering_gives(rf, language, title):
    shells.clear()
    with translation.override(language):
        first, full = both(anonymous(rf), title)
        second, _ = both(anonymous(rf), title)  # from the kept shell this time
    assert len(shells._parts) == 1
    assert TOKEN.sub("T", first) == TOKEN.sub("T", full) == TOKEN.sub("T", second)
    assert f"<title>{title} – " in first
    tokens = set(TOKEN.findall(first))
    assert len(tokens) == 1 and "egovShellCsrfMarker" not in first  # the request's own token, in every place


def test_each_address_and_language_has_its_own_shell(rf):
    shells.clear()
    both(anonymous(rf), "Tra cứu hồ sơ")
    both(anonymous(rf, "/services/lookup/?x=1"), "Tra cứu hồ sơ")
    with translation.override("en"):
        page, _ = both(anonymous(rf), "Dossier lookup")
    assert len(shells._parts) == 3
    assert '<input type="hidden" name="next" value="/services/lookup/">' in page
    assert '<html lang="en"' in page


def test_a_signed_in_person_or_waiting_messages_get_the_full_rendering(rf, django_user_model):
    shells.clear()
    request = anonymous(rf)
    request.user = django_user_model.objects.create_user(username="congdan2", password="x", full_name="Lê Thị Mai")
    request.actor = Actor(user=request.user)
    page, _ = both(request, "Tra cứu hồ sơ")
    assert "Lê Thị Mai" in page and len(shells._parts) == 0
    request = anonymous(rf)
    request._messages.add(20, "Đã lưu.")
    page, _ = both(request, "Tra cứu hồ sơ")
    assert "Đã lưu." in page and len(shells._parts) == 0


def test_prepared_reads_give_the_rows_and_are_planned_once_on_postgresql():
    sql = "SELECT CAST(%s AS integer) + 1 AS egov_prepared_probe"
    assert fetch_all_prepared(sql, [1]) == [(2,)]
    assert fetch_all_prepared(sql, [41]) == [(42,)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%egov_prepared_probe%%'")
            assert cursor.fetchone() == (1,)
