from typing import Any

from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = "Follow-ups"

    def ready(self) -> None:
        from complaints.signals import case_reopened, case_withdrawn
        from followups.panels import register_panels
        from followups.services.delivery import SurveyKind
        from followups.services.release import SURVEY_KIND, release_due_followups
        from outbox import registry

        register_panels()
        registry.register_kind(SURVEY_KIND, SurveyKind)
        registry.add_producer(release_due_followups)
        case_reopened.connect(_stop_followups, dispatch_uid="followups.case_reopened")
        case_withdrawn.connect(_stop_followups, dispatch_uid="followups.case_withdrawn")


def _stop_followups(sender: object, *, complaint: Any, reason: str, now: Any, **kwargs: Any) -> None:
    from followups.services.scheduling import cancel_pending_followups

    cancel_pending_followups(complaint=complaint, reason=reason, now=now)
