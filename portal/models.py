from django.db import models


class Heartbeat(models.Model):
    """The last time a background process proved it was alive (read by /health/)."""

    class Source(models.TextChoices):
        BEAT = "beat", "Celery Beat"
        WORKER = "worker", "Celery worker"

    source = models.CharField(max_length=20, choices=Source.choices, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.get_source_display()} at {self.at:%Y-%m-%d %H:%M:%S}"


class SchedulerLease(models.Model):
    """Which Beat process may schedule: one row, held by renewing it. A second Beat started by
    mistake finds it held and stands by; it takes over when the holder stops renewing."""

    name = models.CharField(max_length=40, unique=True)
    holder = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} held by {self.holder or 'nobody'} until {self.expires_at:%H:%M:%S}"
