from typing import Any

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from complaints.signals import cases_imported

        cases_imported.connect(_recount_imported_days, dispatch_uid="insights-recount-imported-days")


def _recount_imported_days(sender: Any, *, first_received: Any, last_received: Any, **kwargs: Any) -> None:
    """Imported cases are mostly old: the periodic refresh (the last three days) would never count
    them, so the days they span are recounted as soon as the import is stored."""
    from insights.services.rollups import recount_imported

    recount_imported(first_received=first_received, last_received=last_received)
