from django.db import transaction
from django.db.models import F

from complaints.models import ReferenceCounter

PREFIX = "RD"


def format_reference(year: int, number: int) -> str:
    return f"{PREFIX}-{year}-{number:06d}"


@transaction.atomic
def reserve_references(*, year: int, count: int = 1) -> list[str]:
    """Hand out `count` consecutive references for `year`; concurrent callers never share one.

    The UPDATE takes the counter row's lock until the surrounding transaction ends, so callers
    that create cases should keep that transaction short.
    """
    ReferenceCounter.objects.get_or_create(year=year)
    ReferenceCounter.objects.filter(year=year).update(last=F("last") + count)
    last = ReferenceCounter.objects.values_list("last", flat=True).get(year=year)
    return [format_reference(year, n) for n in range(last - count + 1, last + 1)]
