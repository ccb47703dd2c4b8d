from django.db import migrations

CHANNELS = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("web", "Web"),
    ("chat", "Chat"),
    ("letter", "Letter"),
    ("in_person", "In person"),
    ("social", "Social media"),
]
SEVERITIES = [("low", "Low", 10), ("medium", "Medium", 20), ("high", "High", 30), ("critical", "Critical", 40)]
EMOTIONS = ["Frustrated", "Angry", "Disappointed", "Anxious", "Confused", "Upset", "Calm"]


def seed(apps, schema_editor):
    Channel = apps.get_model("complaints", "Channel")
    Severity = apps.get_model("complaints", "Severity")
    Emotion = apps.get_model("complaints", "Emotion")
    for code, name in CHANNELS:
        Channel.objects.get_or_create(code=code, defaults={"name": name})
    for code, name, rank in SEVERITIES:
        Severity.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})
    for name in EMOTIONS:
        Emotion.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
