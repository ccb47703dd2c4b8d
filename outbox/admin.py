from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from outbox.errors import OutboxError
from outbox.models import Message
from outbox.services import retry_message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "subject", "reference", "state", "attempts", "sent_at"]
    list_filter = ["state", "audience", "kind"]
    search_fields = ["to", "reference", "subject", "key"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["retry_failed"]
    # Messages change only through the outbox's services: admins read them and retry failures.
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(
        description="Send the selected failed messages again (uncertain ones: use Undelivered mail)"
    )
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        done = 0
        for message in queryset:
            try:
                retry_message(message=message, actor=request.user)  # type: ignore[arg-type]
                done += 1
            except OutboxError as error:
                self.message_user(request, f"{message}: {error}", messages.WARNING)
        self.message_user(request, f"{done} message(s) queued again.", messages.SUCCESS)
