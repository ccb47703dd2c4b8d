from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from accounts.services import PASSWORD_RESET, PasswordResetKind
        from outbox.registry import register_kind

        register_kind(PASSWORD_RESET, PasswordResetKind)
