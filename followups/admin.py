from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from followups.errors import FollowUpError
from followups.models import FollowUp, FollowUpPolicy, FollowUpStep
from followups.services.operations import cancel_followup, retry_followup


class FollowUpStepInline(admin.StackedInline):
    model = FollowUpStep
    extra = 0
    fieldsets = [
        (None, {"fields": ["order", "channel", ("delay", "delay_unit"), "email_template", "call_script"]}),
        ("Allowed local time", {"fields": [("start_hour", "end_hour"), "weekdays"]}),
        (
            "If the customer does not answer",
            {"fields": [("retries", "retry_delay"), ("fallback_channel", "fallback_delay", "fallback_unit")]},
        ),
    ]


@admin.register(FollowUpPolicy)
class FollowUpPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "category", "min_severity", "compensation_given"]
    list_filter = ["is_active"]
    inlines = [FollowUpStepInline]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = [
        "complaint",
        "customer",
        "channel",
        "purpose",
        "state",
        "due_at",
        "attempts",
        "last_error",
    ]
    list_filter = ["state", "channel", "purpose", "due_at"]
    search_fields = ["complaint__reference", "customer__email", "customer__name"]
    list_select_related = ["complaint", "customer"]
    date_hierarchy = "due_at"
    show_full_result_count = False
    actions = ["retry_selected", "cancel_selected"]
    # Rows change only through the services: admins see them and act with the actions.
    readonly_fields = [f.name for f in FollowUp._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(
        description="Send the selected failed follow-ups again (uncertain ones: confirm on the staff page)"
    )
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[FollowUp]) -> None:
        self._apply(request, queryset, lambda f: retry_followup(followup=f, actor=request.user), "retried")  # type: ignore[arg-type]

    @admin.action(description="Cancel the selected pending follow-ups")
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[FollowUp]) -> None:
        self._apply(
            request,
            queryset,
            lambda f: cancel_followup(followup=f, actor=request.user, reason="Cancelled in admin"),  # type: ignore[arg-type]
            "cancelled",
        )

    def _apply(self, request: HttpRequest, queryset: QuerySet[FollowUp], action, verb: str) -> None:  # type: ignore[no-untyped-def]
        done = 0
        for followup in queryset:
            try:
                action(followup)
                done += 1
            except FollowUpError as error:
                self.message_user(request, f"{followup}: {error}", messages.WARNING)
        self.message_user(request, f"{done} follow-up(s) {verb}.", messages.SUCCESS)
