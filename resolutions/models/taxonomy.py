"""Admin-managed vocabularies: root causes, solution/compensation kinds, recovery steps."""

from django.db import models


class RootCause(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CompensationKind(models.Model):
    """A practical remedy: refund, replacement, repair, discount, store credit, ..."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    zero_value_allowed = models.BooleanField(
        default=False,
        help_text="A remedy with no money value (for example priority service) may be recorded at 0.",
    )
    is_money = models.BooleanField(
        "money or money's worth",
        default=False,
        help_text="A refund, credit or discount: when the customer chooses a solution of this kind "
        "with a value, that value becomes the case's compensation without being typed again.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RecoveryStep(models.Model):
    """The service-recovery steps an agent confirms when resolving; admins choose which are required.

    The set of steps is fixed (each is a column on Resolution, so insights can count them);
    only the label, help text, suggested wording and whether it is required are editable.
    """

    class Code(models.TextChoices):
        LISTENED = "listened", "Customer listened to and summary confirmed"
        EMOTION = "emotion_acknowledged", "Emotion acknowledged"
        APOLOGY = "apology_given", "Apology given"
        OWNERSHIP = "ownership_taken", "Ownership taken"

    code = models.CharField(max_length=40, choices=Code.choices, unique=True)
    label = models.CharField(max_length=120)
    help_text = models.CharField(max_length=300, blank=True)
    suggested_wording = models.TextField(
        max_length=1_000,
        blank=True,
        help_text="What an agent might say for this step; shown beside it on the case and the resolve form.",
    )
    is_required = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label
