from typing import Any

from django.core.management.base import BaseCommand

from outbox.testing import flush_outbox


class Command(BaseCommand):
    help = (
        "Send every due message now, in this process (what the workers do after each Beat tick): "
        "follow-ups that fell due are written first. For operators and tests; no broker needed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = flush_outbox()
        self.stdout.write(
            f"Sent {len(result.sent)}, retrying {len(result.retrying)}, failed {len(result.failed)}, "
            f"rescheduled {len(result.rescheduled)}, cancelled {len(result.cancelled)}."
        )
