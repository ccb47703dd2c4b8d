from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import LoginLockout
from accounts.services import unlock_login


@admin.register(LoginLockout)
class LoginLockoutAdmin(admin.ModelAdmin):
    """Who was locked out of logging in, and the action that lets them in again."""

    list_display = ["username", "ip_address", "locked_at", "locked_until", "unlocked_at", "unlocked_by"]
    list_filter = ["unlocked_at"]
    search_fields = ["username", "ip_address"]
    actions = ["unlock"]
    readonly_fields = [f.name for f in LoginLockout._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Unlock selected logins", permissions=["change"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[LoginLockout]) -> None:
        count = 0
        for lockout in queryset:
            unlock_login(lockout=lockout, actor=request.user)  # type: ignore[arg-type]
            count += 1
        self.message_user(
            request,
            f"{count} login{'s' if count != 1 else ''} unlocked: they can log in now.",
            messages.SUCCESS,
        )
