from django.urls import path

from egov.accounts.views import account, apikeys, auth, people

app_name = "accounts"
urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("login/verify/", auth.login_otp_view, name="login_otp"),
    path("logout/", auth.logout_view, name="logout"),
    path("password-reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth.auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("password-reset/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "password-reset/complete/",
        auth.auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("account/", account.account, name="account"),
    path("account/password/", account.password_change, name="password_change"),
    path("account/two-factor/", account.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/disable/", account.two_factor_disable, name="two_factor_disable"),
    path("account/acting-organisation/", account.acting_org_choose, name="acting_org_choose"),
    path("account/acting-organisation/switch/", account.acting_org_switch, name="acting_org_switch"),
    path("people/", people.people_list, name="people"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/units/", people.person_membership_add, name="person_membership_add"),
    path(
        "people/<int:pk>/units/<int:membership_id>/remove/",
        people.person_membership_remove,
        name="person_membership_remove",
    ),
    path("people/<int:pk>/roles/", people.person_role_assign, name="person_role_assign"),
    path("people/<int:pk>/roles/<int:assignment_id>/revoke/", people.person_role_revoke, name="person_role_revoke"),
    path("people/<int:pk>/deactivate/", people.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/activate/", people.person_activate, name="person_activate"),
    path("people/<int:pk>/unlock/", people.person_unlock, name="person_unlock"),
    path("people/<int:pk>/reset-two-factor/", people.person_reset_2fa, name="person_reset_2fa"),
    path("api-keys/", apikeys.api_keys, name="api_keys"),
    path("api-keys/<int:pk>/revoke/", apikeys.api_key_revoke, name="api_key_revoke"),
]
