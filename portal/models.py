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
