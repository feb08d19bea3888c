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


__all__ = ["event_ics", "meeting_ics", "meeting_uid"]


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
    return event_ics(
        uid=meeting_uid(meeting, settings),
        starts=meeting.starts,
        ends=meeting.ends,
        summary=f"{settings.title}: {meeting.cluster.name}",
        location=meeting.meeting.place,
        description=description(meeting, agenda_titles),
        organizer=(settings.organizer_name, settings.organizer_email),
        attendees=[(p.name, p.email) for p in meeting.meeting.participants],
        prodid="-//docauto//Strukturel gennemgang//DA",
        stamp=stamp,
        sequence=sequence,
    )


def event_ics(
    *,
    uid: str,
    starts: dt.datetime,
    ends: dt.datetime,
    summary: str,
    location: str,
    description: str,
    organizer: tuple[str, str],
    attendees: list[tuple[str, str]],
    prodid: str,
    stamp: dt.datetime | None = None,
    sequence: int = 0,
) -> bytes:
    """One meeting as an Outlook-importable .ics (local times in Europe/Copenhagen).

    ``organizer`` and ``attendees`` are (name, e-mail); an attendee without an address is
    left out (name them in the description)."""
    from icalendar import Calendar, Event, Timezone, vCalAddress, vText

    tz = ZoneInfo(TZID)
    cal = Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "REQUEST")
    cal.add_component(
        Timezone.from_tzid(
            TZID,
            first_date=dt.date(starts.year - 1, 1, 1),
            last_date=dt.date(starts.year + 1, 12, 31),
        )
    )
    ev = Event()
    ev.add("uid", uid)
    ev.add("dtstamp", stamp or dt.datetime.now(dt.UTC))
    ev.add("dtstart", starts.replace(tzinfo=tz))
    ev.add("dtend", ends.replace(tzinfo=tz))
    ev.add("sequence", sequence)
    ev.add("summary", summary)
    ev.add("location", location)
    ev.add("description", description)
    ev.add("status", "CONFIRMED")
    ev.add("transp", "OPAQUE")
    org_name, org_email = organizer
    if org_email:
        org = vCalAddress(f"mailto:{org_email}")
        org.params["cn"] = vText(org_name or org_email)
        ev.add("organizer", org)
    for name, mail in attendees:
        if not mail:
            continue
        att = vCalAddress(f"mailto:{mail}")
        att.params["cn"] = vText(name)
        att.params["role"] = vText("REQ-PARTICIPANT")
        att.params["partstat"] = vText("NEEDS-ACTION")
        att.params["rsvp"] = vText("TRUE")
        ev.add("attendee", att, encode=0)
    cal.add_component(ev)
    return cal.to_ical()
