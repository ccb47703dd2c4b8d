"""Storing mapped CFPB rows in batches: one customer, one case and one timeline row per complaint.

Idempotent: rows whose key (`Complaint.external_id`) is already stored are skipped, so running
the same file twice, or a file that overlaps an earlier one, adds nothing twice. One importer
at a time: two running over the same file would collide on the unique key and one would stop.
"""

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from complaints.importing.cfpb import CfpbRow
from complaints.importing.rows import insert_rows
from complaints.models import (
    Category,
    Channel,
    Complaint,
    Customer,
    EventKind,
    Severity,
    Source,
    Status,
    TimelineEvent,
)
from complaints.services.references import reserve_references

ACTOR_LABEL = "CFPB import"
# The CFPB grades nothing; imported cases start at medium and agents adjust what they reopen.
IMPORT_SEVERITY = "medium"


class CfpbWriter:
    def __init__(self) -> None:
        self.channels = dict(Channel.objects.values_list("code", "id"))
        self.severity_id = Severity.objects.get(code=IMPORT_SEVERITY).pk
        self.categories: dict[tuple[str, str], int] = {}
        self.names: dict[str, tuple[int, int | None]] = {
            name: (pk, parent) for pk, name, parent in Category.objects.values_list("id", "name", "parent_id")
        }

    def _category(self, product: str, sub_product: str) -> int:
        """Product is the parent category, sub-product its child; names are unique, so a
        sub-product already used under another product gets the product in brackets."""
        key = (product, sub_product)
        if key in self.categories:
            return self.categories[key]
        parent_id = self._named(product, None)
        category_id = parent_id
        if sub_product and sub_product != product:
            name = sub_product
            existing = self.names.get(name)
            if existing is not None and existing[1] != parent_id:
                name = f"{sub_product} ({product})"[:120]
            category_id = self._named(name, parent_id)
        self.categories[key] = category_id
        return category_id

    def _named(self, name: str, parent_id: int | None) -> int:
        if name in self.names:
            return self.names[name][0]
        category, _ = Category.objects.get_or_create(name=name, defaults={"parent_id": parent_id})
        self.names[name] = (category.pk, category.parent_id)
        return category.pk

    def write(self, rows: Sequence[CfpbRow]) -> tuple[int, int]:
        """Store the rows not stored yet; return (stored, already there)."""
        keys = [row.external_id for row in rows]
        existing = set(Complaint.objects.filter(external_id__in=keys).values_list("external_id", flat=True))
        fresh = [row for row in rows if row.external_id not in existing]
        if not fresh:
            return 0, len(existing)
        category_ids = [self._category(row.product, row.sub_product) for row in fresh]
        now = timezone.now()
        with transaction.atomic():
            references = self._references(fresh)
            customer_ids = insert_rows(
                Customer, [{"name": row.customer_name, "time_zone": row.time_zone} for row in fresh], now=now
            )
            complaints = [
                self._complaint(row, reference, customer_id, category_id)
                for row, reference, customer_id, category_id in zip(
                    fresh, references, customer_ids, category_ids, strict=True
                )
            ]
            complaint_ids = insert_rows(Complaint, complaints, now=now)
            insert_rows(
                TimelineEvent,
                [
                    {
                        "complaint_id": complaint_id,
                        "kind": EventKind.CREATED.value,
                        "actor_label": ACTOR_LABEL,
                        "to_status": complaint["status"],
                        "data": row.facts,
                    }
                    for row, complaint, complaint_id in zip(fresh, complaints, complaint_ids, strict=True)
                ],
                now=now,
                want_ids=False,
            )
        return len(fresh), len(existing)

    def _references(self, rows: Sequence[CfpbRow]) -> list[str]:
        """One block of references per year in the batch, handed out in row order."""
        blocks = {
            year: iter(reserve_references(year=year, count=count))
            for year, count in sorted(Counter(row.received_at.year for row in rows).items())
        }
        return [next(blocks[row.received_at.year]) for row in rows]

    def _complaint(self, row: CfpbRow, reference: str, customer_id: int, category_id: int) -> dict[str, Any]:
        closed = row.status == Status.CLOSED
        # The CFPB publishes no closing date: the last date it gives (sent to the company)
        # stands in, so durations are never negative and never invented.
        finished_at = (row.sent_at or row.received_at) if closed else None
        return {
            "reference": reference,
            "customer_id": customer_id,
            "status": str(row.status),
            "source": Source.IMPORT.value,
            "channel_id": self.channels[row.channel_code],
            "category_id": category_id,
            "severity_id": self.severity_id,
            "order_reference": row.company,
            "issue": row.issue,
            "customer_words": row.customer_words,
            "received_at": row.received_at,
            "first_responded_at": row.sent_at if row.status != Status.NEW else None,
            "resolved_at": finished_at,
            "closed_at": finished_at,
            "outcome": row.outcome,
            "external_id": row.external_id,
        }
