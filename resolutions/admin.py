from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from resolutions.errors import ResolutionError
from resolutions.models import (
    BudgetUsage,
    Compensation,
    CompensationKind,
    CompensationPolicy,
    CompensationStatus,
    RecoveryStep,
    Resolution,
    RootCause,
    SolutionOffered,
)
from resolutions.services.compensation import approve_compensation, reject_compensation


@admin.register(RootCause)
class RootCauseAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


@admin.register(CompensationKind)
class CompensationKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "zero_value_allowed", "is_money", "is_active"]
    list_filter = ["is_active", "zero_value_allowed", "is_money"]
    search_fields = ["name", "code"]


@admin.register(RecoveryStep)
class RecoveryStepAdmin(admin.ModelAdmin):
    """The steps are fixed (each is recorded on every resolution); admins choose which are required
    and what agents are offered to say for each."""

    list_display = ["label", "code", "suggested_wording", "is_required", "position"]
    list_editable = ["is_required", "position"]
    fields = ["code", "label", "help_text", "suggested_wording", "is_required", "position"]
    readonly_fields = ["code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CompensationPolicy)
class CompensationPolicyAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "category",
        "severity",
        "currency",
        "agent_limit",
        "supervisor_limit",
        "hard_maximum",
        "monthly_budget",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["currency", "severity", "category", "effective_from"]
    search_fields = ["name", "category__name", "suggested_remedy"]
    list_select_related = ["category", "severity"]
    filter_horizontal = ["allowed_kinds"]
    history_list_display = ["agent_limit", "supervisor_limit", "hard_maximum", "monthly_budget"]


@admin.register(BudgetUsage)
class BudgetUsageAdmin(admin.ModelAdmin):
    """Read-only: the ledger is written only by the compensation services."""

    list_display = ["month", "category", "currency", "committed", "updated_at"]
    list_filter = ["month", "currency", "category"]
    search_fields = ["category__name"]
    list_select_related = ["category"]
    date_hierarchy = "month"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class SolutionInline(admin.TabularInline):
    model = SolutionOffered
    extra = 0
    can_delete = False
    fields = ("kind", "details", "value", "currency", "chosen", "chosen_by_customer_at", "offered_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    list_display = ["complaint", "status", "root_cause", "preventable", "resolved_by", "created_at"]
    list_filter = ["status", "root_cause", "preventable", "created_at"]
    search_fields = ["complaint__reference", "outcome", "lesson_learned"]
    list_select_related = ["complaint", "root_cause", "resolved_by"]
    inlines = [SolutionInline]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        # Outcomes are a record of what happened; only the lesson may be reworded for the team.
        return [f.name for f in Resolution._meta.concrete_fields if f.name != "lesson_learned"]


@admin.register(Compensation)
class CompensationAdmin(admin.ModelAdmin):
    list_display = [
        "complaint",
        "kind",
        "amount",
        "currency",
        "status",
        "proposed_by",
        "approved_by",
        "proposed_at",
        "external_reference",
    ]
    list_filter = ["status", "kind", "currency", "budget_category", "proposed_at"]
    search_fields = ["complaint__reference", "external_reference", "reason", "complaint__customer__name"]
    list_select_related = ["complaint", "kind", "proposed_by", "approved_by"]
    actions = ["approve_selected", "reject_selected"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        # Status, amounts and decisions change only through the services (and their checks).
        return [f.name for f in Compensation._meta.concrete_fields]  # type: ignore[return-value]

    def _decide(self, request: HttpRequest, queryset: QuerySet[Compensation], approve: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        done = 0
        # Oldest request first: when the budget runs out, it runs out for the latest requests.
        for compensation in queryset.filter(status=CompensationStatus.PROPOSED).order_by("proposed_at", "pk"):
            try:
                if approve:
                    approve_compensation(compensation=compensation, actor=actor, reason="Approved in admin.")  # type: ignore[arg-type]
                else:
                    reject_compensation(compensation=compensation, actor=actor, reason="Rejected in admin.")  # type: ignore[arg-type]
                done += 1
            except ResolutionError as refusal:
                self.message_user(request, f"{compensation.complaint}: {refusal}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} compensation(s) {'approved' if approve else 'rejected'}.")

    @admin.action(description="Approve selected compensation", permissions=["approve"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Compensation]) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description="Reject selected compensation", permissions=["approve"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Compensation]) -> None:
        self._decide(request, queryset, approve=False)

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("resolutions.approve_compensation")
