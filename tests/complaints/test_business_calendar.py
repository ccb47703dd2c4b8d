"""One business calendar for the whole portal: ISO weekdays, and holidays per region that stop the
service's clock and the customers' business-day follow-ups alike."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from complaints.clock import add_business_days
from complaints.models import Holiday
from complaints.services.targets import business_calendar, holidays_for, region_of
from tests.factories import ComplaintFactory, CustomerFactory, FollowUpStepFactory, only_policy, resolve

pytestmark = pytest.mark.django_db
WEDNESDAY_NOON = datetime(2026, 4, 1, 11, 0, tzinfo=UTC)  # 1 April 2026 is a Wednesday
GOOD_FRIDAY = date(2026, 4, 3)


def test_a_holiday_is_stepped_over_like_a_weekend() -> None:
    assert add_business_days(date(2026, 4, 2), 1) == GOOD_FRIDAY
    assert add_business_days(date(2026, 4, 2), 1, frozenset({GOOD_FRIDAY})) == date(2026, 4, 6)


def test_a_customers_region_comes_from_their_phone_number_else_the_portals_region(settings) -> None:
    settings.PHONENUMBER_DEFAULT_REGION = "GB"
    assert region_of(CustomerFactory(phone="+12025550143")) == "US"
    assert region_of(CustomerFactory(phone="")) == "GB"


def test_holidays_of_a_region_are_its_own_and_those_of_every_region() -> None:
    Holiday.objects.create(date=GOOD_FRIDAY, name="Good Friday", region="gb")
    Holiday.objects.create(date=date(2026, 7, 4), name="Independence Day", region="US")
    Holiday.objects.create(date=date(2026, 12, 25), name="Christmas Day")

    assert holidays_for("GB", since=date(2026, 1, 1)) == {GOOD_FRIDAY, date(2026, 12, 25)}
    assert holidays_for("US", since=date(2026, 1, 1)) == {date(2026, 7, 4), date(2026, 12, 25)}


def test_the_service_clock_stops_on_its_regions_holidays_only(settings) -> None:
    settings.PHONENUMBER_DEFAULT_REGION = "GB"
    Holiday.objects.create(date=GOOD_FRIDAY, name="Good Friday", region="GB")
    Holiday.objects.create(date=date(2026, 4, 2), name="Somewhere else's day", region="FR")

    calendar = business_calendar(since=WEDNESDAY_NOON)

    assert GOOD_FRIDAY in calendar.holidays and date(2026, 4, 2) not in calendar.holidays
    assert set(calendar.hours) <= set(range(1, 8)), "opening hours are ISO weekdays"


@pytest.mark.parametrize(("region", "holiday_region", "due"), [("GB", "GB", 6), ("GB", "US", 3)])
def test_a_business_day_follow_up_skips_a_holiday_of_the_customers_region(
    settings, region: str, holiday_region: str, due: int
) -> None:
    settings.PHONENUMBER_DEFAULT_REGION = region
    FollowUpStepFactory(policy=only_policy(name="Two business days"), delay=2, delay_unit="business_days")
    Holiday.objects.create(date=GOOD_FRIDAY, name="Good Friday", region=holiday_region)
    complaint = ComplaintFactory(customer=CustomerFactory(phone="", time_zone="UTC"))

    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        (followup,) = resolve(complaint)

    assert followup.due_at.date() == date(2026, 4, due)
