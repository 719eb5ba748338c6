"""GOV.UK Frontend rendering for Django forms.

Set ``FORM_RENDERER = "egov.core.forms.GovukFormRenderer"``; then ``{{ form }}``,
``{{ form.field.as_field_group }}`` and even a bare ``{{ form.field }}`` produce GOV.UK Frontend
markup: a ``govuk-form-group`` with label, hint (from ``help_text``), error message and the
component that fits the widget. Hidden inputs are left as they are.

Ids follow Django's own (``id_<name>``, hint ``id_<name>_helptext``, error ``id_<name>_error``), so
the ``aria-describedby`` that Django builds points at the elements these templates render. Form-wide
(non-field) errors are shown by ``core/includes/error_summary.html``, which every form page
includes at the top of its content; the form template itself does not repeat them.
"""

from __future__ import annotations

import copy

from django.forms import widgets
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates

# Widget kind -> (CSS class for the control, modifier added when the field has errors).
_CONTROL_CLASSES = {
    "input": ("govuk-input", "govuk-input--error"),
    "date": ("govuk-input govuk-input--width-10", "govuk-input--error"),
    "time": ("govuk-input govuk-input--width-5", "govuk-input--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "checkbox": ("govuk-checkboxes__input", ""),
    "checkboxes": ("govuk-checkboxes__input", ""),
    "radios": ("govuk-radios__input", ""),
}

# Widgets rendered through our own templates instead of Django's.
_WIDGET_TEMPLATES = {
    "checkboxes": "core/forms/widgets/checkboxes.html",
    "radios": "core/forms/widgets/radios.html",
    "file": "core/forms/widgets/file.html",
}


def widget_kind(widget: widgets.Widget) -> str:
    """Which GOV.UK component renders this widget."""
    if widget.is_hidden:
        return "hidden"
    # Order matters: CheckboxSelectMultiple is a RadioSelect, Date/TimeInput are TextInputs,
    # CheckboxInput and FileInput are Inputs.
    if isinstance(widget, widgets.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, widgets.RadioSelect):
        return "radios"
    if isinstance(widget, widgets.CheckboxInput):
        return "checkbox"
    if isinstance(widget, widgets.FileInput):
        return "file"
    if isinstance(widget, widgets.Textarea):
        return "textarea"
    if isinstance(widget, widgets.Select):
        return "select"
    if isinstance(widget, widgets.DateInput):
        return "date"
    if isinstance(widget, widgets.TimeInput):
        return "time"
    if isinstance(widget, (widgets.Input, widgets.MultiWidget)):
        return "input"
    return "other"


def _add_class(attrs: dict, classes: str) -> None:
    present = attrs.get("class", "").split()
    for name in classes.split():
        if name not in present:
            present.append(name)
    attrs["class"] = " ".join(present)


class GovukBoundField(BoundField):
    """A BoundField whose widget carries the GOV.UK classes and input types."""

    @property
    def widget_kind(self) -> str:
        return widget_kind(self.field.widget)

    @property
    def anchor_id(self) -> str:
        """The id an error summary links to: the control, or the first option of a group."""
        return anchor_id(self)

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        widget = widget or self.field.widget
        kind = widget_kind(widget)
        if kind in ("date", "time") and widget.input_type == "text":
            # A native picker; its value must be ISO whatever the active language's format is.
            widget = copy.copy(widget)
            widget.input_type = kind
            if kind == "date":
                widget.format = "%Y-%m-%d"
            elif not widget.format:
                widget.format = "%H:%M"
        elif kind in _WIDGET_TEMPLATES:
            widget = copy.copy(widget)
            widget.template_name = _WIDGET_TEMPLATES[kind]
        return super().as_widget(widget=widget, attrs=attrs, only_initial=only_initial)

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        kind = widget_kind(widget)
        if kind in _CONTROL_CLASSES:
            base, error = _CONTROL_CLASSES[kind]
            # The widget's own class (set in the form) would otherwise be replaced by ours.
            attrs.setdefault("class", widget.attrs.get("class", ""))
            _add_class(attrs, base)
            if error and self.errors:
                _add_class(attrs, error)
        return attrs


def anchor_id(bound_field: BoundField) -> str:
    """The element id for a link to this field (works with any BoundField class)."""
    auto_id = bound_field.auto_id
    if not auto_id:
        return ""
    if widget_kind(bound_field.field.widget) in ("radios", "checkboxes"):
        return f"{auto_id}_0"
    return bound_field.id_for_label or auto_id


class GovukFormRenderer(DjangoTemplates):
    """Renders forms with GOV.UK Frontend markup.

    Based on the DjangoTemplates renderer, so Django's own widget templates are found without
    adding ``django.forms`` to INSTALLED_APPS, and app templates (``core/forms/…``) as well.
    """

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = GovukBoundField
