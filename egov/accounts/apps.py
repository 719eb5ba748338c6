from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _on_locked_out(sender, request=None, username=None, **kwargs):
    from egov.accounts.auth import lockout_record

    if request is not None and username:
        lockout_record(request, username)


class AccountsConfig(AppConfig):
    name = "egov.accounts"
    label = "accounts"
    verbose_name = _("Người dùng và vai trò")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        # django-axes announces a lock-out only by signal; the receiver records it through a service.
        user_locked_out.connect(_on_locked_out, dispatch_uid="egov_audit_lockout")
