"""The review meeting planner: pure and deterministic (same input, same schedule).

One 1½-hour meeting per self-governing cluster and network (municipal clusters on request),
on working days inside the window (no weekends, no Danish public holidays from the
``holidays`` library), inside working hours, with no participant in two meetings at once and
none on a day they blocked. Meetings are spread evenly over the window, each area's together.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from docauto.errors import Location, Problem, UsageError, ValidationError
from docauto.review.planinput import PlanInput
from docauto.review.settings import ReviewSettings
from docauto.structure.model import Cluster, Structure


class ScheduleError(ValidationError):
    """The meetings cannot be planned as asked (too short a window, a participant never free)."""


@dataclass(frozen=True)
class Participant:
    key: str  # stable identity for clash checks: the e-mail, else the name (casefolded)
    name: str
    role: str
    email: str = ""

    def label(self) -> str:
        return f"{self.name} ({self.role})" if self.role and self.role != self.name else self.name


@dataclass(frozen=True)
class Meeting:
    id: str
    cluster: Cluster
    participants: tuple[Participant, ...]
    place: str

    @property
    def kind(self) -> str:
        return "netværk" if self.cluster.is_network else "klynge"


@dataclass(frozen=True)
class ScheduledMeeting:
    meeting: Meeting
    day: dt.date
    start: dt.time
    end: dt.time

    @property
    def id(self) -> str:
        return self.meeting.id

    @property
    def cluster(self) -> Cluster:
        return self.meeting.cluster

    @property
    def starts(self) -> dt.datetime:
        return dt.datetime.combine(self.day, self.start)

    @property
    def ends(self) -> dt.datetime:
        return dt.datetime.combine(self.day, self.end)


@dataclass
class Schedule:
    meetings: list[ScheduledMeeting] = field(default_factory=list)
    settings: ReviewSettings | None = None

    def by_cluster(self, cluster_id: str) -> ScheduledMeeting | None:
        return next((m for m in self.meetings if m.cluster.id == cluster_id), None)


def _key(name: str, email: str) -> str:
    return (email or name).strip().casefold()


def meeting_id(cluster: Cluster) -> str:
    return f"SG-{cluster.id}"


def working_days(
    start: dt.date, end: dt.date, categories: tuple[str, ...] = ("public",)
) -> list[dt.date]:
    """Monday to Friday inside the window, without Danish holidays of the given categories
    ('public'; 'optional' adds Grundlovsdag, Christmas Eve and New Year's Eve)."""
    import holidays

    closed = holidays.Denmark(years=range(start.year, end.year + 1), categories=categories)
    out, day = [], start
    while day <= end:
        if day.weekday() < 5 and day not in closed:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def day_slots(settings: ReviewSettings) -> list[tuple[dt.time, dt.time]]:
    base = dt.date(2000, 1, 1)
    t = dt.datetime.combine(base, settings.day_start)
    stop = dt.datetime.combine(base, settings.day_end)
    length, pause = dt.timedelta(minutes=settings.minutes), dt.timedelta(minutes=settings.pause)
    out = []
    while t + length <= stop:
        out.append((t.time(), (t + length).time()))
        t += length + pause
    return out


def _units_sorted(cluster: Cluster):
    return sorted(cluster.units, key=lambda u: u.id)


def _same_person(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a.strip().casefold() == b.strip().casefold()


def network_representative(cluster: Cluster, override: str | None) -> tuple[str, str, str] | None:
    """The second leader of a network: (name, e-mail, unit). None when the override matches nobody.

    Without an override: the leader of the network's first unit (by unit id) who is not the
    coordinator, so the choice is the same every run.
    """
    candidates = [
        u
        for u in _units_sorted(cluster)
        if u.leader
        and not _same_person(u.leader, cluster.leader)
        and not _same_person(u.email, cluster.email)
    ]
    if override:
        key = override.strip().casefold()
        for u in _units_sorted(cluster):
            if key in (u.id.casefold(), u.name.casefold(), u.leader.casefold(), u.email.casefold()):
                return (u.leader or u.name), u.email, u.name
        return None
    if not candidates:
        return ("", "", "")
    return candidates[0].leader, candidates[0].email, candidates[0].name


def _participants(
    structure: Structure,
    cluster: Cluster,
    settings: ReviewSettings,
    reps: dict[str, tuple[str, Location]],
    problems: list[Problem],
) -> tuple[Participant, ...]:
    out = [Participant(_key(p.name, p.email), p.name, p.role, p.email) for p in settings.fixed]
    area = structure.areas.get(cluster.area)
    if area is not None:
        out.append(
            Participant(
                _key(area.chief, area.email), area.chief, f"Områdechef, {area.name}", area.email
            )
        )
    role = "Netværkskoordinator" if cluster.is_network else "Klyngeleder"
    if cluster.leader or cluster.email:
        out.append(
            Participant(
                _key(cluster.leader, cluster.email),
                cluster.leader or cluster.email,
                f"{role}, {cluster.name}",
                cluster.email,
            )
        )
    else:
        # No leader in the structure yet: the seat is still planned for, under the cluster's id.
        out.append(
            Participant(
                f"leder:{cluster.id}".casefold(),
                f"{role} for {cluster.name}",
                f"{role}, {cluster.name}",
            )
        )
    if cluster.is_network:
        override, loc = reps.get(cluster.id, (None, None))
        rep = network_representative(cluster, override)
        if rep is None:
            names = [u.leader for u in cluster.units if u.leader] + [u.id for u in cluster.units]
            near = difflib.get_close_matches(override or "", names, n=2)
            problems.append(
                Problem(
                    loc or Location(),
                    f"'{override}' er ikke leder af en enhed i "
                    f"netværket {cluster.id}" + (f"; mente du {', '.join(near)}?" if near else ""),
                )
            )
        elif rep[0]:
            out.append(
                Participant(
                    _key(rep[0], rep[1]),
                    rep[0],
                    f"Leder, {rep[2]} (netværkets anden repræsentant)",
                    rep[1],
                )
            )
    seen, unique = set(), []
    for p in out:
        if p.key not in seen:
            seen.add(p.key)
            unique.append(p)
    return tuple(unique)


def meetings_for(structure: Structure, settings: ReviewSettings, plan: PlanInput) -> list[Meeting]:
    """The meetings to hold, each area's together, validated (unknown ids are errors)."""
    problems: list[Problem] = []
    chosen: list[Cluster] = [c for c in structure.clusters.values() if c.is_self_governing]
    for cid in plan.municipal:
        c = structure.find_cluster(cid)
        if c is None:
            problems.append(
                Problem(Location(plan.source, part="kommunale_klynger"), f"ukendt klynge '{cid}'")
            )
        elif c not in chosen:
            chosen.append(c)
    if plan.all_municipal:
        chosen += [c for c in structure.clusters.values() if c not in chosen]
    for cid, (_, loc) in plan.network_reps.items():
        c = structure.find_cluster(cid)
        if c is None or not c.is_network:
            problems.append(Problem(loc, f"'{cid}' er ikke et netværk i strukturen"))
    area_order = {name: i for i, name in enumerate(structure.areas)}
    chosen.sort(key=lambda c: (area_order.get(c.area, len(area_order)), c.id))
    meetings = [
        Meeting(
            meeting_id(c),
            c,
            _participants(structure, c, settings, plan.network_reps, problems),
            settings.place_for(c.area),
        )
        for c in chosen
    ]
    if problems:
        raise ScheduleError(f"{len(problems)} fejl i planlægningsfilen", problems)
    return meetings


def _participant_aliases(
    meetings: Iterable[Meeting], aliases: dict[str, str]
) -> dict[str, Participant]:
    """Every meeting's participants by key; their names and e-mails as aliases."""
    people: dict[str, Participant] = {}
    for m in meetings:
        for p in m.participants:
            people[p.key] = p
            for alias in (p.name, p.email):
                if alias:
                    aliases.setdefault(alias.strip().casefold(), p.key)
    return people


def _structure_aliases(structure: Structure, aliases: dict[str, str]) -> set[str]:
    """Areas (their chief), clusters (leader/coordinator) and unit leaders as aliases;
    returns the unit leaders' keys."""
    for area in structure.areas.values():
        aliases.setdefault(area.name.casefold(), _key(area.chief, area.email))
        aliases.setdefault(f"områdechef {area.name}".casefold(), _key(area.chief, area.email))
    for c in structure.clusters.values():
        k = _key(c.leader, c.email) if (c.leader or c.email) else f"leder:{c.id}".casefold()
        aliases.setdefault(c.id.casefold(), k)
        aliases.setdefault(c.name.casefold(), k)
    known_people = {_key(u.leader, u.email) for u in structure.units.values() if u.leader}
    for u in structure.units.values():
        if u.leader:
            aliases.setdefault(u.leader.casefold(), _key(u.leader, u.email))
    return known_people


def resolve_blocked(
    meetings: Iterable[Meeting], structure: Structure, plan: PlanInput
) -> dict[str, set[dt.date]]:
    """Blocked dates by participant key. A name matches a participant's name or e-mail, an
    area's name its chief, a cluster's id or name its leader / coordinator."""
    aliases: dict[str, str] = {}
    people = _participant_aliases(meetings, aliases)
    known_people = _structure_aliases(structure, aliases)
    problems: list[Problem] = []
    out: dict[str, set[dt.date]] = {}
    for entry in plan.blocked:
        key = aliases.get(entry.who.strip().casefold())
        if key is None:
            near = difflib.get_close_matches(entry.who, [p.name for p in people.values()], n=3)
            problems.append(
                Problem(
                    entry.location,
                    f"ukendt deltager '{entry.who}'"
                    + (f"; mente du {', '.join(near)}?" if near else ""),
                )
            )
            continue
        if key in people or key in known_people or key.startswith("leder:"):
            out.setdefault(key, set()).update(entry.dates)
    if problems:
        raise ScheduleError(f"{len(problems)} fejl i de blokerede datoer", problems)
    return out


def _meeting_times(settings: ReviewSettings) -> list[tuple[dt.time, dt.time]]:
    """The day's meeting times; the period and the working day must have room for one."""
    if settings.end < settings.start:
        raise UsageError(f"perioden slutter ({settings.end}) før den begynder ({settings.start})")
    slots_per_day = day_slots(settings)
    if not slots_per_day:
        raise UsageError(
            f"arbejdstiden {settings.day_start:%H:%M}-{settings.day_end:%H:%M} har ikke "
            f"plads til et møde på {settings.minutes} minutter"
        )
    return slots_per_day


def _check_everyone_can_come(
    meetings: list[Meeting],
    blocked: dict[str, set[dt.date]],
    days: list[dt.date],
    source: str,
    window: str,
) -> None:
    """Nobody is blocked on every working day of the period."""
    never = []
    for p in {p.key: p for m in meetings for p in m.participants}.values():
        if days and all(d in blocked.get(p.key, ()) for d in days):
            never.append(
                Problem(
                    Location(source or None),
                    f"{p.label()} er blokeret på alle arbejdsdage i perioden {window}",
                )
            )
    if never:
        raise ScheduleError(
            f"{len(never)} deltager(e) kan ikke deltage på nogen dag",
            never,
            hint="fjern nogle blokerede datoer eller gør perioden længere",
        )


_Slot = tuple[dt.date, dt.time, dt.time]


def _place_meeting(
    m: Meeting,
    target: int,
    slots: list[_Slot],
    busy: dict[str, set[int]],
    blocked: dict[str, set[dt.date]],
) -> ScheduledMeeting | None:
    """The first slot from ``target`` on (then from the start) where every participant is
    free and not blocked; the participants are marked busy in it. None: no slot fits."""
    for idx in [*range(target, len(slots)), *range(0, target)]:
        d, s, e = slots[idx]
        if any(idx in busy.get(p.key, ()) or d in blocked.get(p.key, ()) for p in m.participants):
            continue
        for p in m.participants:
            busy.setdefault(p.key, set()).add(idx)
        return ScheduledMeeting(m, d, s, e)
    return None


def plan_schedule(
    structure: Structure, settings: ReviewSettings, plan: PlanInput | None = None
) -> Schedule:
    """Place every meeting or raise ScheduleError saying what does not fit. Nothing is written."""
    plan = plan or PlanInput()
    slots_per_day = _meeting_times(settings)
    meetings = meetings_for(structure, settings, plan)
    blocked = resolve_blocked(meetings, structure, plan)
    days = working_days(settings.start, settings.end, settings.holiday_categories)
    window = f"{settings.start:%d.%m.%Y}-{settings.end:%d.%m.%Y}"
    _check_everyone_can_come(meetings, blocked, days, plan.source, window)
    slots = [(d, s, e) for d in days for s, e in slots_per_day]
    busy: dict[str, set[int]] = {}
    placed: list[ScheduledMeeting] = []
    unplaced: list[Meeting] = []
    n = len(meetings)
    for i, m in enumerate(meetings):
        # Aim at an even spread; look forward from the aim first, then back to the start.
        target = (i * len(slots)) // n if n else 0
        sm = _place_meeting(m, target, slots, busy, blocked)
        if sm is None:
            unplaced.append(m)
        else:
            placed.append(sm)
    if unplaced:
        problems = [
            Problem(Location(), f"{m.id} {m.cluster.name} ({m.cluster.area})") for m in unplaced
        ]
        raise ScheduleError(
            f"perioden {window} er for kort: {len(unplaced)} af {n} møder kan ikke placeres "
            f"({len(days)} arbejdsdage med {len(slots_per_day)} mødetider hver)",
            problems,
            hint="gør perioden (--from/--to) eller arbejdstiden længere, eller fjern blokerede datoer",
        )
    placed.sort(key=lambda sm: (sm.day, sm.start, sm.id))
    return Schedule(placed, settings)


def clashes(schedule: Schedule) -> list[tuple[str, str, str]]:
    """(participant, meeting, meeting) for every participant in two overlapping meetings."""
    out = []
    ms = schedule.meetings
    for i, a in enumerate(ms):
        for b in ms[i + 1 :]:
            if a.day != b.day or a.ends <= b.starts or b.ends <= a.starts:
                continue
            shared = {p.key for p in a.meeting.participants} & {
                p.key for p in b.meeting.participants
            }
            out.extend((k, a.id, b.id) for k in sorted(shared))
    return out
