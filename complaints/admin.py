from django import forms
from django.contrib import admin
from django.http import HttpRequest

from complaints.canned import HELP_TEXT
from complaints.models import (
    CannedResponse,
    Category,
    Channel,
    Complaint,
    Customer,
    Emotion,
    Holiday,
    OpeningHours,
    Product,
    ResponseTarget,
    Severity,
    TimelineEvent,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "is_active"]
    list_filter = ["is_active", "category"]
    search_fields = ["name"]


@admin.register(Channel, Emotion)
class SimpleOptionAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]


@admin.register(Severity)
class SeverityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "rank", "is_active"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone", "preferred_channel", "time_zone"]
    search_fields = ["name", "email", "phone"]


class TimelineInline(admin.TabularInline):
    model = TimelineEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "actor_label", "from_status", "to_status", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "customer",
        "status",
        "category",
        "severity",
        "owner",
        "received_at",
    ]
    list_filter = ["status", "severity", "category", "source"]
    search_fields = ["reference", "customer__name", "customer__email"]
    list_select_related = ["customer", "category", "severity", "owner"]
    inlines = [TimelineInline]
    show_full_result_count = False

    # Cases are worked in the portal, whose services write every change to the timeline; here
    # they can be looked up, not changed or deleted behind the timeline's back.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ResponseTarget)
class ResponseTargetAdmin(admin.ModelAdmin):
    list_display = ["severity", "category", "first_response_hours", "resolution_hours", "hours_kind"]
    list_filter = ["severity", "hours_kind"]
    list_select_related = ["severity", "category"]
    autocomplete_fields = ["category"]


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ["weekday", "opens", "closes"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "region"]
    list_filter = ["region"]
    date_hierarchy = "date"


class CannedResponseForm(forms.ModelForm):
    class Meta:
        model = CannedResponse
        fields = ["name", "purpose", "is_active", "waits_on_customer", "subject", "body"]
        help_texts = {"subject": "Line breaks are joined into one line.", "body": HELP_TEXT}


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    form = CannedResponseForm
    list_display = ["name", "purpose", "waits_on_customer", "is_active"]
    list_filter = ["purpose", "is_active"]
    search_fields = ["name", "subject", "body"]
    fieldsets = [
        (None, {"fields": ["name", "purpose", "is_active", "waits_on_customer"]}),
        (
            "Text",
            {
                "fields": ["subject", "body"],
                "description": "Rendered for each case with plain values only: the variables "
                "listed under the body; anything else (such as a field of a related record) renders "
                "as nothing.",
            },
        ),
    ]
