"""Real data: after `import_cfpb` of a slice of a CFPB file, the counts the insights page
downloads by category, channel and outcome equal the counts computed from the CSV itself.

The file is REDRESS_CFPB_FILE (for example the union file of the shared data folder), else the
repository's 48-row sample; the first ROWS records are used. The test says which it read."""

import csv
import gzip
import io
import os
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from complaints.importing.cfpb import CHANNELS, PRODUCT_ALIASES, UNKNOWN_PRODUCT
from complaints.models import Channel
from tests.factories import SupervisorFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "complaints" / "demo" / "cfpb_sample.csv"
ROWS = 2_000


def _source() -> Path:
    path = Path(os.environ.get("REDRESS_CFPB_FILE") or SAMPLE)
    assert path.is_file(), f"REDRESS_CFPB_FILE names no file: {path}"
    return path


def _slice(source: Path, target: Path) -> list[dict[str, str]]:
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt", encoding="utf-8-sig", newline="") as text:  # type: ignore[operator]
        reader = csv.DictReader(text)
        rows = [row for _, row in zip(range(ROWS), reader, strict=False)]
        header = reader.fieldnames
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _expected(rows: list[dict[str, str]]) -> tuple[Counter, Counter, Counter]:
    """Counted straight from the CSV, by the mapping docs/public-intake.md documents."""
    channel_names = dict(Channel.objects.values_list("code", "name"))
    categories: Counter = Counter()
    channels: Counter = Counter()
    outcomes: Counter = Counter()
    for row in rows:
        product = row.get("Product", "").strip()
        categories[PRODUCT_ALIASES.get(product, product) or UNKNOWN_PRODUCT] += 1
        channels[channel_names[CHANNELS[row["Submitted via"].strip().lower()]]] += 1
        response = row["Company response to consumer"].strip()
        if response.lower().startswith("closed"):
            outcomes[response] += 1
        else:
            outcomes["Investigating" if response else "New"] += 1
    return categories, channels, outcomes


def _download(client, table: str, query: dict[str, str]) -> list[list[str]]:
    response = client.get(f"/insights/export/{table}.csv", query)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def _column_totals(rows: list[list[str]]) -> Counter:
    header, body = rows[0], rows[1:]
    return Counter({label: sum(int(line[i]) for line in body) for i, label in enumerate(header) if i})


def test_the_insights_counts_by_category_channel_and_outcome_equal_the_csvs(tmp_path, client, capsys) -> None:
    source = _source()
    rows = _slice(source, tmp_path / "slice.csv")
    call_command("import_cfpb", str(tmp_path / "slice.csv"), "--no-progress")
    imported = capsys.readouterr()
    assert "0 bad rows skipped" in imported.out, imported.err[:2000]
    # No refresh by hand: the import recounts the days it touched (the `cases_imported` signal).
    categories, channels, outcomes = _expected(rows)
    days = sorted(date.fromisoformat(row["Date received"][:10]) for row in rows)
    query = {"start": days[0].isoformat(), "end": days[-1].isoformat()}
    client.force_login(SupervisorFactory())

    assert _column_totals(_download(client, "volume-category", query)) == categories
    assert _column_totals(_download(client, "volume-channel", query)) == channels
    assert Counter({label: int(n) for label, n in _download(client, "outcomes", query)[1:]}) == outcomes
    assert sum(categories.values()) == len(rows)
    print(f"CFPB check on {len(rows)} rows of {source.name}")
