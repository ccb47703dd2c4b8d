from django.contrib import admin
from django.http import HttpRequest

from insights.models import Problem, Team
from insights.services.teams import ensure_digest_schedule


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "time_zone", "digest_schedule"]
    filter_horizontal = ["members"]
    readonly_fields = ["digest_schedule"]

    def save_model(self, request: HttpRequest, obj: Team, form: object, change: bool) -> None:
        super().save_model(request, obj, form, change)
        ensure_digest_schedule(team=obj)  # a new team gets its Monday 09:00 entry


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "category", "root_cause", "corrective_action_on"]
    list_filter = ["status"]
    raw_id_fields = ["lessons"]
    readonly_fields = ["created_by"]
