from django.db import connection, transaction

from complaints.models import ReferenceCounter

PREFIX = "RD"

# One statement creates the year's counter or bumps it, and returns the new last number. Its row
# lock is held until the surrounding transaction ends, so concurrent callers never share a number.
_BUMP = (
    'INSERT INTO {table} ("year", "last") VALUES (%s, %s) '
    'ON CONFLICT ("year") DO UPDATE SET "last" = {table}."last" + EXCLUDED."last" RETURNING "last"'
)


def format_reference(year: int, number: int) -> str:
    return f"{PREFIX}-{year}-{number:06d}"


# No savepoint: inside submit_complaint's transaction it would cost two more statements.
@transaction.atomic(savepoint=False)
def reserve_references(*, year: int, count: int = 1) -> list[str]:
    """Hand out `count` consecutive references for `year`; concurrent callers never share one.

    Callers that create cases should reserve last and keep their transaction short: the counter
    row stays locked until commit.
    """
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_BUMP.format(table=table), [year, count])
        (last,) = cursor.fetchone()
    return [format_reference(year, n) for n in range(last - count + 1, last + 1)]
