"""Forms of the calendar pages: they parse input only; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.calendar.models import DayKind
from egov.calendar.services import INSTRUMENT_MAX, NOTE_MAX


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("Ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=DayKind.choices,
        widget=forms.RadioSelect,
        help_text=_("Ngày làm bù: thứ Bảy, Chủ nhật phải đi làm. Ngày nghỉ hoán đổi: ngày thường được nghỉ."),
    )
    instrument = forms.CharField(
        label=_("Văn bản quy định"),
        max_length=INSTRUMENT_MAX,
        help_text=_("Số, ký hiệu và ngày ban hành, ví dụ: Thông báo 6150/TB-BLĐTBXH"),
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        max_length=NOTE_MAX,
        required=False,
        help_text=_("Ví dụ: Làm bù cho ngày nghỉ 02/05/2025"),
    )


class OfficeHoursForm(forms.Form):
    effective_from = forms.DateField(label=_("Áp dụng từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    morning_start = forms.TimeField(
        label=_("Buổi sáng từ"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    morning_end = forms.TimeField(
        label=_("Buổi sáng đến"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    afternoon_start = forms.TimeField(
        label=_("Buổi chiều từ"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    afternoon_end = forms.TimeField(
        label=_("Buổi chiều đến"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
