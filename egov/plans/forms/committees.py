"""Forms of the committee pages (Ban Chỉ đạo, thành viên): they parse input only; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import User
from egov.organisations.forms import OrganisationChoiceField
from egov.organisations.models import Organisation
from egov.plans.forms.fields import date_field
from egov.plans.models import CommitteeRole


def _pdf(label) -> forms.FileField:
    # A plain FileInput: the stored file is served by the committee_file view, never by its media URL.
    return forms.FileField(
        label=label,
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
        help_text=_("Tệp PDF, tối đa 20 MB. Để trống nếu không thay tệp."),
    )


DECISION_HINT = _("Ví dụ: 2508/QĐ-UBND")


class CommitteeForm(forms.Form):
    name = forms.CharField(label=_("Tên Ban Chỉ đạo"), max_length=300)
    organisation = OrganisationChoiceField(label=_("Cơ quan"), queryset=Organisation.objects.none())
    decision_number = forms.CharField(
        label=_("Số, ký hiệu quyết định thành lập"), max_length=50, help_text=DECISION_HINT
    )
    decision_date = date_field(_("Ngày quyết định"), required=True)
    decision_issuer = OrganisationChoiceField(
        label=_("Cơ quan ban hành quyết định"), queryset=Organisation.objects.none()
    )
    decision_signer = forms.CharField(label=_("Người ký quyết định"), max_length=150, required=False)
    decision_file = _pdf(_("Tệp quyết định thành lập (PDF)"))
    regulation_number = forms.CharField(
        label=_("Số, ký hiệu quy chế hoạt động"), max_length=50, required=False, help_text=DECISION_HINT
    )
    regulation_date = date_field(_("Ngày ban hành quy chế"), required=False)
    regulation_file = _pdf(_("Tệp quy chế hoạt động (PDF)"))
    duties = forms.CharField(label=_("Nhiệm vụ, quyền hạn"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    dissolved_on = date_field(_("Ngày giải thể"), required=False, help_text=_("Chỉ nhập khi Ban Chỉ đạo đã giải thể."))

    FILE_FIELDS = ("decision_file", "regulation_file")

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
            self.fields["decision_issuer"].queryset = organisations

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in self.FILE_FIELDS}

    def files_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.FILE_FIELDS if self.cleaned_data.get(k)}


class MemberFields(forms.Form):
    """What a member is: shared by adding and editing."""

    user = forms.ModelChoiceField(
        label=_("Tài khoản trên hệ thống"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("(Không có tài khoản)"),
        help_text=_("Thành viên có tài khoản nhận bản tổng hợp hằng tuần của Ban Chỉ đạo."),
    )
    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=150, required=False, help_text=_("Để trống để lấy theo tài khoản.")
    )
    role = forms.ChoiceField(label=_("Chức danh trong Ban"), choices=CommitteeRole.choices)
    position = forms.CharField(
        label=_("Chức vụ"), max_length=200, help_text=_("Ví dụ: Thứ trưởng, Giám đốc Sở Thông tin và Truyền thông")
    )
    member_organisation = OrganisationChoiceField(label=_("Cơ quan công tác"), queryset=Organisation.objects.none())
    part_time = forms.BooleanField(label=_("Kiêm nhiệm"), required=False)
    responsibilities = forms.CharField(
        label=_("Nhiệm vụ được phân công"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    followed_units = forms.ModelMultipleChoiceField(
        label=_("Đơn vị, lĩnh vực theo dõi"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisations=None, units=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["user"].queryset = people
            self.fields["user"].label_from_instance = lambda user: f"{user.full_name} ({user.username})"
        if organisations is not None:
            self.fields["member_organisation"].queryset = organisations
        if units is not None:
            self.fields["followed_units"].queryset = units
            self.fields["followed_units"].label_from_instance = lambda org: org.name

    def values(self) -> dict:
        names = ("user", "full_name", "role", "position", "member_organisation", "part_time", "responsibilities")
        return {name: self.cleaned_data[name] for name in names}


class MemberAddForm(MemberFields):
    joined_on = date_field(_("Tham gia từ ngày"), required=True)
    decision_number = forms.CharField(
        label=_("Theo quyết định số"),
        max_length=50,
        required=False,
        help_text=_("Để trống nếu là quyết định thành lập Ban Chỉ đạo."),
    )


class MemberEditForm(MemberFields):
    effective_on = date_field(_("Ngày hiệu lực của thay đổi"), required=True)
    decision_number = forms.CharField(
        label=_("Theo quyết định số"), max_length=50, required=False, help_text=DECISION_HINT
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class MemberLeaveForm(forms.Form):
    left_on = date_field(_("Thôi tham gia từ ngày"), required=True)
    decision_number = forms.CharField(
        label=_("Theo quyết định số"), max_length=50, required=False, help_text=DECISION_HINT
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)
