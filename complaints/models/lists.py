from django.conf import settings
from django.db import models


class SavedFilter(models.Model):
    """A case list filter a staff member named and comes back to ("my overdue billing cases")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")
    name = models.CharField(max_length=80)
    # The list's query string, as the filter form reads it; re-validated on every use.
    query = models.CharField(max_length=1_000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_filter_name_per_user")]

    def __str__(self) -> str:
        return self.name
