"""`manage.py import_cfpb`: CFPB files (plain or gzip) in, cases out; again changes nothing."""

import gzip
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from complaints.importing import rows as rows_module
from complaints.importing.runner import import_files
from complaints.models import Category, Complaint, EventKind, ReferenceCounter, Source, Status, TimelineEvent

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).with_name("fixtures")
SMALL = FIXTURES / "cfpb_small.csv"
OUTCOMES = FIXTURES / "cfpb_outcomes_small.csv"


def run(*paths: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_cfpb", *map(str, paths), "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_maps_a_full_cfpb_row_onto_a_closed_case() -> None:
    run(SMALL)

    case = Complaint.objects.select_related("category__parent", "channel", "customer").get(
        external_id="cfpb:7100001"
    )
    assert case.source == Source.IMPORT
    assert case.status == Status.CLOSED
    assert case.outcome == "Closed with explanation"
    assert case.category.name == "Credit reporting"
    # The old product name files under today's.
    assert case.category.parent.name == "Credit reporting or other personal consumer reports"
    assert case.issue == "Incorrect information on your report — Account status incorrect"
    assert case.customer_words == "They reported a late payment.\nI paid on time, see XXXX."
    assert case.channel.code == "web"
    assert case.order_reference == "EQUIFAX, INC."
    assert case.received_at.isoformat() == "2023-06-01T17:00:00+00:00"
    assert case.closed_at == case.resolved_at == case.first_responded_at
    assert case.customer.name == "CFPB consumer 7100001"
    assert str(case.customer.time_zone) == "America/Los_Angeles"
    assert case.reference.startswith("RD-2023-")
    (event,) = case.events.all()
    assert event.kind == EventKind.CREATED and event.to_status == Status.CLOSED
    assert event.actor_label == "CFPB import"
    assert event.data["response"] == "Closed with explanation"


def test_in_progress_and_untimely_cases_stay_open() -> None:
    run(SMALL)

    in_progress = Complaint.objects.get(external_id="cfpb:7100002")
    untimely = Complaint.objects.get(external_id="cfpb:7100006")
    assert in_progress.status == Status.INVESTIGATING and in_progress.is_open
    assert in_progress.outcome == "" and in_progress.closed_at is None
    assert in_progress.channel.code == "phone"
    assert untimely.is_open and untimely.channel.code == "referral"
    assert str(untimely.customer.time_zone) == "Pacific/Honolulu"


def test_bad_rows_are_reported_with_line_numbers_and_reasons_and_the_rest_imported() -> None:
    out, err = run(SMALL)

    assert Complaint.objects.count() == 4
    assert f"{SMALL}:6: “Date received” is “2023-13-40”, not a date (YYYY-MM-DD)" in err
    assert f"{SMALL}:7: “Submitted via” is “Carrier pigeon”, which we do not know" in err
    assert f"{SMALL}:8: has 4 fields, the header has 18" in err
    assert f"{SMALL}:9: “Complaint ID” is “”, not a number" in err
    assert f"{SMALL}:10: Complaint ID 7100001 appears earlier in the file" in err
    assert "Imported 4 complaints; 0 were already there; 5 bad rows skipped." in out


def test_importing_again_adds_nothing() -> None:
    run(SMALL)
    counts = (Complaint.objects.count(), TimelineEvent.objects.count(), Category.objects.count())
    references = ReferenceCounter.objects.get(year=2023).last

    out, _ = run(SMALL)

    assert (Complaint.objects.count(), TimelineEvent.objects.count(), Category.objects.count()) == counts
    assert ReferenceCounter.objects.get(year=2023).last == references, "no reference handed out twice"
    assert "Imported 0 complaints; 4 were already there" in out


def test_a_gzip_copy_of_an_imported_file_is_recognised_as_the_same_rows(tmp_path) -> None:
    compressed = tmp_path / "cfpb_outcomes_small.csv.gz"
    with OUTCOMES.open("rb") as source, gzip.open(compressed, "wb") as target:
        shutil.copyfileobj(source, target)

    first, _ = run(compressed)
    second, _ = run(OUTCOMES)

    assert "Imported 3 complaints" in first
    assert "Imported 0 complaints; 3 were already there" in second
    assert Complaint.objects.count() == 3


def test_files_without_ids_are_keyed_by_file_name_and_line() -> None:
    _, err = run(OUTCOMES)

    keys = set(Complaint.objects.values_list("external_id", flat=True))
    assert keys == {f"cfpb:cfpb_outcomes_small.csv:{line}" for line in (2, 3, 4)}
    fax = Complaint.objects.get(external_id="cfpb:cfpb_outcomes_small.csv:3")
    assert fax.channel.code == "fax"
    assert fax.outcome == "Closed with monetary relief"
    assert fax.category.name == "Product not recorded"
    no_answer = Complaint.objects.get(external_id="cfpb:cfpb_outcomes_small.csv:4")
    assert no_answer.status == Status.NEW and no_answer.first_responded_at is None
    assert f"{OUTCOMES}:5: “Date received” is “2012-02-xx”" in err


def test_references_are_reserved_per_year_in_blocks() -> None:
    run(SMALL, OUTCOMES)

    assert ReferenceCounter.objects.get(year=2023).last == 3
    assert ReferenceCounter.objects.get(year=2014).last == 1
    assert ReferenceCounter.objects.get(year=2012).last == 2
    assert len(set(Complaint.objects.values_list("reference", flat=True))) == 7


def test_small_batches_give_the_same_result(tmp_path) -> None:
    report = import_files([SMALL], batch_size=1, progress=False)

    assert report.imported == 4 and len(report.problems) == 5


def test_other_databases_get_the_same_rows_through_bulk_create(monkeypatch) -> None:
    monkeypatch.setattr(rows_module.connection, "vendor", "sqlite")

    report = import_files([SMALL], progress=False)

    assert report.imported == 4
    assert Complaint.objects.get(external_id="cfpb:7100003").customer_words == "<script>alert('x')</script>"
    assert TimelineEvent.objects.filter(kind=EventKind.CREATED).count() == 4


def test_a_file_that_is_not_cfpb_is_refused_and_the_others_still_import(tmp_path) -> None:
    other = tmp_path / "orders.csv"
    other.write_text("order,amount\n1,2\n")

    with pytest.raises(CommandError, match="1 file"):
        run(other, SMALL)

    assert Complaint.objects.count() == 4


def test_a_missing_file_is_named() -> None:
    with pytest.raises(CommandError, match=r"No such file: /nowhere\.csv"):
        run(Path("/nowhere.csv"))
