from decimal import Decimal

from django.db import migrations

ROOT_CAUSES = [
    ("product_defect", "Product defect"),
    ("delivery", "Delivery"),
    ("billing", "Billing"),
    ("staff_behaviour", "Staff behaviour"),
    ("miscommunication", "Miscommunication"),
    ("policy", "Policy"),
    ("customer_error", "Customer error"),
    ("other", "Other"),
]
# (code, name, zero value allowed)
KINDS = [
    ("refund", "Refund", False),
    ("replacement", "Replacement", True),
    ("repair", "Repair", True),
    ("discount", "Discount", False),
    ("store_credit", "Store credit", False),
    ("expedited_shipping", "Expedited shipping", True),
    ("priority_service", "Priority service", True),
]
STEPS = [
    ("listened", "Customer listened to and summary confirmed", "Read your summary back; they agreed.", 1),
    ("emotion_acknowledged", "Emotion acknowledged", "Name how they feel before fixing anything.", 2),
    ("apology_given", "Apology given", "A sincere apology, without excuses.", 3),
    ("ownership_taken", "Ownership taken", "You said you would see it through.", 4),
]


def seed(apps, schema_editor):
    RootCause = apps.get_model("resolutions", "RootCause")
    CompensationKind = apps.get_model("resolutions", "CompensationKind")
    RecoveryStep = apps.get_model("resolutions", "RecoveryStep")
    CompensationPolicy = apps.get_model("resolutions", "CompensationPolicy")
    for code, name in ROOT_CAUSES:
        RootCause.objects.get_or_create(code=code, defaults={"name": name})
    kinds = []
    for code, name, zero in KINDS:
        kind, _ = CompensationKind.objects.get_or_create(
            code=code, defaults={"name": name, "zero_value_allowed": zero}
        )
        kinds.append(kind)
    for code, label, help_text, position in STEPS:
        RecoveryStep.objects.get_or_create(
            code=code, defaults={"label": label, "help_text": help_text, "position": position}
        )
    if not CompensationPolicy.objects.exists():
        policy = CompensationPolicy.objects.create(
            name="Default for every case",
            suggested_remedy="Fix the problem first; offer a goodwill gesture where we let the customer down.",
            currency="GBP",
            agent_limit=Decimal("50.00"),
            supervisor_limit=Decimal("250.00"),
            hard_maximum=Decimal("1000.00"),
            monthly_budget=Decimal("5000.00"),
            effective_from="2020-01-01",
        )
        policy.allowed_kinds.set(kinds)


class Migration(migrations.Migration):
    dependencies = [("resolutions", "0001_compensation_and_resolution")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
