"""Query-string filters of the dashboards and the roll-up: they parse input only."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.calendar.workdays import MIN_YEAR
from egov.core.text import clean


class AsOfForm(forms.Form):
    """The day figures are computed for (default today): statuses, overdue days and the on-time rate."""

    as_of = forms.DateField(
        label=_("Số liệu tính đến ngày"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Để trống: hôm nay."),
    )

    def clean_as_of(self) -> dt.date:
        value = self.cleaned_data.get("as_of") or timezone.localdate()
        if value > timezone.localdate():
            raise forms.ValidationError(_("Ngày tính số liệu không thể sau hôm nay."))
        if value.year < MIN_YEAR:
            raise forms.ValidationError(_("Ngày tính số liệu phải từ năm %(year)d.") % {"year": MIN_YEAR})
        return value


class RollupFilterForm(AsOfForm):
    source = forms.CharField(
        label=_("Văn bản được triển khai"),
        required=False,
        max_length=50,
        help_text=_("Số, ký hiệu, ví dụ: 17/NQ-CP. Để trống: mọi kế hoạch."),
    )
    org = forms.IntegerField(label=_("Tỉnh, thành phố"), required=False, min_value=1, widget=forms.Select)

    def __init__(self, *args, provinces=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].widget.choices = [("", _("Theo quyền của tôi"))] + [(p.pk, p.name) for p in provinces]
        if not provinces:
            del self.fields["org"]

    def clean_source(self) -> str:
        return clean(self.cleaned_data.get("source"))
