"""The page shell kept rendered for visitors who are not signed in.

The layout (`core/base.html`: header, navigation, language switch, footer) is the same for every anonymous
visitor of a page in one language; only the CSRF token differs. The busiest public pages (the dossier lookup)
render just their content and put it into a shell rendered once per process, language and address, instead of
rendering the layout on every request. Anyone signed in, or with messages waiting, gets the full rendering.
"""

from __future__ import annotations

import threading

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

_TOKEN = "egovShellCsrfMarker"  # letters only: survives escaping, never a real token
_TITLE = "egovShellTitleMarker"
_CONTENT = "<!--egov-shell-content-->"
_MAX = 512


class _Shells:
    def __init__(self) -> None:
        self._parts: dict[tuple, tuple[str, str, str]] = {}
        self._lock = threading.Lock()

    def parts(self, request, shell_template: str) -> tuple[str, str, str]:
        key = (shell_template, get_language(), request.get_full_path())
        found = self._parts.get(key)
        if found is None:
            html = render_to_string(
                shell_template,
                {"csrf_token": _TOKEN, "shell_title": _TITLE, "shell_content": mark_safe(_CONTENT)},
                request,
            )
            before_title, rest = html.split(_TITLE, 1)
            middle, after = rest.split(_CONTENT, 1)
            found = (before_title, middle, after)
            with self._lock:
                if len(self._parts) >= _MAX:
                    self._parts.clear()
                self._parts[key] = found
        return found

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()


shells = _Shells()


def _anonymous_without_messages(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    return len(messages.get_messages(request)) == 0


def render_in_shell(
    request,
    *,
    title: str,
    full_template: str,
    content_template: str,
    context: dict,
    status: int = 200,
    shell_template: str = "core/shell.html",
) -> HttpResponse:
    """The page `full_template` (which extends the layout and includes `content_template` as its content).

    For an anonymous visitor only `content_template` is rendered, into the kept shell; otherwise, the whole page.
    Both give the same HTML.
    """
    if not _anonymous_without_messages(request):
        html = render_to_string(full_template, context, request)
        return HttpResponse(html, status=status)
    token = get_token(request)
    content = render_to_string(content_template, {**context, "csrf_token": token, "request": request})
    head, middle, tail = shells.parts(request, shell_template)
    html = "".join((head, escape(title), middle, content, tail)).replace(_TOKEN, token)
    return HttpResponse(html, status=status)
