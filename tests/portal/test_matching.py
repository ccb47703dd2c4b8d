"""The one "most specific wins" rule the policies and targets share."""

from dataclasses import dataclass
from datetime import date

from portal.matching import most_specific


@dataclass
class Rule:
    pk: int
    category: str | None = None
    severity: str | None = None
    effective: date = date(2026, 1, 1)


def pick(*rules: Rule) -> Rule | None:
    return most_specific(
        rules, criteria=lambda r: (r.category, r.severity), newer=lambda r: (r.effective, r.pk)
    )


def test_more_criteria_beat_fewer_and_the_first_criterion_beats_the_second() -> None:
    general, by_severity, by_category, both = (
        Rule(1),
        Rule(2, severity="high"),
        Rule(3, category="x"),
        Rule(4, "x", "high"),
    )
    assert pick(general, by_severity, by_category, both) == both
    assert pick(general, by_severity, by_category) == by_category
    assert pick(general, by_severity) == by_severity


def test_between_equals_the_one_that_took_effect_last_then_the_newest_row_wins() -> None:
    older, newer = Rule(1, "x", effective=date(2026, 1, 1)), Rule(2, "x", effective=date(2026, 3, 1))
    assert pick(newer, older) == newer
    assert pick(Rule(5, "x"), Rule(9, "x")).pk == 9  # type: ignore[union-attr]


def test_no_candidate_no_pick() -> None:
    assert pick() is None
