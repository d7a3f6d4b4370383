"""The usual emergency number for a person, from their timezone (pure, no Flask).

A person can set their own number in Account; this is only the default. 112 is
the fallback: it is the number across the EU and is answered by mobile networks
in many other countries too.
"""

from __future__ import annotations

import re

FALLBACK = "112"

# Whole regions of the tz database whose countries mostly answer one number.
_BY_REGION = {
    "Europe": "112",
    "America": "911",
    "US": "911",
    "Canada": "911",
}

# Zones whose country differs from its region's usual number.
_BY_ZONE = {
    "Europe/London": "999",
    "Europe/Belfast": "999",
    "Europe/Guernsey": "999",
    "Europe/Isle_of_Man": "999",
    "Europe/Jersey": "999",
    "Europe/Gibraltar": "112",
    "Europe/Moscow": "112",
    "GB": "999",
    "Atlantic/Reykjavik": "112",
    "Atlantic/Canary": "112",
    "Atlantic/Madeira": "112",
    "Atlantic/Azores": "112",
    "America/Sao_Paulo": "192",
    "America/Fortaleza": "192",
    "America/Recife": "192",
    "America/Bahia": "192",
    "America/Belem": "192",
    "America/Manaus": "192",
    "America/Santiago": "131",
    "America/Bogota": "123",
    "America/Lima": "106",
    "Australia/Sydney": "000",
    "Australia/Melbourne": "000",
    "Australia/Brisbane": "000",
    "Australia/Perth": "000",
    "Australia/Adelaide": "000",
    "Australia/Hobart": "000",
    "Australia/Darwin": "000",
    "Pacific/Auckland": "111",
    "NZ": "111",
    "Asia/Tokyo": "119",
    "Japan": "119",
    "Asia/Seoul": "119",
    "Asia/Shanghai": "120",
    "Asia/Hong_Kong": "999",
    "Asia/Singapore": "995",
    "Asia/Kuala_Lumpur": "999",
    "Asia/Kolkata": "112",
    "Asia/Calcutta": "112",
    "Asia/Manila": "911",
    "Asia/Jerusalem": "101",
    "Asia/Dubai": "998",
    "Asia/Riyadh": "997",
    "Africa/Johannesburg": "10177",
    "Africa/Nairobi": "999",
    "Africa/Lagos": "112",
}

# What a person may type as their number: digits, as dialled locally.
NUMBER_PATTERN = re.compile(r"^[0-9]{2,6}$")


def default_number(timezone: str | None) -> str:
    """The usual emergency number where ``timezone`` is (112 when unknown)."""
    zone = (timezone or "").strip()
    if zone in _BY_ZONE:
        return _BY_ZONE[zone]
    region = zone.split("/", 1)[0]
    return _BY_REGION.get(region, FALLBACK)


def number_for(setting: str | None, timezone: str | None) -> str:
    """The person's own number when set, else the usual one for their timezone."""
    if setting and NUMBER_PATTERN.match(setting):
        return setting
    return default_number(timezone)


def clean_number(text: str | None) -> tuple[str | None, str | None]:
    """Parse what a person typed: (number or None for "the usual one", error message)."""
    value = re.sub(r"[\s-]", "", text or "")
    if not value:
        return None, None
    if not NUMBER_PATTERN.match(value):
        return None, "Enter the number as you would dial it, 2 to 6 digits (for example 112)."
    return value, None
