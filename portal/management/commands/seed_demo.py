from django.core.management.base import BaseCommand

from portal.demo import seed_demo


class Command(BaseCommand):
    help = "Create demo logins and demo complaints (only when the database has no complaints yet)."

    def handle(self, *args: object, **options: object) -> None:
        created = seed_demo()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {created} complaints."))
        else:
            self.stdout.write("Demo data already present; nothing to do.")
