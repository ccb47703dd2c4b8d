"""Problems: a recurring cause of complaints, the cases linked to it and what was done about it."""

from django.conf import settings
from django.db import models

from complaints.models import Category, Complaint, Product
from resolutions.models import Resolution, RootCause


class ProblemStatus(models.TextChoices):
    OPEN = "open", "Open: being investigated"
    FIXED = "fixed", "Corrective action taken"
    CLOSED = "closed", "Closed"


class Problem(models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=5_000, blank=True)
    # The signature new cases are matched on to suggest links; all optional.
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    root_cause = models.ForeignKey(
        RootCause, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    corrective_action = models.TextField(max_length=5_000, blank=True)
    corrective_action_on = models.DateField("corrective action taken on", null=True, blank=True)
    cases = models.ManyToManyField(Complaint, through="ProblemCase", related_name="+")
    lessons = models.ManyToManyField(Resolution, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ProblemCase(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="links")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["problem", "complaint"], name="problem_case_once")]

    def __str__(self) -> str:
        return f"{self.complaint_id} in {self.problem_id}"
