"""The deadlines as an iCalendar file (RFC 5545), written with the ``icalendar`` library.

One all-day event per deadline (:mod:`amo_data.deadlines`), with its stable UID, a Danish
summary and a description listing the details (Hvad, Hvem, Opfølgning, …) and, when a base URL
is configured, a link to the page that shows it. Outlook, Google Calendar and Apple Calendar
read such a file once (a download) or subscribe to it (the dashboard's feed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event

from .deadlines import ACTION, BASIC, DISCUSSION, TRAINING, Deadline

# The dashboard page each kind of deadline is shown on (for the link in the description).
PAGES = {ACTION: "Handleplan", DISCUSSION: "", TRAINING: "Uddannelse", BASIC: "Uddannelse"}
NAME = "AMO-kompetencer: frister"


def page_link(base_url: str | None, deadline: Deadline) -> str | None:
    """The address of the page showing ``deadline``, or None without a base URL."""
    if not base_url:
        return None
    from urllib.parse import quote

    page = PAGES[deadline.kind]
    return f"{base_url.rstrip('/')}/{page}?afd={quote(deadline.department)}"


def calendar_bytes(deadlines: Iterable[Deadline], *, base_url: str | None = None,
                   stamp: dt.datetime | None = None) -> bytes:
    """The deadlines as the bytes of an ``.ics`` file. ``stamp`` (UTC) is every event's DTSTAMP
    (default: now)."""
    cal = Calendar()
    cal.add("prodid", "-//AMO-kompetencer//frister//DA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", NAME)
    cal.add("x-wr-timezone", "Europe/Copenhagen")
    stamp = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    for deadline in deadlines:
        event = Event()
        event.add("uid", deadline.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.day)
        event.add("dtend", deadline.day + dt.timedelta(days=1))
        event.add("summary", deadline.summary)
        lines = [f"{label}: {value}" for label, value in deadline.details]
        link = page_link(base_url, deadline)
        if link:
            lines.append(f"Se mere: {link}")
            event.add("url", link)
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        event.add("categories", ["AMO"])
        cal.add_component(event)
    return cal.to_ical()
