"""Tra cứu hồ sơ: anyone holding the receipt (the code and its secret, or the phone) follows the dossier."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from egov.core.ratelimit import RateLimiter
from egov.core.shell import render_in_shell
from egov.services import selectors

limiter = RateLimiter(max_keys=20_000)


class LookupForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("dossier", "Mã hồ sơ"),
        help_text=gettext_lazy("In trên giấy tiếp nhận, ví dụ 000.00.15.H40-261123-0001."),
        max_length=60,
    )
    factor = forms.CharField(
        label=gettext_lazy("Mã tra cứu hoặc số điện thoại"),
        help_text=gettext_lazy("Mã tra cứu gồm 8 ký tự in trên giấy tiếp nhận, hoặc số điện thoại đã khai khi nộp."),
        max_length=30,
    )


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def lookup(request):
    form = LookupForm(request.POST or None)
    found, status = None, 200
    if request.method == "POST":
        rate, burst = settings.EGOV_SERVICES_LOOKUP_RATE
        wait = limiter.hit(_client(request), rate, burst)
        if wait:
            form.add_error(None, _("Bạn tra cứu quá nhiều lần. Hãy thử lại sau %(n)d giây.") % {"n": wait})
            status = 429
        elif form.is_valid():
            found = selectors.public_lookup(form.cleaned_data["code"], form.cleaned_data["factor"])
            if found is None:
                form.add_error(None, _("Không tìm thấy hồ sơ với mã và thông tin tra cứu đã nhập."))
                status = 404
    response = render_in_shell(
        request,
        title=_("Tra cứu hồ sơ"),
        full_template="services/lookup/lookup.html",
        content_template="services/lookup/content.html",
        context={"form": form, "found": found},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(wait)
    return response


urlpatterns = [path("lookup/", lookup, name="lookup")]
