from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from followups.services.dispatching import dispatch_due_followups


class Command(BaseCommand):
    help = "Claim due follow-ups now and hand them to the workers (what Beat does every minute)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        handed = dispatch_due_followups(batch_size=options["batch_size"])
        self.stdout.write(f"Handed {handed} follow-up(s) to the workers.")
