from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Complaints"

    def ready(self) -> None:
        from complaints.mail import case_url, record_mail_on_timeline
        from outbox import registry

        registry.add_observer(record_mail_on_timeline)
        registry.set_case_url(case_url)
