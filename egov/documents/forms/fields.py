"""Form fields the document forms share: dates with the browser's picker, PDF uploads, people and units."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import Membership
from egov.organisations.models import Organisation

PDF_ACCEPT = "application/pdf,.pdf"


def date_field(label, *, required: bool = False, help_text: str = "") -> forms.DateField:
    """A date with the browser's date picker (the value posts as YYYY-MM-DD)."""
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"})
    )


def pdf_field(label, *, required: bool, help_text: str = "") -> forms.FileField:
    return forms.FileField(
        label=label, required=required, help_text=help_text, widget=forms.FileInput(attrs={"accept": PDF_ACCEPT})
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (appendices); cleans to a list, empty when none was chosen."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": PDF_ACCEPT, "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def unit_label(unit: Organisation, root: Organisation) -> str:
    depth = max(unit.depth - root.depth, 1)
    return f"{'— ' * (depth - 1)}{unit.name}"


def people_of(organisation: Organisation) -> list[tuple[int, str]]:
    """(user id, "name — position, unit") of the people working in the organisation today, by name."""
    today = timezone.localdate()
    rows = (
        Membership.objects.filter(organisation__path__startswith=organisation.path, user__is_active=True)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .select_related("user", "organisation")
        .order_by("user__full_name", "user_id", "-is_primary", "pk")
    )
    seen: set[int] = set()
    people = []
    for row in rows:
        if row.user_id in seen:
            continue
        seen.add(row.user_id)
        where = ", ".join(part for part in (row.position, row.organisation.name) if part)
        people.append((row.user_id, f"{row.user.full_name} — {where}"))
    return people


def units_of(organisation: Organisation) -> list[Organisation]:
    """The organisation's internal units (not the organisation itself), in tree order."""
    return list(
        Organisation.objects.filter(path__startswith=organisation.path).exclude(pk=organisation.pk).order_by("path")
    )


def target_choices(organisation: Organisation) -> list:
    """Where work can be assigned, grouped: the organisation's units ("unit:<id>") and people ("person:<id>")."""
    units = [(f"unit:{u.pk}", unit_label(u, organisation)) for u in units_of(organisation)]
    people = [(f"person:{pk}", label) for pk, label in people_of(organisation)]
    groups = []
    if units:
        groups.append((_("Đơn vị"), units))
    if people:
        groups.append((_("Cá nhân"), people))
    return groups
