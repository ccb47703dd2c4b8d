from django.apps import AppConfig


class ResolutionsConfig(AppConfig):
    name = "resolutions"
    verbose_name = "Resolution and compensation"

    def ready(self) -> None:
        from resolutions.panels import register_panels

        register_panels()
