"""The private calendar feed: an iCalendar (RFC 5545) daily event with an alarm.

For devices that cannot receive Web Push (iOS Safari outside the home screen,
say) the person subscribes their calendar app to a secret URL. Pure: builds the
text from the settings; the zone's rules are written out as a VTIMEZONE taken
from zoneinfo, so calendar apps keep the reminder at the same local time across
daylight-saving changes.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from webapp.reminders.schedule import mask_to_days, zone_or_utc

_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
EVENT_MINUTES = 10
SUMMARY = "Fossa: log your knee"
DESCRIPTION = "How is your knee today? Open Fossa and log it."


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    pieces, start = [], 0
    while start < len(encoded):
        end = min(start + (75 if not pieces else 74), len(encoded))
        # never cut inside a UTF-8 sequence
        while end < len(encoded) and (encoded[end] & 0xC0) == 0x80:
            end -= 1
        pieces.append(encoded[start:end].decode())
        start = end
    return "\r\n ".join(pieces)


def _offset(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


def zone_transitions(
    zone: ZoneInfo, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.timedelta, dt.timedelta, bool]]:
    """Offset changes of ``zone`` between two UTC instants.

    Each is (local wall time at which it happens, offset before, offset after,
    daylight saving after). Found hour by hour, then narrowed to the minute.
    """
    found = []
    step = dt.timedelta(hours=1)
    moment = start
    before = moment.astimezone(zone).utcoffset()
    while moment < end:
        later = moment + step
        after = later.astimezone(zone).utcoffset()
        if after != before:
            low, high = moment, later
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == before:
                    low = middle
                else:
                    high = middle
            change = high.replace(second=0, microsecond=0)
            local = (change + before).replace(tzinfo=None)  # wall clock just before the change
            daylight = bool(later.astimezone(zone).dst())
            found.append((local, before, after, daylight))
            before = after
        moment = later
    return found


def vtimezone(zone_name: str, year: int, years: int = 3) -> list[str]:
    """A VTIMEZONE for ``years`` calendar years from ``year``."""
    zone = zone_or_utc(zone_name)
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(year + years, 1, 1, tzinfo=dt.UTC)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone.key}"]
    # The observance in force on 1 January, so dates before the first change are covered.
    first = start.astimezone(zone)
    offset = _offset(first.utcoffset() or dt.timedelta(0))
    kind = "DAYLIGHT" if first.dst() else "STANDARD"
    lines += [
        f"BEGIN:{kind}",
        f"DTSTART:{year}0101T000000",
        f"TZOFFSETFROM:{offset}",
        f"TZOFFSETTO:{offset}",
        f"END:{kind}",
    ]
    transitions = zone_transitions(zone, start, end)
    for local, before, after, daylight in transitions:
        kind = "DAYLIGHT" if daylight else "STANDARD"
        lines += [
            f"BEGIN:{kind}",
            f"DTSTART:{local:%Y%m%dT%H%M%S}",
            f"TZOFFSETFROM:{_offset(before)}",
            f"TZOFFSETTO:{_offset(after)}",
            f"END:{kind}",
        ]
    lines.append("END:VTIMEZONE")
    return lines


def reminder_calendar(
    *,
    enabled: bool,
    local_time: dt.time,
    timezone: str,
    days_mask: int,
    uid: str,
    url: str,
    starts_on: dt.date,
    stamp: dt.datetime,
) -> str:
    """The feed's text: one recurring event with a display alarm, or none when off."""
    zone = zone_or_utc(timezone)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Fossa//Daily reminder//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Fossa reminder",
        f"X-WR-TIMEZONE:{zone.key}",
        # ask calendar apps to look for changes about twice a day
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
    ]
    days = mask_to_days(days_mask)
    if enabled and days:
        start = dt.datetime.combine(starts_on, local_time.replace(tzinfo=None))
        end = start + dt.timedelta(minutes=EVENT_MINUTES)
        lines += vtimezone(zone.key, starts_on.year)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTAMP:{stamp.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
            f"DTSTART;TZID={zone.key}:{start:%Y%m%dT%H%M%S}",
            f"DTEND;TZID={zone.key}:{end:%Y%m%dT%H%M%S}",
            "RRULE:FREQ=WEEKLY;BYDAY=" + ",".join(_BYDAY[day] for day in days),
            f"SUMMARY:{_escape(SUMMARY)}",
            f"DESCRIPTION:{_escape(DESCRIPTION)}",
            f"URL:{url}",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_escape(DESCRIPTION)}",
            "TRIGGER:PT0S",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
