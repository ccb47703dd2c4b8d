from django.apps import AppConfig
from django.db.backends.signals import connection_created


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal operations"

    def ready(self) -> None:
        from portal.timestamps import use_c_timestamps

        connection_created.connect(use_c_timestamps, dispatch_uid="portal.use_c_timestamps")
