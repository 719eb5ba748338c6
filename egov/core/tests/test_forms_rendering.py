"""GOV.UK Frontend markup from the form renderer, the error summary, pagination and the page shell."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import include, path
from django.utils import translation

from egov.core.forms import GovukBoundField, GovukFormRenderer, widget_kind

RENDERER = "egov.core.forms.GovukFormRenderer"

# The shell's links need only these URLs; the tests use this module as the URLconf so that they do not
# depend on the rest of the project's URLs.
urlpatterns = [
    path(
        "",
        include(
            (
                [
                    path("", lambda request: HttpResponse("home"), name="home"),
                    path("about/", lambda request: HttpResponse("about"), name="about"),
                ],
                "core",
            )
        ),
    ),
    path("i18n/", include("django.conf.urls.i18n")),
]


class EveryWidgetForm(forms.Form):
    name = forms.CharField(label="Họ và tên", help_text="Như trên căn cước")
    email = forms.EmailField(label="Thư điện tử", required=False)
    website = forms.URLField(label="Trang web", required=False, assume_scheme="https")
    staff = forms.IntegerField(label="Số cán bộ", required=False)
    password = forms.CharField(label="Mật khẩu", widget=forms.PasswordInput, required=False)
    note = forms.CharField(label="Ghi chú", widget=forms.Textarea, required=False)
    level = forms.ChoiceField(label="Cấp", choices=[("", "Chọn"), ("tinh", "Tỉnh"), ("xa", "Xã")])
    agree = forms.BooleanField(label="Tôi xác nhận", help_text="Thông tin là đúng", required=False)
    days = forms.MultipleChoiceField(
        label="Ngày làm việc",
        choices=[("t2", "Thứ Hai"), ("t3", "Thứ Ba")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    kind = forms.ChoiceField(
        label="Loại đơn vị",
        choices=[("hc", "Hành chính"), ("sn", "Sự nghiệp")],
        widget=forms.RadioSelect,
        help_text="Theo quyết định thành lập",
    )
    start = forms.DateField(label="Ngày bắt đầu", required=False)
    at = forms.TimeField(label="Giờ", required=False)
    attachment = forms.FileField(label="Tệp đính kèm", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def html_of(markup: str, element_id: str) -> str:
    """The opening tag of the element with this id."""
    match = re.search(rf'<[a-z]+\b[^>]*\bid="{re.escape(element_id)}"[^>]*>', markup)
    assert match, f"no element with id={element_id!r}"
    return match.group(0)


def classes_of(tag: str) -> set[str]:
    match = re.search(r'\bclass="([^"]*)"', tag)
    return set(match.group(1).split()) if match else set()


def attr(tag: str, name: str) -> str | None:
    match = re.search(rf'\b{name}="([^"]*)"', tag)
    return match.group(1) if match else None


def form_group_of(markup: str, element_id: str) -> str:
    """The govuk-form-group that holds the element with this id."""
    position = markup.index(f'id="{element_id}"')
    start = markup.rindex('<div class="govuk-form-group', 0, position)
    return markup[start:position]


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def clean_form():
    return EveryWidgetForm(renderer=GovukFormRenderer())


@pytest.fixture
def bound_form():
    form = EveryWidgetForm(
        data={"name": "", "level": "", "kind": "", "start": "2025-13-40", "at": "25:99"},
        renderer=GovukFormRenderer(),
    )
    assert not form.is_valid()
    return form


class TestWidgets:
    def test_renderer_uses_govuk_bound_fields(self, clean_form):
        assert isinstance(clean_form["name"], GovukBoundField)

    @pytest.mark.parametrize(
        ("field", "input_type"),
        [
            ("name", "text"),
            ("email", "email"),
            ("website", "url"),
            ("staff", "number"),
            ("password", "password"),
        ],
    )
    def test_text_like_inputs(self, clean_form, field, input_type):
        tag = html_of(str(clean_form), f"id_{field}")
        assert tag.startswith("<input")
        assert attr(tag, "type") == input_type
        assert classes_of(tag) == {"govuk-input"}

    def test_label_and_hint(self, clean_form):
        html = str(clean_form)
        assert '<label class="govuk-label govuk-label--s" for="id_name">Họ và tên</label>' in html
        assert '<div class="govuk-hint" id="id_name_helptext">Như trên căn cước</div>' in html
        assert attr(html_of(html, "id_name"), "aria-describedby") == "id_name_helptext"

    def test_optional_fields_say_so(self, clean_form):
        html = clean_form["email"].as_field_group()
        assert 'for="id_email">Thư điện tử <span class="egov-optional">(không bắt buộc)</span></label>' in html
        assert "không bắt buộc" not in clean_form["name"].as_field_group()

    def test_every_visible_field_is_a_form_group(self, clean_form):
        html = str(clean_form)
        assert html.count('<div class="govuk-form-group">') == len(clean_form.visible_fields())

    def test_textarea(self, clean_form):
        tag = html_of(str(clean_form), "id_note")
        assert tag.startswith("<textarea")
        assert classes_of(tag) == {"govuk-textarea"}

    def test_select(self, clean_form):
        tag = html_of(str(clean_form), "id_level")
        assert tag.startswith("<select")
        assert classes_of(tag) == {"govuk-select"}

    def test_single_checkbox(self, clean_form):
        html = clean_form["agree"].as_field_group()
        tag = html_of(html, "id_agree")
        assert attr(tag, "type") == "checkbox"
        assert classes_of(tag) == {"govuk-checkboxes__input"}
        assert attr(tag, "aria-describedby") == "id_agree_helptext"
        assert '<div class="govuk-checkboxes" data-module="govuk-checkboxes">' in html
        assert '<div class="govuk-checkboxes__item">' in html
        assert '<label class="govuk-label govuk-checkboxes__label" for="id_agree">Tôi xác nhận</label>' in html
        assert 'class="govuk-hint govuk-checkboxes__hint" id="id_agree_helptext"' in html
        assert "<fieldset" not in html

    def test_checkbox_group_in_fieldset(self, clean_form):
        html = clean_form["days"].as_field_group()
        assert '<fieldset class="govuk-fieldset">' in html
        assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Ngày làm việc' in html
        assert '<div class="govuk-checkboxes" data-module="govuk-checkboxes">' in html
        assert html.count('<div class="govuk-checkboxes__item">') == 2
        for index, label in enumerate(["Thứ Hai", "Thứ Ba"]):
            tag = html_of(html, f"id_days_{index}")
            assert attr(tag, "type") == "checkbox"
            assert attr(tag, "name") == "days"
            assert classes_of(tag) == {"govuk-checkboxes__input"}
            assert f'<label class="govuk-label govuk-checkboxes__label" for="id_days_{index}">{label}</label>' in html

    def test_radios_in_fieldset_described_by_hint(self, clean_form):
        html = clean_form["kind"].as_field_group()
        assert '<fieldset class="govuk-fieldset" aria-describedby="id_kind_helptext">' in html
        assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Loại đơn vị</legend>' in html
        assert '<div class="govuk-hint" id="id_kind_helptext">Theo quyết định thành lập</div>' in html
        assert '<div class="govuk-radios" data-module="govuk-radios">' in html
        assert html.count('<div class="govuk-radios__item">') == 2
        tag = html_of(html, "id_kind_1")
        assert attr(tag, "type") == "radio"
        assert attr(tag, "value") == "sn"
        assert classes_of(tag) == {"govuk-radios__input"}
        # The group is described once, on the fieldset, not on every option.
        assert attr(tag, "aria-describedby") is None
        assert '<label class="govuk-label govuk-radios__label" for="id_kind_1">Sự nghiệp</label>' in html

    def test_radio_modifiers_go_on_the_group(self):
        class Inline(forms.Form):
            answer = forms.ChoiceField(
                choices=[("y", "Có"), ("n", "Không")],
                widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
            )

        html = str(Inline(renderer=GovukFormRenderer()))
        assert '<div class="govuk-radios govuk-radios--inline" data-module="govuk-radios">' in html

    def test_date_is_a_native_date_input_with_iso_value(self):
        form = EveryWidgetForm(initial={"start": "2025-03-09"}, renderer=GovukFormRenderer())
        with translation.override("vi"):
            tag = html_of(str(form), "id_start")
        assert attr(tag, "type") == "date"
        assert classes_of(tag) == {"govuk-input", "govuk-input--width-10"}

        import datetime

        form = EveryWidgetForm(initial={"start": datetime.date(2025, 3, 9)}, renderer=GovukFormRenderer())
        assert attr(html_of(str(form), "id_start"), "value") == "2025-03-09"

    def test_date_field_accepts_what_the_date_input_sends(self):
        form = EveryWidgetForm(
            data={"name": "A", "level": "xa", "kind": "hc", "start": "2025-03-09"},
            renderer=GovukFormRenderer(),
        )
        assert form.is_valid(), form.errors
        assert str(form.cleaned_data["start"]) == "2025-03-09"

    def test_time_is_a_native_time_input(self):
        import datetime

        form = EveryWidgetForm(initial={"at": datetime.time(7, 30)}, renderer=GovukFormRenderer())
        tag = html_of(str(form), "id_at")
        assert attr(tag, "type") == "time"
        assert attr(tag, "value") == "07:30"
        assert classes_of(tag) == {"govuk-input", "govuk-input--width-5"}

    def test_file_upload(self, clean_form):
        tag = html_of(str(clean_form), "id_attachment")
        assert attr(tag, "type") == "file"
        assert classes_of(tag) == {"govuk-file-upload"}

    def test_clearable_file_input_with_a_current_file(self):
        class WithFile(forms.Form):
            attachment = forms.FileField(required=False)  # ClearableFileInput

        current = type("F", (), {"url": "/media/qd-01.pdf", "__str__": lambda self: "qd-01.pdf"})()
        html = str(WithFile(initial={"attachment": current}, renderer=GovukFormRenderer()))
        assert '<a class="govuk-link" href="/media/qd-01.pdf">qd-01.pdf</a>' in html
        assert (
            'class="govuk-checkboxes__input" type="checkbox" name="attachment-clear" id="attachment-clear_id"' in html
        )
        assert classes_of(html_of(html, "id_attachment")) == {"govuk-file-upload"}

    def test_hidden_input_untouched(self, clean_form):
        html = str(clean_form)
        assert '<input type="hidden" name="token" id="id_token">' in html
        assert html.count("govuk-form-group") == len(clean_form.visible_fields())

    def test_existing_classes_are_kept(self):
        class Narrow(forms.Form):
            code = forms.CharField(widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}))

        tag = html_of(str(Narrow(renderer=GovukFormRenderer())), "id_code")
        assert classes_of(tag) == {"govuk-input", "govuk-input--width-10"}

    def test_widget_kinds(self):
        assert widget_kind(forms.SelectMultiple()) == "select"
        assert widget_kind(forms.NullBooleanSelect()) == "select"
        assert widget_kind(forms.HiddenInput()) == "hidden"
        assert widget_kind(forms.MultipleHiddenInput()) == "hidden"
        assert widget_kind(forms.ClearableFileInput()) == "file"
        assert widget_kind(forms.DateTimeInput()) == "input"


class TestErrors:
    def test_text_input_error(self, bound_form):
        html = str(bound_form)
        group = form_group_of(html, "id_name")
        assert group.startswith('<div class="govuk-form-group govuk-form-group--error">')
        assert (
            '<p class="govuk-error-message" id="id_name_error">'
            '<span class="govuk-visually-hidden">Lỗi:</span> Trường này là bắt buộc.</p>'
        ) in html
        tag = html_of(html, "id_name")
        assert classes_of(tag) == {"govuk-input", "govuk-input--error"}
        assert attr(tag, "aria-invalid") == "true"
        assert attr(tag, "aria-describedby") == "id_name_helptext id_name_error"

    def test_order_label_hint_error_control(self, bound_form):
        html = bound_form["name"].as_field_group()
        positions = [html.index(s) for s in ("<label", 'class="govuk-hint"', 'class="govuk-error-message"', "<input")]
        assert positions == sorted(positions)

    def test_select_error(self, bound_form):
        tag = html_of(str(bound_form), "id_level")
        assert classes_of(tag) == {"govuk-select", "govuk-select--error"}
        assert attr(tag, "aria-describedby") == "id_level_error"

    def test_date_and_time_errors(self, bound_form):
        html = str(bound_form)
        assert classes_of(html_of(html, "id_start")) == {
            "govuk-input",
            "govuk-input--width-10",
            "govuk-input--error",
        }
        assert classes_of(html_of(html, "id_at")) == {
            "govuk-input",
            "govuk-input--width-5",
            "govuk-input--error",
        }
        assert 'id="id_start_error"' in html

    def test_radio_group_error_on_fieldset(self, bound_form):
        html = bound_form["kind"].as_field_group()
        assert html.startswith('<div class="govuk-form-group govuk-form-group--error">')
        assert '<fieldset class="govuk-fieldset" aria-describedby="id_kind_helptext id_kind_error">' in html
        assert '<p class="govuk-error-message" id="id_kind_error">' in html
        # radios have no error modifier class in GOV.UK Frontend
        assert classes_of(html_of(html, "id_kind_0")) == {"govuk-radios__input"}

    def test_textarea_and_file_error_modifiers(self):
        class Both(forms.Form):
            text = forms.CharField(widget=forms.Textarea)
            upload = forms.FileField()

        form = Both(data={}, files={}, renderer=GovukFormRenderer())
        html = str(form)
        assert classes_of(html_of(html, "id_text")) == {"govuk-textarea", "govuk-textarea--error"}
        assert classes_of(html_of(html, "id_upload")) == {"govuk-file-upload", "govuk-file-upload--error"}
        form = Both(
            data={"text": "x"},
            files={"upload": SimpleUploadedFile("a.txt", b"a")},
            renderer=GovukFormRenderer(),
        )
        assert form.is_valid()

    def test_several_errors_share_one_message(self):
        class Code(forms.Form):
            code = forms.CharField()

            def clean_code(self):
                raise forms.ValidationError(["Sai định dạng.", "Đã có đơn vị dùng mã này."])

        html = str(Code(data={"code": "x"}, renderer=GovukFormRenderer()))
        assert html.count('class="govuk-error-message"') == 1
        assert "Sai định dạng.<br>Đã có đơn vị dùng mã này.</p>" in html


class TestSettingAndTemplates:
    @override_settings(FORM_RENDERER=RENDERER)
    def test_form_renderer_setting(self):
        from django.forms.renderers import get_default_renderer

        get_default_renderer.cache_clear()
        try:
            form = EveryWidgetForm()
            assert isinstance(form["name"], GovukBoundField)
            html = Template("{{ form.name.as_field_group }}").render(Context({"form": form}))
            assert '<div class="govuk-form-group">' in html
            assert classes_of(html_of(html, "id_name")) == {"govuk-input"}
        finally:
            get_default_renderer.cache_clear()

    def test_error_summary(self, bound_form):
        bound_form.add_error(None, "Không lưu được: dữ liệu đã thay đổi.")
        bound_form.add_error("token", "Phiên không hợp lệ.")
        html = render_to_string("core/includes/error_summary.html", {"form": bound_form})
        assert '<div class="govuk-error-summary" data-module="govuk-error-summary">' in html
        assert '<div role="alert">' in html
        assert '<h2 class="govuk-error-summary__title">Có lỗi cần sửa</h2>' in html
        assert "<li>Không lưu được: dữ liệu đã thay đổi.</li>" in html
        assert '<li><a href="#id_name">Họ và tên: Trường này là bắt buộc.</a></li>' in html
        assert '<li><a href="#id_level">Cấp: Trường này là bắt buộc.</a></li>' in html
        # a radio group is reached through its first option
        assert '<li><a href="#id_kind_0">Loại đơn vị: Trường này là bắt buộc.</a></li>' in html
        # a hidden field has nothing to link to
        assert "<li>Phiên không hợp lệ.</li>" in html
        # non-field errors first, then fields in form order
        assert html.index("dữ liệu đã thay đổi") < html.index("#id_name") < html.index("#id_level")

    def test_error_summary_empty_without_errors(self, clean_form):
        assert render_to_string("core/includes/error_summary.html", {"form": clean_form}).strip() == ""

    def test_pagination_keeps_other_parameters(self):
        request = RequestFactory().get("/people/?q=Nguy%E1%BB%85n&page=7")
        page_obj = Paginator(list(range(200)), 10).page(7)
        html = render_to_string("core/includes/pagination.html", {"page_obj": page_obj, "request": request})
        assert '<nav class="govuk-pagination" aria-label="Phân trang">' in html
        assert 'href="?q=Nguy%E1%BB%85n&amp;page=6" rel="prev"' in html
        assert 'href="?q=Nguy%E1%BB%85n&amp;page=8" rel="next"' in html
        assert '<li class="govuk-pagination__item govuk-pagination__item--current">' in html
        assert 'aria-label="Trang 7" aria-current="page">7</a>' in html
        assert html.count("govuk-pagination__item--ellipsis") == 2
        assert 'href="?q=Nguy%E1%BB%85n&amp;page=20"' in html

    def test_pagination_hidden_for_one_page(self):
        page_obj = Paginator([1, 2], 10).page(1)
        assert render_to_string("core/includes/pagination.html", {"page_obj": page_obj}).strip() == ""


class TestShell:
    """core/base.html rendered with and without the shell's context."""

    @pytest.fixture(autouse=True)
    def urls(self, settings):
        settings.ROOT_URLCONF = __name__

    def render(self, template, context, user=None):
        request = RequestFactory().get("/organisations/?q=x")
        request.user = user or AnonymousUser()
        request.META["CSRF_COOKIE"] = "a" * 32
        from django.middleware.csrf import get_token

        context = {"request": request, "csrf_token": get_token(request), **context}
        return Template(
            "{% extends '" + template + "' %}{% block title %}Cơ quan{% endblock %}"
            "{% block content %}<h1>Nội dung</h1>{% endblock %}"
        ).render(Context(context))

    def test_anonymous_page_without_shell_context(self):
        html = self.render("core/base.html", {})
        assert '<html lang="vi" class="govuk-template">' in html
        assert "<title>Cơ quan – " in html
        assert '<a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">' in html
        assert '<main class="govuk-main-wrapper" id="main-content">' in html
        assert 'class="egov-wordmark__product">egov</span>' in html
        assert "Đăng xuất" not in html
        assert "govuk-service-navigation__list" not in html
        assert 'hx-headers=\'{"X-CSRFToken": "' in html

    def test_signed_in_shell(self):
        user = SimpleNamespace(is_authenticated=True, full_name="Trần Văn An", get_username=lambda: "an")
        context = {
            "site_name": "Chính quyền điện tử",
            "nav_items": [
                {"label": "Trang chủ", "url": "/", "active": False},
                {"label": "Cơ quan, đơn vị", "url": "/organisations/", "active": True},
            ],
            "acting_org": SimpleNamespace(name="Sở Tư pháp"),
            "acting_orgs": ["a", "b"],
            "acting_org_switch_url": "/account/org/",
            "account_url": "/account/",
            "logout_url": "/logout/",
        }
        html = self.render("core/base.html", context, user=user)
        assert "<title>Cơ quan – Chính quyền điện tử</title>" in html
        assert '<span class="egov-wordmark__site">Chính quyền điện tử</span>' in html
        assert "Trần Văn An" in html
        assert '<strong class="egov-acting-org__name">Sở Tư pháp</strong>' in html
        assert 'href="/account/org/">Đổi đơn vị</a>' in html
        assert '<a class="govuk-link govuk-link--inverse" href="/account/">Tài khoản</a>' in html
        assert re.search(r'<form method="post" action="/logout/"><input type="hidden" name="csrfmiddlewaretoken"', html)
        assert (
            '<a class="govuk-service-navigation__link" href="/organisations/" aria-current="true">'
            '<strong class="govuk-service-navigation__active-fallback">Cơ quan, đơn vị</strong></a>'
        ) in html
        assert '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">' in html

    def test_one_acting_org_has_no_switch_link(self):
        user = SimpleNamespace(is_authenticated=True, full_name="An", get_username=lambda: "an")
        html = self.render(
            "core/base.html",
            {
                "acting_org": SimpleNamespace(name="Sở Tư pháp"),
                "acting_orgs": ["a"],
                "acting_org_switch_url": "/x/",
            },
            user=user,
        )
        assert "Sở Tư pháp" in html
        assert "Đổi đơn vị" not in html

    def test_language_switch(self):
        html = self.render("core/base_plain.html", {})
        assert '<form method="post" action="/i18n/setlang/">' in html
        assert '<input type="hidden" name="next" value="/organisations/?q=x">' in html
        assert '<span class="govuk-language-navigation__text" aria-current="true" lang="vi">Tiếng Việt</span>' in html
        assert '<button type="submit" name="language" value="en" lang="en"' in html
        with translation.override("en"):
            html = self.render("core/base_plain.html", {})
        assert '<html lang="en" class="govuk-template">' in html
        assert 'aria-current="true" lang="en">English</span>' in html

    def test_messages_as_notification_banners(self):
        from django.contrib.messages import constants
        from django.contrib.messages.storage.base import Message

        html = self.render(
            "core/base.html",
            {"messages": [Message(constants.SUCCESS, "Đã lưu."), Message(constants.INFO, "Lưu ý.")]},
        )
        assert (
            '<div class="govuk-notification-banner govuk-notification-banner--success" role="alert" '
            'aria-labelledby="egov-message-1-title" data-module="govuk-notification-banner">'
        ) in html
        assert 'role="region" aria-labelledby="egov-message-2-title"' in html
        assert 'data-disable-auto-focus="true"' in html

    def test_no_crown_or_gov_uk_wording(self):
        html = self.render("core/base.html", {})
        for word in ("GOV.UK", "Crown", "crown", "GDS Transport", "Open Government Licence"):
            assert word not in html

    @pytest.mark.parametrize("name", ["404.html", "403.html", "400.html", "core/404.html", "core/403.html"])
    def test_error_pages_with_request(self, name):
        request = RequestFactory().get("/missing")
        request.user = AnonymousUser()
        html = render_to_string(name, {}, request=request)
        assert '<main class="govuk-main-wrapper" id="main-content">' in html

    @pytest.mark.parametrize("name", ["500.html", "core/500.html", "403_csrf.html"])
    def test_pages_without_a_request(self, name):
        html = render_to_string(name)
        assert '<html lang="vi" class="govuk-template">' in html
        assert "egov/egov.css" in html
