"""Phone numbers as agents type them, and the time zone a number suggests.

Only libphonenumber's core metadata is installed (`phonenumberslite`: no time-zone or geocoding
tables), so the zone comes from the number's country: the tz database's own `zone.tab` (shipped
by the `tzdata` package we already depend on), with the most populous zone chosen for countries
that span several. The agent can always change it; it is a default, not a fact.
"""

from functools import cache
from importlib.resources import files

import phonenumbers

# Countries spanning several zones: where most of their callers live. Others take zone.tab's one.
MAIN_ZONE = {
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CN": "Asia/Shanghai",
    "ES": "Europe/Madrid",
    "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty",
    "MX": "America/Mexico_City",
    "NZ": "Pacific/Auckland",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "US": "America/New_York",
}
# At least this many digits before a search is read as a phone number ("2024" is a year).
MIN_DIGITS = 6


def parse_phone(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    """The number an agent typed (any format; without a country code, read in `region`), or None
    when it cannot be a phone number."""
    if sum(c.isdigit() for c in text) < MIN_DIGITS or any(c.isalpha() for c in text):
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def zone_for_phone(number: phonenumbers.PhoneNumber | str, region: str = "") -> str | None:
    """The IANA zone a number's country suggests, or None when the country is unknown."""
    if isinstance(number, str):
        parsed = parse_phone(number, region)
        if parsed is None:
            return None
        number = parsed
    if number.country_code is None:
        return None
    country = phonenumbers.region_code_for_country_code(number.country_code)
    return MAIN_ZONE.get(country) or _zones_by_country().get(country)


@cache
def _zones_by_country() -> dict[str, str]:
    zones: dict[str, str] = {}
    table = files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    for line in table.splitlines():
        if line and not line.startswith("#"):
            country, _, zone = line.split("\t")[:3]
            zones.setdefault(country, zone)
    return zones
