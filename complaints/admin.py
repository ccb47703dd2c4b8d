from django.contrib import admin
from django.http import HttpRequest

from complaints.models import (
    Category,
    Channel,
    Complaint,
    Customer,
    Emotion,
    Product,
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
    raw_id_fields = ["customer", "owner", "created_by", "product"]
    readonly_fields = ["reference", "status", "created_at", "updated_at"]
    inlines = [TimelineInline]
    show_full_result_count = False
