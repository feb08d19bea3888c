"""One calendar invitation (.ics) per meeting, in the shape Outlook imports: METHOD:REQUEST,
an ORGANIZER, one ATTENDEE per participant with an e-mail, a UID that stays the same for the
meeting when it is moved, and local times with TZID Europe/Copenhagen plus its VTIMEZONE."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from docauto.review.schedule import ScheduledMeeting
from docauto.review.settings import ReviewSettings

TZID = "Europe/Copenhagen"
UID_DOMAIN = "strukturgennemgang.docauto"


def meeting_uid(meeting: ScheduledMeeting, settings: ReviewSettings) -> str:
    # Stable per meeting (cluster and review year), not per time: a re-planned meeting
    # replaces the earlier invitation in the calendar instead of adding a second one.
    return f"{meeting.id}-{settings.start.year}@{UID_DOMAIN}"


def description(meeting: ScheduledMeeting, agenda_titles: list[str]) -> str:
    c = meeting.cluster
    lines = [f"{c.type}: {c.name} ({c.id}), {c.area}", "", "Dagsorden:"]
    lines += [f"{i}. {t}" for i, t in enumerate(agenda_titles, start=1)]
    lines += ["", "Deltagere:"] + [f"- {p.label()}" for p in meeting.meeting.participants]
    return "\n".join(lines)


def meeting_ics(
    meeting: ScheduledMeeting,
    settings: ReviewSettings,
    agenda_titles: list[str],
    stamp: dt.datetime | None = None,
    sequence: int = 0,
) -> bytes:
    """The bytes of one .ics file. ``stamp`` (DTSTAMP) defaults to now, in UTC."""
    from icalendar import Calendar, Event, Timezone, vCalAddress, vText

    tz = ZoneInfo(TZID)
    cal = Calendar()
    cal.add("prodid", "-//docauto//Strukturel gennemgang//DA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "REQUEST")
    cal.add_component(
        Timezone.from_tzid(
            TZID,
            first_date=dt.date(meeting.day.year - 1, 1, 1),
            last_date=dt.date(meeting.day.year + 1, 12, 31),
        )
    )
    ev = Event()
    ev.add("uid", meeting_uid(meeting, settings))
    ev.add("dtstamp", stamp or dt.datetime.now(dt.UTC))
    ev.add("dtstart", meeting.starts.replace(tzinfo=tz))
    ev.add("dtend", meeting.ends.replace(tzinfo=tz))
    ev.add("sequence", sequence)
    ev.add("summary", f"{settings.title}: {meeting.cluster.name}")
    ev.add("location", meeting.meeting.place)
    ev.add("description", description(meeting, agenda_titles))
    ev.add("status", "CONFIRMED")
    ev.add("transp", "OPAQUE")
    if settings.organizer_email:
        org = vCalAddress(f"mailto:{settings.organizer_email}")
        org.params["cn"] = vText(settings.organizer_name or settings.organizer_email)
        ev.add("organizer", org)
    for p in meeting.meeting.participants:
        if not p.email:
            continue  # a participant without an address is named in the description only
        att = vCalAddress(f"mailto:{p.email}")
        att.params["cn"] = vText(p.name)
        att.params["role"] = vText("REQ-PARTICIPANT")
        att.params["partstat"] = vText("NEEDS-ACTION")
        att.params["rsvp"] = vText("TRUE")
        ev.add("attendee", att, encode=0)
    cal.add_component(ev)
    return cal.to_ical()
