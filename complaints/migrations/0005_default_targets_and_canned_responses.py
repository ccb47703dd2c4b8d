from datetime import time
from decimal import Decimal

from django.db import migrations

# (severity code, first response hours, resolution hours, hours kind)
TARGETS = [
    ("critical", "1", "24", "calendar"),
    ("high", "4", "72", "calendar"),
    ("medium", "8", "40", "business"),
    ("low", "16", "80", "business"),
]
OPENING = [(day, time(9, 0), time(17, 0)) for day in range(5)]

SIGN_OFF = "\n\n{% if message %}{{ message }}\n\n{% endif %}Kind regards,\n{{ agent_name }}\nCustomer care"
CANNED = [
    (
        "Acknowledgement",
        "acknowledgement",
        "We have received your complaint {{ complaint.reference }}",
        "Dear {{ customer.name }},\n\nThank you for telling us about your {{ complaint.category }} "
        "problem. Your complaint is recorded under reference {{ complaint.reference }}; please quote "
        "it if you contact us. We will reply by {{ first_response_due }} at the latest." + SIGN_OFF,
        False,
    ),
    (
        "Apology",
        "apology",
        "We are sorry: {{ complaint.reference }}",
        "Dear {{ customer.name }},\n\nWe are sorry for what happened and for the trouble it caused you. "
        "We are looking into complaint {{ complaint.reference }} and will keep you informed." + SIGN_OFF,
        False,
    ),
    (
        "Request for information",
        "request_information",
        "We need a little more information: {{ complaint.reference }}",
        "Dear {{ customer.name }},\n\nTo resolve complaint {{ complaint.reference }} we need a little "
        "more information from you. Please reply to this email with any order numbers, dates, "
        "photographs or letters that relate to it." + SIGN_OFF,
        True,
    ),
    (
        "Progress update",
        "update",
        "An update on your complaint {{ complaint.reference }}",
        "Dear {{ customer.name }},\n\nWe are still working on complaint {{ complaint.reference }} "
        "and wanted to let you know where it stands." + SIGN_OFF,
        False,
    ),
    (
        "Closing",
        "closing",
        "Your complaint {{ complaint.reference }} is closed",
        "Dear {{ customer.name }},\n\nWe have closed complaint {{ complaint.reference }}. If anything "
        "is still not right, reply to this email and we will reopen it." + SIGN_OFF,
        False,
    ),
]


def seed(apps, schema_editor):
    Severity = apps.get_model("complaints", "Severity")
    ResponseTarget = apps.get_model("complaints", "ResponseTarget")
    OpeningHours = apps.get_model("complaints", "OpeningHours")
    CannedResponse = apps.get_model("complaints", "CannedResponse")
    for code, first, resolution, kind in TARGETS:
        severity = Severity.objects.filter(code=code).first()
        if severity is not None:
            ResponseTarget.objects.get_or_create(
                severity=severity,
                category=None,
                defaults={
                    "first_response_hours": Decimal(first),
                    "resolution_hours": Decimal(resolution),
                    "hours_kind": kind,
                },
            )
    for weekday, opens, closes in OPENING:
        OpeningHours.objects.get_or_create(weekday=weekday, opens=opens, defaults={"closes": closes})
    for name, purpose, subject, body, waits in CANNED:
        CannedResponse.objects.get_or_create(
            name=name,
            defaults={"purpose": purpose, "subject": subject, "body": body, "waits_on_customer": waits},
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_response_targets_canned_responses_case_emails")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
