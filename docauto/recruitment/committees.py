"""Assessment committees (vurderingsudvalg): read the members file and check the rule.

The rule (Bilag 7, the same for both roles): 1 local management representative, 2 employee
representatives, 2 parent-board representatives, 1 pedagogical consultant, chaired by the
area's chief or deputy; an HR consultant may join without a vote; nobody holds two seats.
The seats and the words people use for them are data (mappings/udvalgssaeder.yaml).

Input: a workbook (sheet ``Vurderingsudvalg`` or the first sheet; a header row, a title above
it is fine) or YAML (``Vurderingsudvalg:`` with a list of rows, or just the list) with the
columns Stilling (cluster id for a cluster leader, unit id for a pedagogical leader), Navn,
Sæde, Udpeget af, E-mail, Telefon.

A committee that breaks the rule is reported (one :class:`Violation` per problem) and gets no
letters; the others are fine. A file that cannot be read at all is an InputError.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docauto.errors import ConfigError, InputError, Location
from docauto.office.xlsxio import cell_text as _text
from docauto.recruitment.roles import CLUSTER_LEADER, PEDAGOGICAL_LEADER

if TYPE_CHECKING:
    from docauto.structure.model import Area, Cluster, Structure, Unit

SHEET = "Vurderingsudvalg"
SEATS_FILE = "udvalgssaeder.yaml"
COLUMNS: dict[str, tuple[str, ...]] = {
    "Stilling": ("stilling", "stillings-id", "klynge-id", "enheds-id", "klynge/enhed"),
    "Navn": ("navn", "medlem", "medlemmets navn"),
    "Sæde": ("sæde", "saede", "plads", "rolle i udvalget", "funktion"),
    "Udpeget af": ("udpeget af", "udpeget_af", "udpegning"),
    "E-mail": ("e-mail", "email", "mail", "e-mailadresse"),
    "Telefon": ("telefon", "tlf", "tlf.", "mobil"),
}
REQUIRED = ("Stilling", "Navn", "Sæde")


# --- seats -----------------------------------------------------------------------------------


def _norm(text: Any) -> str:
    t = unicodedata.normalize("NFKC", str(text or "")).casefold()
    t = t.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return re.sub(r"[^a-z0-9]+", " ", t).strip()


@dataclass(frozen=True)
class SeatType:
    id: str
    name: str
    file: str
    min: int
    max: int
    voting: bool = True
    chair: bool = False
    synonyms: tuple[str, ...] = ()
    appointed_by: str = ""  # the seed's appointing body, used when the file gives none


def load_seats(path: str | Path | None = None) -> list[SeatType]:
    from docauto.datafiles import read_data
    from docauto.resources import mapping_path

    path = Path(path) if path else mapping_path(SEATS_FILE)
    if not path.is_file():
        raise ConfigError(f"{path}: filen med udvalgets sæder findes ikke")
    data = read_data(path, error=ConfigError)
    items = data.get("saeder") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{path}: 'saeder' skal være en liste af sæder")
    seats = []
    for i, raw in enumerate(items, start=1):
        where = f"{path}: saeder[{i}]"
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("navn"):
            raise ConfigError(f"{where}: et sæde skal have id og navn")
        lo, hi = raw.get("min", 1), raw.get("max", raw.get("min", 1))
        if not (isinstance(lo, int) and isinstance(hi, int) and 0 <= lo <= hi):
            raise ConfigError(f"{where} ({raw['id']}): min/max skal være hele tal med min <= max")
        syn = raw.get("synonymer") or []
        if not isinstance(syn, list):
            raise ConfigError(f"{where} ({raw['id']}): synonymer skal være en liste")
        seats.append(
            SeatType(
                id=str(raw["id"]),
                name=str(raw["navn"]),
                file=str(raw.get("fil") or raw["id"]),
                min=lo,
                max=hi,
                voting=bool(raw.get("stemmeret", True)),
                chair=bool(raw.get("formand", False)),
                synonyms=tuple(_norm(s) for s in [raw["navn"], *syn]),
                appointed_by=str(raw.get("udpeges_af") or ""),
            )
        )
    if sum(s.chair for s in seats) != 1:
        raise ConfigError(f"{path}: præcis ét sæde skal have formand: true")
    return seats


def match_seat(text: str, seats: list[SeatType]) -> tuple[SeatType | None, int | None]:
    """'Medarbejderrepræsentant 2' -> (the employee seat, 2); unknown text -> (None, None)."""
    norm = _norm(text)
    number = None
    m = re.fullmatch(r"(.*?)\s*(\d+)", norm)
    if m and m.group(1):
        norm, number = m.group(1), int(m.group(2))
    for seat in seats:
        if norm in seat.synonyms:
            return seat, number
    return None, None


# --- the committees --------------------------------------------------------------------------


@dataclass
class Member:
    location: Location
    name: str
    seat_text: str
    appointed_by: str
    email: str
    phone: str
    seat: SeatType | None = None
    seat_number: int | None = None


@dataclass
class Committee:
    key: str  # the position id as written in the file
    members: list[Member] = field(default_factory=list)
    role: str | None = None
    cluster: Cluster | None = None
    unit: Unit | None = None
    area: Area | None = None

    @property
    def position_id(self) -> str:
        return self.unit.id if self.unit else self.cluster.id if self.cluster else self.key

    @property
    def label(self) -> str:
        if self.unit:
            return f"{self.unit.id} ({self.unit.name})"
        if self.cluster:
            return f"{self.cluster.id} ({self.cluster.name})"
        return self.key

    @property
    def chair(self) -> Member | None:
        return next((m for m in self.members if m.seat and m.seat.chair), None)


@dataclass(frozen=True)
class Violation:
    committee: str
    seat: str
    message: str
    locations: tuple[Location, ...] = ()

    def __str__(self) -> str:
        where = ""
        if self.locations:
            first = self.locations[0]
            rows = [str(loc.row) for loc in self.locations if loc.row is not None]
            parts = [loc.part for loc in self.locations if loc.part]
            if len(rows) > 1:
                where = (
                    f" ({Location(first.file, first.sheet)}, række {', '.join(rows)}"
                    + (
                        f"; linje {', '.join(x.removeprefix('linje ') for x in parts)}"
                        if parts
                        else ""
                    )
                    + ")"
                )
            else:
                where = f" ({first})"
        return f"vurderingsudvalg {self.committee}, sæde '{self.seat}': {self.message}{where}"


def _header_map(row: list[Any]) -> dict[str, int]:
    heads = [_norm(v) for v in row]
    out = {}
    for col, names in COLUMNS.items():
        for name in names:
            if _norm(name) in heads:
                out[col] = heads.index(_norm(name))
                break
    return out


def _rows_from_workbook(path: Path) -> list[tuple[Location, dict[str, str]]]:
    from docauto.office.xlsxio import load_workbook_checked

    wb = load_workbook_checked(path, read_only=True, data_only=True)
    try:
        by_name = {ws.title.strip().casefold(): ws for ws in wb.worksheets}
        ws = by_name.get(SHEET.casefold(), wb.worksheets[0])
        title = ws.title
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    for n, row in enumerate(rows[:20], start=1):
        cols = _header_map(row)
        if all(c in cols for c in REQUIRED):
            out = []
            for m, data in enumerate(rows[n:], start=n + 1):
                values = {c: _text(data[j]) if j < len(data) else "" for c, j in cols.items()}
                if any(values.values()):
                    out.append((Location(str(path), title, m), values))
            return out
    raise InputError(
        f"{path}: ark '{title}': fandt ingen overskriftsrække med " + ", ".join(REQUIRED),
        hint="kolonnerne er: " + ", ".join(COLUMNS),
    )


def _rows_from_yaml(path: Path) -> list[tuple[Location, dict[str, str]]]:
    import yaml

    from docauto.structure.model import _load_yaml_with_lines

    try:
        data, lines = _load_yaml_with_lines(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(f"{path}: filen er ikke UTF-8-tekst") from None
    except OSError as exc:
        raise InputError(f"{path}: kan ikke læses ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linje {mark.line + 1}, kolonne {mark.column + 1})" if mark else ""
        raise InputError(f"{path}: ugyldig YAML{where}: {getattr(exc, 'problem', exc)}") from None
    item_lines: list[int] = []
    if isinstance(data, dict):
        key = next((k for k in data if _norm(k) == _norm(SHEET)), None)
        item_lines = lines.get(str(key).strip().casefold(), []) if key is not None else []
        data = data.get(key) if key is not None else None
    if not isinstance(data, list):
        raise InputError(
            f"{path}: forventede '{SHEET}:' med en liste af rækker "
            "(Stilling, Navn, Sæde, Udpeget af, E-mail, Telefon)"
        )
    out = []
    for i, item in enumerate(data, start=1):
        line = item_lines[i - 1] if i <= len(item_lines) else None
        loc = Location(str(path), SHEET, i, part=f"linje {line}" if line else None)
        if not isinstance(item, dict):
            raise InputError(f"{loc}: rækken skal være en tabel med Stilling, Navn, Sæde, ...")
        cols = _header_map(list(item.keys()))
        values = list(item.values())
        missing = [c for c in REQUIRED if c not in cols]
        if missing:
            raise InputError(f"{loc}: mangler {', '.join(missing)}")
        out.append((loc, {c: _text(values[j]) for c, j in cols.items()}))
    return out


def read_members(path: str | Path) -> list[tuple[Location, dict[str, str]]]:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: udvalgsfilen findes ikke")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _rows_from_workbook(path)
    if suffix in (".yaml", ".yml", ".json"):
        return _rows_from_yaml(path)
    raise InputError(f"{path}: ukendt filtype '{suffix}'", hint="brug .xlsx eller .yaml")


def _who_is(structure: Structure, member: Member) -> list[tuple[Area, str]]:
    """The areas where this person is chief or deputy, matched by e-mail or by name."""
    out = []
    email = member.email.casefold()
    name = _norm(member.name)
    for area in structure.areas.values():
        for title, n, e in (
            ("områdechef", area.chief, area.email),
            ("souschef", area.deputy, area.deputy_email),
        ):
            if not n and not e:
                continue
            if (email and e and email == e.casefold()) or (name and n and name == _norm(n)):
                out.append((area, title))
    return out


# Words that name a body or a title, not a person: written lower-case mid-sentence in Danish
# ("udpeget af områdechefen"), whatever case the file has. Acronyms (MED-udvalget,
# HR-gruppen) keep theirs.
_COMMON_NOUNS = (
    "områdechef",
    "souschef",
    "forældrebestyrelse",
    "bestyrelse",
    "de eksisterende",
    "samarbejdsudvalg",
    "personalemøde",
    "ledergruppe",
    "lederteam",
    "institution",
    "klyngeleder",
    "pædagogisk",
    "lederne",
    "lederen",
    "personalet",
)


def mid_sentence(text: str, units: Collection[str] = ()) -> str:
    """'Områdechefen' -> 'områdechefen' for use after 'udpeget af'; names are kept.

    A single institution has one leader: "Lederne i Fritidsinstitutionen Isbjørnen" (a unit
    in ``units``) becomes "lederen af Fritidsinstitutionen Isbjørnen"."""
    t = text.strip()
    head, sep, rest = t.partition(" i ")
    if (
        sep
        and head.casefold() == "lederne"
        and rest.strip().casefold() in {u.casefold() for u in units}
    ):
        return f"lederen af {rest.strip()}"
    if len(t) > 1 and t[1].islower() and t.casefold().startswith(_COMMON_NOUNS):
        return t[0].lower() + t[1:]
    return t


def chair_title(structure: Structure, committee: Committee) -> str:
    """'områdechef' or 'souschef' for a valid committee's chair."""
    for area, title in _who_is(structure, committee.chair):
        if committee.area and area.name == committee.area.name:
            return title
    return "formand"


# Adds a violation of the committee's rule: (seat, message, *where).
_Report = Callable[..., None]


def _read_committees(path: str | Path, seats: list[SeatType]) -> dict[str, Committee]:
    """The file's members grouped by position (case-insensitive), each seat matched."""
    committees: dict[str, Committee] = {}
    for loc, values in read_members(path):
        key = values.get("Stilling", "")
        m = Member(
            location=loc,
            name=values.get("Navn", ""),
            seat_text=values.get("Sæde", ""),
            appointed_by=values.get("Udpeget af", ""),
            email=values.get("E-mail", ""),
            phone=values.get("Telefon", ""),
        )
        m.seat, m.seat_number = match_seat(m.seat_text, seats)
        committees.setdefault(key.casefold(), Committee(key=key)).members.append(m)
    return committees


def _reporter(violations: list[Violation], c: Committee) -> _Report:
    def bad(seat: str, message: str, *locs: Location) -> None:
        # c.label is read when reporting: it names the position once it is placed.
        violations.append(Violation(c.label, seat, message, tuple(locs)))

    return bad


def _place_committee(c: Committee, structure: Structure, scope: Any, bad: _Report) -> bool:
    """Find the committee's position in the structure; False (and why) if it has none."""
    all_locs = [m.location for m in c.members]
    if not c.key:
        bad("–", "stillingen (Klynge-ID eller Enheds-ID) mangler", *all_locs)
        return False
    cluster = structure.find_cluster(c.key)
    unit = None if cluster else structure.find_unit(c.key)
    if cluster is None and unit is None:
        bad(
            "–",
            f"stillingen '{c.key}' findes ikke i strukturen (hverken klynge eller enhed)",
            *all_locs,
        )
        return False
    c.cluster = cluster or structure.cluster_of(unit.id)
    c.unit = unit
    c.role = PEDAGOGICAL_LEADER if unit else CLUSTER_LEADER
    c.area = structure.areas.get(c.cluster.area)
    if not scope.recruits(c.cluster):
        # A network or a self-governing institution hires its own leaders: no committee.
        bad("–", scope.why_not(c.cluster), *all_locs)
        return False
    return True


def _check_members(c: Committee, seats: list[SeatType], bad: _Report) -> dict[str, list[Member]]:
    """Each member's name, seat and e-mail; returns the members by the seat they hold."""
    from docauto.structure.model import is_email

    by_seat: dict[str, list[Member]] = {}
    for m in c.members:
        seat_label = m.seat.name if m.seat else (m.seat_text or "–")
        if not m.name:
            bad(seat_label, "navnet mangler", m.location)
        if m.seat is None:
            allowed = ", ".join(s.name for s in seats)
            bad(
                m.seat_text or "–",
                f"sædet '{m.seat_text}' kendes ikke (tilladt: {allowed})"
                if m.seat_text
                else "sædet mangler",
                m.location,
            )
        else:
            by_seat.setdefault(m.seat.id, []).append(m)
        if m.email and not is_email(m.email):
            bad(seat_label, f"'{m.email}' er ikke en gyldig e-mailadresse", m.location)
    return by_seat


def _check_seat_numbers(seat: SeatType, held: list[Member], bad: _Report) -> None:
    """Numbered seats ("Medarbejderrepræsentant 2"): one person each, within the seat's max."""
    numbered: dict[int, list[Member]] = {}
    for m in held:
        if m.seat_number is not None:
            numbered.setdefault(m.seat_number, []).append(m)
    for number, same in sorted(numbered.items()):
        if len(same) > 1:
            bad(
                f"{seat.name} {number}",
                f"{len(same)} personer i samme sæde",
                *[m.location for m in same],
            )
        elif number > seat.max:
            bad(
                f"{seat.name} {number}",
                f"der er kun {seat.max} sæde(r) af denne slags",
                same[0].location,
            )


def _check_seat_count(
    seat: SeatType, held: list[Member], bad: _Report, first: list[Location]
) -> None:
    """As many people in a kind of seat as the rule allows; ``first``: where to point if none."""
    if len(held) > seat.max:
        bad(
            seat.name,
            f"{len(held)} personer; reglen er højst {seat.max}",
            *[m.location for m in held],
        )
    elif len(held) < seat.min:
        rule = f"reglen er {seat.min}" if seat.min == seat.max else f"reglen er mindst {seat.min}"
        bad(
            seat.name,
            f"{'mangler' if not held else f'kun {len(held)} person(er)'}; {rule}",
            *first,
        )


def _check_double_seats(c: Committee, bad: _Report) -> None:
    """Nobody holds two seats: the same e-mail, or the same name, on two rows."""
    seen: dict[str, Member] = {}
    for m in c.members:
        keys = [k for k in (m.email.casefold(), "navn:" + _norm(m.name)) if k and k != "navn:"]
        for k in keys:
            if k in seen and seen[k] is not m:
                first = seen[k]
                bad(
                    m.seat.name if m.seat else m.seat_text,
                    f"{m.name or m.email} har allerede sædet "
                    f"'{first.seat.name if first.seat else first.seat_text}'; ingen må have to sæder",
                    first.location,
                    m.location,
                )
                break
        for k in keys:
            seen.setdefault(k, m)


def _check_chair(
    c: Committee,
    structure: Structure,
    seats: list[SeatType],
    by_seat: dict[str, list[Member]],
    bad: _Report,
) -> None:
    """The chair (when there is exactly one) is area chief or deputy in the position's area."""
    chair = c.chair
    if chair is None or len(by_seat.get(next(s.id for s in seats if s.chair), [])) != 1:
        return
    roles = _who_is(structure, chair)
    own = [t for a, t in roles if c.area and a.name == c.area.name]
    if own:
        return
    chair_seat = next(s.name for s in seats if s.chair)
    if roles:
        a, t = roles[0]
        bad(
            chair_seat,
            f"{chair.name} er {t} i område {a.name}, ikke i område {c.area.name}; "
            "formanden skal være områdechef eller souschef i stillingens område",
            chair.location,
        )
    else:
        bad(
            chair_seat,
            f"{chair.name} er hverken områdechef eller souschef i område {c.area.name}",
            chair.location,
        )


def _check_committee(
    c: Committee, structure: Structure, seats: list[SeatType], bad: _Report
) -> None:
    """The rule for a placed committee: members, seats, no double seats, the chair."""
    all_locs = [m.location for m in c.members]
    by_seat = _check_members(c, seats, bad)
    for seat in seats:
        held = by_seat.get(seat.id, [])
        _check_seat_numbers(seat, held, bad)
        _check_seat_count(seat, held, bad, all_locs[:1])
    _check_double_seats(c, bad)
    _check_chair(c, structure, seats, by_seat, bad)


def check_committees(
    path: str | Path, structure: Structure, seats: list[SeatType] | None = None
) -> tuple[list[Committee], list[Violation]]:
    """All committees of the file, and every violation of the rule (empty: all fine)."""
    from docauto.recruitment.scope import load_scope

    seats = seats or load_seats()
    scope = load_scope()
    committees = _read_committees(path, seats)
    violations: list[Violation] = []
    for c in committees.values():
        bad = _reporter(violations, c)
        if _place_committee(c, structure, scope, bad):
            _check_committee(c, structure, seats, bad)
    return list(committees.values()), violations
