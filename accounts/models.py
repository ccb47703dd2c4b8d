from django.conf import settings
from django.db import models


class LoginLockout(models.Model):
    """One spell of refused logins, for admins to see and lift. The failure counts themselves
    live in the cache (django-axes); this row is written when a lockout starts or is extended."""

    username = models.CharField(max_length=150, blank=True, help_text="The account typed at the login.")
    ip_address = models.CharField("address", max_length=64, blank=True)
    path = models.CharField(max_length=200, blank=True, help_text="The login page used.")
    locked_at = models.DateTimeField()
    locked_until = models.DateTimeField(help_text="Logins are refused until then unless unlocked.")
    unlocked_at = models.DateTimeField(null=True, blank=True)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-locked_at"]
        indexes = [models.Index(fields=["username", "ip_address", "-locked_until"], name="lockout_lookup")]

    def __str__(self) -> str:
        return f"{self.username or '(no username)'} from {self.ip_address or 'an unknown address'}"
