from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.organisations.models import Level, Organisation


def org_label(org: Organisation) -> str:
    return f"{'— ' * (org.depth - 1)}{org.name} ({org.code})"


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return org_label(obj)


class OrganisationForm(forms.Form):
    code = forms.CharField(
        label=_("Mã định danh điện tử"), max_length=35, help_text=_("Ví dụ: 000.00.00.G22 hoặc H37.01.002")
    )
    name = forms.CharField(label=_("Tên đầy đủ"), max_length=200)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=100, required=False)
    abbreviation = forms.CharField(
        label=_("Chữ viết tắt trong ký hiệu văn bản"),
        max_length=20,
        required=False,
        help_text=_("Ví dụ: UBND, VHTTDL, UBDT"),
    )
    level = forms.ChoiceField(label=_("Cấp"), choices=Level.choices)
    parent = OrganisationChoiceField(
        label=_("Trực thuộc"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("(Cơ quan cấp cao nhất)"),
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=50, required=False)
    fax = forms.CharField(label=_("Fax"), max_length=50, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    website = forms.URLField(label=_("Trang thông tin điện tử"), required=False, assume_scheme="https")
    active_from = forms.DateField(
        label=_("Hoạt động từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    active_to = forms.DateField(
        label=_("Hoạt động đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parents is not None:
            self.fields["parent"].queryset = parents

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "parent"}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp CSV"), help_text=_("Mã hóa UTF-8; dòng đầu là tên cột."))
    dry_run = forms.BooleanField(label=_("Chỉ kiểm tra, chưa lưu"), required=False)
