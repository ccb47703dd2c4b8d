from django.db import migrations

SCRIPT = (
    "Hello, this is {agent} from Redress customer care, calling about your complaint {reference}.\n"
    "1. Is the problem resolved for you? If not, what is still wrong?\n"
    "2. How satisfied are you with how we handled it, from 1 to 5?\n"
    "3. Is there anything else we should know or do?"
)


def create_policies(apps, schema_editor):
    Policy = apps.get_model("followups", "FollowUpPolicy")
    Step = apps.get_model("followups", "FollowUpStep")
    Severity = apps.get_model("complaints", "Severity")
    email = {
        "order": 1, "channel": "email", "delay": 3, "delay_unit": "days",
        "email_template": "followups/email/survey", "start_hour": 9, "end_hour": 20, "weekdays": "1,2,3,4,5,6",
    }
    call = {
        "order": 2, "channel": "call", "delay": 5, "delay_unit": "days", "email_template": "",
        "call_script": SCRIPT, "start_hour": 10, "end_hour": 18, "weekdays": "1,2,3,4,5",
        "retries": 2, "retry_delay": 1, "fallback_channel": "email", "fallback_delay": 1,
        "fallback_unit": "business_days",
    }
    standard, created = Policy.objects.get_or_create(name="Standard")
    if created:
        Step.objects.create(policy=standard, **email)
    high = Severity.objects.filter(code="high").first()
    for name, criteria in (
        ("High or critical severity", {"min_severity": high}),
        ("Compensation given", {"compensation_given": True}),
    ):
        policy, created = Policy.objects.get_or_create(name=name, defaults=criteria)
        if created:
            Step.objects.create(policy=policy, **email)
            Step.objects.create(policy=policy, **call)


def remove_policies(apps, schema_editor):
    apps.get_model("followups", "FollowUpPolicy").objects.filter(
        name__in=["Standard", "High or critical severity", "Compensation given"], steps__followups__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("followups", "0001_policies_and_followups"), ("complaints", "0002_default_vocabularies")]

    operations = [migrations.RunPython(create_policies, remove_policies)]
