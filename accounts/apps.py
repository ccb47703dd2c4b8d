from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from accounts.lockouts import record_lockout
        from accounts.services import PASSWORD_RESET, PasswordResetKind
        from outbox.registry import register_kind

        register_kind(PASSWORD_RESET, PasswordResetKind)
        user_locked_out.connect(record_lockout, dispatch_uid="accounts.record_lockout")
