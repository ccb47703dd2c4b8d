"""US state or territory (CFPB's two-letter codes) to the IANA time zone most of its people use."""

DEFAULT_ZONE = "America/New_York"

_EASTERN = "CT DC DE FL GA MA MD ME MI NC NH NJ NY OH PA RI SC VA VT WV IN KY"
_CENTRAL = "AL AR IA IL KS LA MN MO MS ND NE OK SD TN TX WI"
_MOUNTAIN = "CO MT NM UT WY ID"

STATE_ZONES: dict[str, str] = {
    **dict.fromkeys(_EASTERN.split(), "America/New_York"),
    **dict.fromkeys(_CENTRAL.split(), "America/Chicago"),
    **dict.fromkeys(_MOUNTAIN.split(), "America/Denver"),
    "AZ": "America/Phoenix",
    "NV": "America/Los_Angeles",
    "CA": "America/Los_Angeles",
    "OR": "America/Los_Angeles",
    "WA": "America/Los_Angeles",
    "AK": "America/Anchorage",
    "HI": "Pacific/Honolulu",
    "PR": "America/Puerto_Rico",
    "VI": "America/St_Thomas",
    "GU": "Pacific/Guam",
    "MP": "Pacific/Saipan",
    "AS": "Pacific/Pago_Pago",
    "MH": "Pacific/Majuro",
    "FM": "Pacific/Pohnpei",
    "PW": "Pacific/Palau",
    # Armed forces addresses: Europe/Africa/Middle East, the Americas, the Pacific.
    "AE": "Europe/Berlin",
    "AA": "America/New_York",
    "AP": "Asia/Tokyo",
}


def zone_for_state(state: str) -> str:
    return STATE_ZONES.get(state.strip().upper(), DEFAULT_ZONE)
