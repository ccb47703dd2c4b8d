"""Reading CFPB complaint CSV files (gzip or plain) into rows ready to store.

Pure functions over text: no database here, so the mapping is tested on its own and the
writer stays a thin batch loop. The mapping is documented in docs/public-intake.md.
"""

import csv
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO

from complaints.importing.zones import zone_for_state
from complaints.models import Status

# The CFPB's own convention: a complaint's date stands for noon US Eastern (12:00 -05:00).
NOON_EASTERN_UTC_HOUR = 17
MAX_WORDS = 20_000

CHANNELS = {
    "web": "web",
    "web referral": "referral",
    "referral": "referral",
    "phone": "phone",
    "postal mail": "letter",
    "fax": "fax",
    "email": "email",
}
# The CFPB renamed products over the years; old names file under today's, so one category
# holds one kind of product. Names not listed here are kept as published.
PRODUCT_ALIASES = {
    "Credit reporting": "Credit reporting or other personal consumer reports",
    "Credit reporting, credit repair services, or other personal consumer reports": (
        "Credit reporting or other personal consumer reports"
    ),
    "Payday loan": "Payday loan, title loan, or personal loan",
    "Payday loan, title loan, personal loan, or advance loan": "Payday loan, title loan, or personal loan",
    "Consumer Loan": "Consumer loan",
    "Money transfers": "Money transfer, virtual currency, or money service",
    "Bank account or service": "Checking or savings account",
}
UNKNOWN_PRODUCT = "Product not recorded"
OPEN_RESPONSES = {"in progress", "untimely response", ""}
REQUIRED_ALWAYS = ("Date received", "Issue", "Submitted via", "Company response to consumer")


class BadRow(Exception):
    """A row that cannot be imported; the message says why."""


class NotACfpbFile(Exception):
    pass


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class CfpbRow:
    external_id: str
    line: int
    received_at: datetime
    sent_at: datetime | None
    product: str
    sub_product: str
    issue: str
    customer_words: str
    channel_code: str
    company: str
    customer_name: str
    time_zone: str
    status: str
    outcome: str
    facts: dict[str, str] = field(default_factory=dict)


def open_text(path: Path) -> tuple[IO[str], IO[bytes]]:
    """The file as text, and its raw byte stream (whose position drives the progress bar)."""
    raw = path.open("rb")
    magic = raw.read(2)
    raw.seek(0)
    binary: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if magic == b"\x1f\x8b" else raw  # type: ignore[assignment]
    # A stray undecodable byte becomes U+FFFD rather than ending the whole import.
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace", newline=""), raw


def file_key(path: Path) -> str:
    """The name that keys rows of a file without IDs; a .gz and its plain copy share it."""
    name = path.name[: -len(".gz")] if path.name.endswith(".gz") else path.name
    return name[:70]


def _date(value: str, column: str, *, required: bool) -> date | None:
    value = value.strip()
    if not value:
        if required:
            raise BadRow(f"“{column}” is empty")
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise BadRow(f"“{column}” is “{value[:40]}”, not a date (YYYY-MM-DD)") from None


def _at_noon_eastern(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, NOON_EASTERN_UTC_HOUR, tzinfo=UTC)


def _status(response: str) -> tuple[str, str]:
    """(status, outcome) from "Company response to consumer"."""
    key = response.strip().lower()
    if key.startswith("closed"):
        return Status.CLOSED, response.strip()
    if key in OPEN_RESPONSES:
        return (Status.INVESTIGATING if key else Status.NEW), ""
    raise BadRow(f"“Company response to consumer” is “{response[:60]}”, which we do not know")


class RowMapper:
    """Maps one CSV record (a dict of the file's columns) to a CfpbRow, or raises BadRow."""

    def __init__(self, header: list[str], path: Path) -> None:
        missing = [name for name in REQUIRED_ALWAYS if name not in header]
        if missing:
            raise NotACfpbFile(f"{path}: not a CFPB complaint file (no column {', '.join(missing)})")
        self.has_ids = "Complaint ID" in header
        self.file_key = file_key(path)

    def map(self, row: dict[str, str], line: int) -> CfpbRow:
        if self.has_ids:
            complaint_id = row["Complaint ID"].strip()
            if not complaint_id.isdigit():
                raise BadRow(f"“Complaint ID” is “{complaint_id[:40]}”, not a number")
            external_id = f"cfpb:{int(complaint_id)}"
            customer_name = f"CFPB consumer {int(complaint_id)}"
        else:
            external_id = f"cfpb:{self.file_key}:{line}"
            customer_name = f"CFPB consumer ({self.file_key} line {line})"
        received = _date(row["Date received"], "Date received", required=True)
        if received is None:  # pragma: no cover - _date raised already
            raise BadRow("“Date received” is empty")
        sent = _date(row.get("Date sent to company", ""), "Date sent to company", required=False)
        via = row["Submitted via"].strip()
        channel_code = CHANNELS.get(via.lower())
        if channel_code is None:
            raise BadRow(f"“Submitted via” is “{via[:40]}”, which we do not know")
        status, outcome = _status(row["Company response to consumer"])
        issue = row["Issue"].strip()
        sub_issue = row.get("Sub-issue", "").strip()
        if not issue:
            raise BadRow("“Issue” is empty")
        product = row.get("Product", "").strip()
        if self.has_ids and not product:
            raise BadRow("“Product” is empty")
        product = PRODUCT_ALIASES.get(product, product) or UNKNOWN_PRODUCT
        facts = {
            key: value
            for key, value in (
                ("response", row["Company response to consumer"].strip()),
                ("timely", row.get("Timely response?", "").strip()),
                ("disputed", row.get("Consumer disputed?", "").strip()),
                ("zip", row.get("ZIP code", "").strip()),
            )
            if value
        }
        return CfpbRow(
            external_id=external_id,
            line=line,
            received_at=_at_noon_eastern(received),
            sent_at=_at_noon_eastern(sent) if sent else None,
            product=product[:120],
            sub_product=row.get("Sub-product", "").strip()[:120],
            issue=(f"{issue} — {sub_issue}" if sub_issue else issue)[:300],
            customer_words=row.get("Consumer complaint narrative", "").strip()[:MAX_WORDS],
            channel_code=channel_code,
            company=row.get("Company", "").strip()[:200],
            customer_name=customer_name,
            time_zone=zone_for_state(row.get("State", "")),
            status=status,
            outcome=outcome,
            facts=facts,
        )


def read_rows(path: Path, text: IO[str]) -> Iterator[CfpbRow | Problem]:
    """Every record of the file, mapped, or a Problem naming its line and the reason."""
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise NotACfpbFile(f"{path}: the file is empty") from None
    header = [name.strip() for name in header]
    mapper = RowMapper(header, path)
    width = len(header)
    seen: set[str] = set()
    last_line = reader.line_num
    while True:
        start = last_line + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            last_line = reader.line_num
            yield Problem(str(path), start, f"unreadable CSV: {error}")
            continue
        last_line = reader.line_num
        if not values or values == [""]:
            continue
        if len(values) != width:
            yield Problem(str(path), start, f"has {len(values)} fields, the header has {width}")
            continue
        try:
            row = mapper.map(dict(zip(header, values, strict=True)), start)
        except BadRow as error:
            yield Problem(str(path), start, str(error))
            continue
        if mapper.has_ids:
            if row.external_id in seen:
                yield Problem(
                    str(path), start, f"Complaint ID {row.external_id[5:]} appears earlier in the file"
                )
                continue
            seen.add(row.external_id)
        yield row
