"""The recruitment plan (Bilag 7's two timelines) as typed objects, loaded from mappings/.

Other parts ask it for the subject line and deadline of a submission:

    plan = load_timeline()
    step = plan.submission("cluster_leader", "candidates", 2)
    step.subject   # 'Klyngeleder – Registrering af kandidaten 2. runde'
    step.deadline  # datetime.date(2010, 11, 12)

The file is data HR edits (mappings/rekrutteringsplan.yaml); it is validated completely on
load, and every problem names the file and the entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docauto.errors import ConfigError

PLAN_FILE = "rekrutteringsplan.yaml"
ROLES = ("cluster_leader", "pedagogical_leader")
KINDS = ("job_ad", "applicants", "candidates", "unfilled", "hires", "vacancies", "senior")
SUBMITTERS = ("area", "hr")


@dataclass(frozen=True)
class TimelineStep:
    """One line of a timeline; ``kind`` is set when the step is a mail to the HR group."""

    id: str
    role: str
    when: str
    description: str
    kind: str | None = None
    round: int | None = None
    subject: str | None = None
    start: dt.date | None = None
    deadline: dt.date | None = None
    deadline_note: str = ""
    weeks: tuple[int, ...] = ()
    submitted_by: str | None = None

    @property
    def is_submission(self) -> bool:
        return self.kind is not None

    @property
    def week_text(self) -> str:
        """'uge 41' / 'uge 43-47' / 'uge 45 og 46' (Danish, for documents)."""
        w = list(self.weeks)
        if not w:
            return ""
        if len(w) == 1:
            return f"uge {w[0]}"
        if w == list(range(w[0], w[-1] + 1)) and len(w) > 2:
            return f"uge {w[0]}-{w[-1]}"
        return "uge " + ", ".join(str(x) for x in w[:-1]) + f" og {w[-1]}"


@dataclass(frozen=True)
class RoleTimeline:
    role: str
    title: str
    subject_prefix: str
    posting_date: dt.date | None
    application_deadline: dt.date | None
    interview_weeks: tuple[int, ...]
    appointment_date: dt.date | None
    appointment_weeks: tuple[int, ...]
    committee_weeks: tuple[int, ...]
    steps: tuple[TimelineStep, ...]


@dataclass(frozen=True)
class RecruitmentPlan:
    year: int
    mailbox: str
    structure_start: dt.date | None
    roles: dict[str, RoleTimeline]
    kind_subjects: dict[str, str] = field(default_factory=dict)
    source: str = ""

    def timeline(self, role: str) -> RoleTimeline:
        try:
            return self.roles[role]
        except KeyError:
            raise ConfigError(
                f"{self.source}: rekrutteringsplanen har ingen rolle '{role}'",
                hint=f"roller: {', '.join(self.roles)}",
            ) from None

    def steps(self, role: str) -> list[TimelineStep]:
        return list(self.timeline(role).steps)

    def submissions(self, role: str | None = None) -> list[TimelineStep]:
        """Every step that is a mail to the HR group (for one role, or for both)."""
        roles = [role] if role else list(self.roles)
        return [s for r in roles for s in self.timeline(r).steps if s.kind]

    def find_submission(
        self, role: str, kind: str, round: int | None = None
    ) -> TimelineStep | None:
        """The step for (role, kind, round), or None. ``round`` defaults to 1 for candidates."""
        if kind == "candidates" and round is None:
            round = 1
        for s in self.timeline(role).steps:
            if s.kind == kind and (kind != "candidates" or s.round == round):
                return s
        return None

    def submission(self, role: str, kind: str, round: int | None = None) -> TimelineStep:
        step = self.find_submission(role, kind, round)
        if step is None:
            what = f"{kind}" + (f" runde {round}" if round else "")
            raise ConfigError(
                f"{self.source}: rekrutteringsplanen har ingen indsendelse "
                f"'{what}' for rollen '{role}'"
            )
        return step

    def subject_for(self, role: str, kind: str, round: int | None = None) -> str:
        """The subject line to use: the plan's own, else '<prefix> – <kind text>'."""
        step = self.find_submission(role, kind, round)
        if step is not None and step.subject:
            return step.subject
        text = self.kind_subjects.get(kind, kind)
        if kind == "candidates" and round == 2:
            text += " 2. runde"
        return f"{self.timeline(role).subject_prefix} – {text}"

    def iter_deadlines(self) -> Iterator[TimelineStep]:
        """Submissions with a deadline, in date order (for reminders and status)."""
        steps = [s for s in self.submissions() if s.deadline]
        yield from sorted(steps, key=lambda s: (s.deadline, s.role))


# --- loading ---------------------------------------------------------------------------------


class _Checker:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def date(self, where: str, value: Any, year_hint: int | None = None) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(where, f"'{value}' er ikke en gyldig dato (skriv ÅÅÅÅ-MM-DD)")
            return None

    def weeks(self, where: str, value: Any, year: int) -> tuple[int, ...]:
        if value is None:
            return ()
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list):
            self.fail(where, f"'{value}' skal være en liste af ugenumre, fx [41] eller [45, 46]")
            return ()
        out = []
        for w in value:
            if isinstance(w, bool) or not isinstance(w, int):
                self.fail(where, f"ugenummeret '{w}' er ikke et helt tal")
                continue
            try:
                dt.date.fromisocalendar(year, w, 1)
            except ValueError:
                self.fail(where, f"uge {w} findes ikke i {year}")
                continue
            out.append(w)
        return tuple(out)

    def text(self, where: str, value: Any, required: bool = False) -> str:
        if value is None:
            if required:
                self.fail(where, "mangler")
            return ""
        if not isinstance(value, str | int | float):
            self.fail(where, f"skal være tekst, ikke {type(value).__name__}")
            return ""
        text = str(value).strip()
        if required and not text:
            self.fail(where, "mangler")
        return text


def _step_kind(c: _Checker, where: str, raw: dict[str, Any]) -> tuple[str | None, Any]:
    """A step's submission kind and round (candidates only); None for what is wrong."""
    kind = raw.get("kind")
    if kind is not None and kind not in KINDS:
        c.fail(f"{where}.kind", f"ukendt type '{kind}' (tilladt: {', '.join(KINDS)})")
        kind = None
    rnd = raw.get("round")
    if kind == "candidates":
        if rnd not in (1, 2):
            c.fail(f"{where}.round", "kandidater skal have round: 1 eller 2")
    elif rnd is not None:
        c.fail(f"{where}.round", "kun kind: candidates har en runde")
        rnd = None
    return kind, rnd


def _step(c: _Checker, role: str, i: int, raw: Any, year: int) -> TimelineStep | None:
    where = f"{c.source}: roles.{role}.steps[{i}]"
    if not isinstance(raw, dict):
        c.fail(where, "trinnet skal være en tabel (id, when, description, ...)")
        return None
    known = {
        "id",
        "when",
        "description",
        "kind",
        "round",
        "subject",
        "start",
        "deadline",
        "deadline_note",
        "weeks",
        "submitted_by",
    }
    for key in raw:
        if key not in known:
            c.fail(where, f"ukendt felt '{key}' (tilladt: {', '.join(sorted(known))})")
    sid = c.text(f"{where}.id", raw.get("id"), required=True)
    where = f"{c.source}: roles.{role}.steps[{i}] ({sid or '?'})"
    kind, rnd = _step_kind(c, where, raw)
    subject = c.text(f"{where}.subject", raw.get("subject")) or None
    if kind and not subject:
        c.fail(f"{where}.subject", "en indsendelse skal have et emnefelt")
    submitted_by = raw.get("submitted_by")
    if submitted_by is not None and submitted_by not in SUBMITTERS:
        c.fail(f"{where}.submitted_by", f"'{submitted_by}' (tilladt: {', '.join(SUBMITTERS)})")
    start = c.date(f"{where}.start", raw.get("start"))
    deadline = c.date(f"{where}.deadline", raw.get("deadline"))
    if start and deadline and start > deadline:
        c.fail(where, f"start {start} ligger efter fristen {deadline}")
    return TimelineStep(
        id=sid,
        role=role,
        when=c.text(f"{where}.when", raw.get("when"), required=True),
        description=c.text(f"{where}.description", raw.get("description"), required=True),
        kind=kind,
        round=rnd if kind == "candidates" else None,
        subject=subject,
        start=start,
        deadline=deadline,
        deadline_note=c.text(f"{where}.deadline_note", raw.get("deadline_note")),
        weeks=c.weeks(f"{where}.weeks", raw.get("weeks"), year),
        submitted_by=submitted_by,
    )


def _role(c: _Checker, role: str, raw: Any, year: int) -> RoleTimeline | None:
    where = f"{c.source}: roles.{role}"
    if not isinstance(raw, dict):
        c.fail(where, "skal være en tabel med title, steps, ...")
        return None
    raw_steps = raw.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        c.fail(f"{where}.steps", "skal være en ikke-tom liste af trin")
        raw_steps = []
    steps = [
        s
        for i, raw_step in enumerate(raw_steps)
        if (s := _step(c, role, i, raw_step, year)) is not None
    ]
    seen_ids: set[str] = set()
    seen_kinds: set[tuple[str, int | None]] = set()
    for s in steps:
        if s.id in seen_ids:
            c.fail(f"{where}.steps", f"trinnet '{s.id}' står der to gange")
        seen_ids.add(s.id)
        if s.kind:
            key = (s.kind, s.round)
            if key in seen_kinds:
                c.fail(
                    f"{where}.steps ({s.id})",
                    f"indsendelsen '{s.kind}'"
                    + (f" runde {s.round}" if s.round else "")
                    + " står der to gange",
                )
            seen_kinds.add(key)
    return RoleTimeline(
        role=role,
        title=c.text(f"{where}.title", raw.get("title"), required=True),
        subject_prefix=c.text(f"{where}.subject_prefix", raw.get("subject_prefix"), required=True),
        posting_date=c.date(f"{where}.posting_date", raw.get("posting_date")),
        application_deadline=c.date(
            f"{where}.application_deadline", raw.get("application_deadline")
        ),
        interview_weeks=c.weeks(f"{where}.interview_weeks", raw.get("interview_weeks"), year),
        appointment_date=c.date(f"{where}.appointment_date", raw.get("appointment_date")),
        appointment_weeks=c.weeks(f"{where}.appointment_weeks", raw.get("appointment_weeks"), year),
        committee_weeks=c.weeks(f"{where}.committee_weeks", raw.get("committee_weeks"), year),
        steps=tuple(steps),
    )


def _roles(c: _Checker, source: str, roles_raw: Any, year: int) -> dict[str, RoleTimeline]:
    """Each role's timeline; every role must be there, and no other."""
    roles: dict[str, RoleTimeline] = {}
    if not isinstance(roles_raw, dict):
        c.fail(f"{source}: roles", "mangler (cluster_leader, pedagogical_leader)")
        roles_raw = {}
    for role in roles_raw:
        if role not in ROLES:
            c.fail(f"{source}: roles.{role}", f"ukendt rolle (tilladt: {', '.join(ROLES)})")
    for role in ROLES:
        if role not in roles_raw:
            c.fail(f"{source}: roles", f"rollen '{role}' mangler")
            continue
        timeline = _role(c, role, roles_raw[role], year)
        if timeline is not None:
            roles[role] = timeline
    return roles


def parse_timeline(data: Any, source: str) -> RecruitmentPlan:
    """Build and validate a plan from already-parsed YAML data."""
    c = _Checker(source)
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: rekrutteringsplanen skal være en tabel med year, roles, ...")
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 < year < 2200:
        c.fail(f"{source}: year", f"'{year}' er ikke et årstal")
        year = 2010
    roles = _roles(c, source, data.get("roles"), year)
    kind_subjects = data.get("kind_subjects") or {}
    if not isinstance(kind_subjects, dict):
        c.fail(f"{source}: kind_subjects", "skal være en tabel kind -> tekst")
        kind_subjects = {}
    plan = RecruitmentPlan(
        year=year,
        mailbox=c.text(f"{source}: mailbox", data.get("mailbox"), required=True),
        structure_start=c.date(f"{source}: structure_start", data.get("structure_start")),
        roles=roles,
        kind_subjects={str(k): str(v) for k, v in kind_subjects.items()},
        source=source,
    )
    if c.problems:
        raise ConfigError(
            f"{source}: rekrutteringsplanen har {len(c.problems)} fejl:\n  - "
            + "\n  - ".join(c.problems),
            hint="ret filen (mappings/rekrutteringsplan.yaml)",
        )
    return plan


def _loader():
    """A SafeLoader that leaves dates as text, so an impossible date (2010-02-30) is reported
    with its entry by the checks above instead of crashing inside PyYAML."""
    import yaml

    class PlanLoader(yaml.SafeLoader):
        pass

    PlanLoader.yaml_implicit_resolvers = {
        ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return PlanLoader


def load_timeline(path: str | Path | None = None) -> RecruitmentPlan:
    """Load and validate the plan (default: mappings/rekrutteringsplan.yaml)."""
    import yaml

    from docauto.resources import mapping_path

    path = Path(path) if path else mapping_path(PLAN_FILE)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: rekrutteringsplanen findes ikke") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: kan ikke læses ({exc})") from None
    try:
        data = yaml.load(text, Loader=_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linje {mark.line + 1})" if mark else ""
        raise ConfigError(f"{path}: ugyldig YAML{where}: {getattr(exc, 'problem', exc)}") from None
    return parse_timeline(data, str(path))
