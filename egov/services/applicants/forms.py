"""Forms of the applicant pages: they parse input; the rules are checked by the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.documents.signing.pdfcheck import human_size
from egov.services.models import ApplicantKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _text(label, *, max_length, autocomplete, required=False, help_text="", **attrs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": autocomplete, "spellcheck": "false", **attrs}),
    )


class DetailsForm(forms.Form):
    """The details a registration and the profile share."""

    full_name = _text(_("Họ và tên"), max_length=150, autocomplete="name", required=True)
    organisation_name = _text(
        _("Tên doanh nghiệp, tổ chức"), max_length=200, autocomplete="organization", required=True
    )
    representative = _text(_("Người đại diện theo pháp luật"), max_length=150, autocomplete="name", required=True)
    email = forms.CharField(
        label=_("Thư điện tử"),
        max_length=254,
        required=False,
        help_text=_("Dùng để đăng nhập và nhận thông báo về hồ sơ."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        max_length=30,
        required=False,
        help_text=_("Ví dụ 0912 345 678 hoặc +84 912 345 678. Nhập thư điện tử, số điện thoại hoặc cả hai."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    id_number = _text(
        _("Số định danh cá nhân hoặc mã số doanh nghiệp"),
        max_length=20,
        autocomplete="off",
        required=True,
        help_text=_("Công dân: số định danh cá nhân (số căn cước) 12 chữ số. Doanh nghiệp: mã số 10 hoặc 13 chữ số."),
        inputmode="numeric",
    )
    birth_date = forms.DateField(
        label=_("Ngày sinh"),
        required=False,
        widget=DateInput(attrs={"autocomplete": "bday"}),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    address = _text(_("Địa chỉ"), max_length=300, autocomplete="street-address")


class RegistrationForm(DetailsForm):
    kind = forms.ChoiceField(
        label=_("Bạn đăng ký với tư cách"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.CITIZEN,
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        help_text=_("Ít nhất 10 ký tự, không quá đơn giản, không chỉ gồm chữ số."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "kind",
        "full_name",
        "organisation_name",
        "representative",
        "email",
        "phone",
        "id_number",
        "birth_date",
        "address",
        "password",
        "password_confirm",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A citizen gives a full name; a business its name and representative. Unbound, both sets show as asked for.
        if self.is_bound:
            business = self.data.get("kind") == ApplicantKind.BUSINESS
            self.fields["full_name"].required = not business
            self.fields["organisation_name"].required = business
            self.fields["representative"].required = business

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_confirm") != data.get("password"):
            self.add_error("password_confirm", _("Hai lần nhập mật khẩu không khớp nhau."))
        return data


class ProfileForm(DetailsForm):
    current_password = forms.CharField(
        label=_("Mật khẩu hiện tại"),
        required=False,
        strip=False,
        help_text=_("Chỉ cần khi đổi thư điện tử hoặc số điện thoại dùng để đăng nhập."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == ApplicantKind.BUSINESS:
            del self.fields["full_name"], self.fields["birth_date"]
        else:
            del self.fields["organisation_name"], self.fields["representative"]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy nêu lý do rút hồ sơ.")},
    )


def _types(accepted: list[str]) -> str:
    return ", ".join(
        sorted({t.split("/")[-1].upper() for t in accepted or ["application/pdf", "image/jpeg", "image/png"]})
    )


def _field_name(key: str) -> str:
    return f"paper_{key}"


class SupplementForm(forms.Form):
    """One file input per paper of the procedure; send those the agency asked for."""

    def __init__(self, *args, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys: dict[str, str] = {}
        for requirement in requirements:
            name = _field_name(requirement.key)
            self.keys[name] = requirement.key
            self.fields[name] = forms.FileField(
                label=requirement.name,
                required=False,
                help_text=_("Tệp %(types)s, tối đa %(size)s.")
                % {"types": _types(requirement.accepted_types), "size": human_size(requirement.max_bytes)},
                widget=forms.FileInput(attrs={"accept": ",".join(requirement.accepted_types or [])}),
            )

    def field_for(self, key: str) -> str:
        return _field_name(key)
