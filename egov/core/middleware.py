from __future__ import annotations

import re
import uuid

from egov.core.logging import request_id_var

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Gives each request an id (or keeps a sane one from a proxy), for logs and the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-Id", "")
        request.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        # Kept until the response is finished (request_finished signal): Django logs 4xx/5xx responses
        # after the middleware chain has returned, and those lines need the id too.
        request_id_var.set(request.request_id)
        response = self.get_response(request)
        response["X-Request-Id"] = request.request_id
        return response


class DomainErrorMiddleware:
    """A domain error that a page did not handle itself becomes a clear 4xx page, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from egov.core.errors import DomainError, NotFound, PermissionDenied

        if not isinstance(exception, DomainError):
            return None
        template = {PermissionDenied: "core/403.html", NotFound: "core/404.html"}.get(type(exception), "core/400.html")
        return render(request, template, {"message": exception.message}, status=exception.status)


class LanguageMiddleware:
    """Vietnamese unless the person chose English with the language switch (cookie).

    The browser's Accept-Language is ignored on purpose: many officials use an English-language browser
    or operating system, and the platform's working language is Vietnamese (docs/decisions/0008).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override, not activate: the thread goes back to its language after the request, so a job or the
        # next request on a reused worker thread does not inherit this person's choice.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        from django.utils.cache import patch_vary_headers

        patch_vary_headers(response, ("Cookie",))
        return response
