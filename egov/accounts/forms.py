from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import UserKind
from egov.accounts.roles import API_KEY_SCOPES, Perm, Role
from egov.organisations.forms import OrganisationChoiceField
from egov.organisations.models import Organisation


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self.user = authenticate(self.request, username=data["username"], password=data["password"])
        if self.user is None:
            # When django-axes has locked the username, its middleware replaces this page with the lock-out page.
            raise forms.ValidationError(_("Tên đăng nhập hoặc mật khẩu không đúng."), code="invalid_login")
        return data


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực"),
        max_length=12,
        help_text=_("Mã 6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng 8 chữ số."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class PersonForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("Loại tài khoản"), choices=UserKind.choices, initial=UserKind.STAFF)


class PersonCreateForm(PersonForm):
    organisation = OrganisationChoiceField(
        label=_("Đơn vị công tác"), queryset=Organisation.objects.none(), required=False
    )
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Để trống để người dùng tự đặt mật khẩu qua thư điện tử."),
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class MembershipForm(forms.Form):
    organisation = OrganisationChoiceField(label=_("Đơn vị"), queryset=Organisation.objects.none())
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    is_primary = forms.BooleanField(label=_("Đơn vị chính"), required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    organisation = OrganisationChoiceField(
        label=_("Phạm vi (đơn vị)"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("(Toàn hệ thống)"),
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class ApiKeyForm(forms.Form):
    organisation = OrganisationChoiceField(label=_("Cơ quan"), queryset=Organisation.objects.none())
    system_name = forms.CharField(label=_("Tên hệ thống sử dụng khóa"), max_length=150)
    scopes = forms.MultipleChoiceField(
        label=_("Phạm vi quyền"),
        widget=forms.CheckboxSelectMultiple,
        choices=[(p.value, p.label) for p in Perm if p in API_KEY_SCOPES],
    )
    expires_on = forms.DateField(
        label=_("Hết hạn sau ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class TotpConfirmForm(forms.Form):
    token = forms.CharField(
        label=_("Mã 6 chữ số trong ứng dụng"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordResetForm(DjangoPasswordResetForm):
    """Also reaches people whose account was created without a password (they set it by this link)."""

    def get_users(self, email):
        from egov.accounts.models import User

        return (u for u in User.objects.filter(email__iexact=email, is_active=True) if u.email.lower() == email.lower())
