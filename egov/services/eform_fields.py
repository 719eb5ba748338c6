"""The e-form as pages of questions: Django form fields built from the version's JSON Schema and its UI hints.

UI hints (`form_ui`): `{"steps": [{"title": "...", "fields": ["a", "b"]}], "labels": {"field": {"value": "label"}},
"widgets": {"field": "textarea"}}`. Without steps, a short form is one page and a longer one asks one question
per page. Each page's answers are checked by its form; the whole schema is checked again on submission.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _

ONE_PAGE_UP_TO = 4


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    fields: list[str]


def pages(version) -> list[Page]:
    schema = version.form_schema or {}
    names = list((schema.get("properties") or {}).keys())
    steps = (version.form_ui or {}).get("steps") or []
    if steps:
        return [
            Page(
                str(index + 1),
                step.get("title") or _("Nội dung tờ khai"),
                [n for n in step.get("fields", []) if n in names],
            )
            for index, step in enumerate(steps)
        ]
    if len(names) <= ONE_PAGE_UP_TO:
        return [Page("1", _("Nội dung tờ khai"), names)] if names else []
    properties = schema["properties"]
    return [Page(str(index + 1), properties[name].get("title", name), [name]) for index, name in enumerate(names)]


def _field(name: str, spec: dict, required: bool, ui: dict) -> forms.Field:
    label = spec.get("title", name)
    help_text = spec.get("description", "")
    kind = spec.get("type", "string")
    common = {"label": label, "help_text": help_text, "required": required}
    if "enum" in spec:
        names = (ui.get("labels") or {}).get(name, {})
        choices = [(value, names.get(str(value), str(value))) for value in spec["enum"]]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "string" and spec.get("format") == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "string" and spec.get("format") == "email":
        return forms.EmailField(max_length=spec.get("maxLength", 254), **common)
    if kind == "integer":
        return forms.IntegerField(min_value=spec.get("minimum"), max_value=spec.get("maximum"), **common)
    if kind == "number":
        return forms.FloatField(min_value=spec.get("minimum"), max_value=spec.get("maximum"), **common)
    if kind == "boolean":
        return forms.BooleanField(**common)
    textarea = (ui.get("widgets") or {}).get(name) == "textarea" or spec.get("maxLength", 0) > 300
    return forms.CharField(
        max_length=spec.get("maxLength"),
        min_length=spec.get("minLength"),
        widget=forms.Textarea(attrs={"rows": 4}) if textarea else forms.TextInput,
        **common,
    )


class PageForm(forms.Form):
    def answers(self) -> dict:
        """The page's answers as JSON values (dates as YYYY-MM-DD; empty optional answers left out)."""
        values = {}
        for name, value in self.cleaned_data.items():
            if isinstance(value, dt.date):
                value = value.isoformat()
            if value in ("", None):
                continue
            values[name] = value
        return values


def page_form(version, page: Page, *, data=None, initial: dict | None = None) -> PageForm:
    schema = version.form_schema or {}
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    ui = version.form_ui or {}
    form = PageForm(data=data, initial=initial or {})
    for name in page.fields:
        form.fields[name] = _field(name, properties[name], name in required, ui)
    return form
