"""Template helpers for egov's GOV.UK Frontend templates: ``{% load egov_ui %}``."""

from __future__ import annotations

import unicodedata

from django import template
from django.conf import settings
from django.http import QueryDict

from egov.core import forms as egov_forms

register = template.Library()


@register.simple_tag(takes_context=True)
def egov_site_name(context) -> str:
    """The site's name: the ``site_name`` context variable, else the EGOV_SITE_NAME setting.

    Works without a request (the 500 page is rendered with an empty context).
    """
    return context.get("site_name") or getattr(settings, "EGOV_SITE_NAME", "") or "egov"


@register.filter
def widget_kind(bound_field) -> str:
    """Which GOV.UK component renders this field: input, date, time, textarea, select, file,
    checkbox, checkboxes, radios, hidden or other."""
    return egov_forms.widget_kind(bound_field.field.widget)


@register.filter
def field_anchor(bound_field) -> str:
    """The id an error summary links to for this field (the first option of a radio or checkbox
    group, since a group has no element of its own to focus)."""
    return egov_forms.anchor_id(bound_field)


@register.filter
def class_modifiers(classes, prefix: str) -> str:
    """The classes in ``classes`` that start with ``prefix``, e.g. ``govuk-radios--`` to put
    ``govuk-radios--inline`` / ``--small`` (set in the widget's attrs) on the group container."""
    return " ".join(name for name in str(classes or "").split() if name.startswith(prefix))


@register.simple_tag
def govuk_page_range(page_obj, on_each_side: int = 1, on_ends: int = 1) -> list:
    """Page numbers around the current page, with None where pages are left out (an ellipsis)."""
    paginator = page_obj.paginator
    return [
        None if number == paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(page_obj.number, on_each_side=on_each_side, on_ends=on_ends)
    ]


@register.simple_tag(takes_context=True)
def page_query(context, number, param: str = "page") -> str:
    """``?…`` for page ``number``, keeping the request's other query parameters.

    Unlike ``{% querystring %}`` it also works where the template has no request (a partial
    rendered by hand): then only the page parameter is given.
    """
    request = context.get("request")
    params = request.GET.copy() if request is not None and hasattr(request, "GET") else QueryDict(mutable=True)
    params[param] = number
    return "?" + params.urlencode()


@register.filter(is_safe=True)
def nfc(value) -> str:
    """Unicode NFC: one code point per accented letter. Django's own language names ("Tiếng Việt"
    in django.conf.locale.LANG_INFO) use combining marks, which some fonts stack badly."""
    return unicodedata.normalize("NFC", str(value))
