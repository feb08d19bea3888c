"""Minutes (referat) of a review meeting: read a filled minutes form back, or read notes.

Both ways are lenient on purpose: a user may delete a section, add a column to the follow-up
table, or paste text from a mail. What can be read is kept; what cannot is listed as a
Problem, so the command can say exactly what to look at.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docauto.errors import InputError, Location, Problem
from docauto.review.settings import AgendaItem, agenda, texts

FOLLOWUP_SYNONYMS = {
    "hvad": ("hvad", "opgave", "aftale", "handling", "emne"),
    "hvem": ("hvem", "ansvarlig", "ansvar", "person"),
    "hvornår": ("hvornår", "frist", "dato", "deadline", "tidsfrist", "hvornar"),
}
_MAIL_HEADER = re.compile(
    r"^(fra|sendt|til|cc|emne|from|sent|to|subject|date|dato)\s*:", re.IGNORECASE
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)


@dataclass
class MinutesSection:
    id: str
    title: str
    lines: list[str] = field(default_factory=list)


@dataclass
class FollowUp:
    what: str
    who: str = ""
    when: str = ""
    note: str = ""


@dataclass
class Minutes:
    cluster_id: str
    meeting: dict[str, Any] = field(default_factory=dict)  # facts from the form / the schedule
    items: list[MinutesSection] = field(default_factory=list)  # in agenda order
    considerations: list[str] = field(default_factory=list)
    followups: list[FollowUp] = field(default_factory=list)
    extra: list[MinutesSection] = field(default_factory=list)  # sections not on the agenda
    participants: list[str] | None = None  # as written in the form; None: from the schedule
    problems: list[Problem] = field(default_factory=list)

    def item(self, item_id: str) -> MinutesSection | None:
        return next((s for s in self.items if s.id == item_id), None)


def clean_line(text: str) -> str:
    """A line as pasted from a mail, tidied: no non-breaking or invisible spaces, no '>'."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = text.replace("\xa0", " ").replace("\t", " ")
    text = re.sub(r"^(\s*>)+\s?", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _norm_title(text: str) -> str:
    text = clean_line(text).casefold()
    text = re.sub(r"^(punkt\s*)?\d+\s*[.):]?\s*", "", text)
    return re.sub(r"[\s:.]+$", "", text)


def _split_lines(text: str) -> list[str]:
    return [ln for ln in (clean_line(x) for x in text.replace("\r", "\n").split("\n")) if ln]


# --- reading a filled form ---------------------------------------------------------------


@dataclass
class _Block:
    kind: str  # "p" | "tbl"
    obj: Any
    style: str = ""


def _blocks(doc: Any) -> list[_Block]:
    """Body paragraphs and tables in order, looking inside content controls."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    out: list[_Block] = []

    def walk(parent: Any) -> None:
        for child in parent.iterchildren():
            if child.tag == f"{w}p":
                p = Paragraph(child, doc)
                try:
                    style = p.style.name if p.style is not None else ""
                except Exception:
                    style = ""
                out.append(_Block("p", p, style or ""))
            elif child.tag == f"{w}tbl":
                out.append(_Block("tbl", Table(child, doc)))
            elif child.tag in (f"{w}sdt", f"{w}customXml", f"{w}sdtContent"):
                walk(child.find(f"{w}sdtContent") if child.tag == f"{w}sdt" else child)

    walk(doc.element.body)
    return out


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def element_text(el: Any) -> str:
    """The visible text of a paragraph or cell as Word shows it: tracked insertions in,
    tracked deletions (w:delText) out, breaks as new lines."""
    out = []
    for node in el.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}p"):
        if node.tag == f"{_W}t":
            out.append(node.text or "")
        elif node.tag == f"{_W}tab":
            out.append("\t")
        elif node.tag == f"{_W}p":
            if out:
                out.append("\n")
        else:
            out.append("\n")
    return "".join(out)


def _table_rows(table: Any) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells, last = [], None
        for cell in row.cells:
            # python-docx repeats a merged cell; keep it once
            if last is not None and cell._tc is last:
                continue
            last = cell._tc
            cells.append(" / ".join(_split_lines(element_text(cell._tc))))
        rows.append(cells)
    return rows


def _match_column(header: str) -> str | None:
    key = clean_line(header).casefold().rstrip(":?")
    for name, synonyms in FOLLOWUP_SYNONYMS.items():
        if key in synonyms:
            return name
    return None


def _followup_columns(
    rows: list[list[str]], where: Location
) -> tuple[dict[int, str | None], list[list[str]], list[Problem]]:
    """Which column holds what (by the header row, or by position without one), the rows
    below the header, and what is missing or extra."""
    problems: list[Problem] = []
    header = rows[0]
    mapping = {i: _match_column(h) for i, h in enumerate(header)}
    body = rows[1:]
    if not any(mapping.values()):
        # No recognisable header row: read the columns by position and say so.
        problems.append(
            Problem(
                where,
                "tabellens overskrifter (Hvad, Hvem, Hvornår) mangler; "
                "kolonnerne er læst i rækkefølgen Hvad, Hvem, Hvornår",
            )
        )
        mapping = {i: name for i, name in enumerate(("hvad", "hvem", "hvornår"))}
        body = rows
    found = {v for v in mapping.values() if v}
    for name in ("hvad", "hvem", "hvornår"):
        if name not in found:
            problems.append(Problem(where, f"kolonnen '{name.capitalize()}' mangler i tabellen"))
    extras = [i for i, v in mapping.items() if v is None]
    for i in extras:
        label = header[i] if i < len(header) and header[i] else f"nr. {i + 1}"
        problems.append(
            Problem(where, f"ekstra kolonne '{label}': indholdet er taget med som bemærkning")
        )
    return mapping, body, problems


def _followup_values(
    row: list[str], mapping: dict[int, str | None], header: list[str]
) -> tuple[dict[str, str], list[str]]:
    """A row's Hvad/Hvem/Hvornår, and the other cells as notes (labelled by their header)."""
    values: dict[str, str] = {}
    notes = []
    for i, cell in enumerate(row):
        name = mapping.get(i)
        if name and name not in values:
            values[name] = cell
        elif cell:
            label = header[i] if i < len(header) and header[i] and name is None else ""
            notes.append(f"{label}: {cell}" if label else cell)
    return values, notes


def _when_problem(when: str, row_where: Location) -> Problem | None:
    """A 'Hvornår' written as a date that is not one; words ('januar', 'løbende') are fine."""
    if not (when and re.search(r"\d", when)):
        return None
    from docauto.dates import parse_date

    try:
        parse_date(when)
    except ValueError as exc:
        if re.fullmatch(r"[\d./ -]+", when):
            return Problem(row_where, str(exc))
    return None


def parse_followup_table(
    rows: list[list[str]], where: Location
) -> tuple[list[FollowUp], list[Problem]]:
    if not rows:
        return [], [Problem(where, "tabellen med aftalt opfølgning er tom")]
    header = rows[0]
    mapping, body, problems = _followup_columns(rows, where)
    out = []
    for r, row in enumerate(body, start=2):
        if not any(c.strip() for c in row):
            continue
        values, notes = _followup_values(row, mapping, header)
        row_where = Location(where.file, part=f"{where.part}, række {r}")
        if not values.get("hvad"):
            problems.append(
                Problem(row_where, "rækken har ingen 'Hvad'; den er taget med som den står")
            )
        when = values.get("hvornår", "")
        if (problem := _when_problem(when, row_where)) is not None:
            problems.append(problem)
        out.append(FollowUp(values.get("hvad", ""), values.get("hvem", ""), when, "; ".join(notes)))
    return out, problems


def _open_form(source: str | Path | bytes) -> tuple[bytes, str, Any]:
    """The form's bytes, its name for messages, and the python-docx document."""
    import io

    from docx import Document

    from docauto.office.xlsxio import read_docx_bytes

    data, name = read_docx_bytes(source)
    try:
        doc = Document(io.BytesIO(data))
    except Exception as exc:
        raise InputError(f"{name}: Word-dokumentet kan ikke læses ({type(exc).__name__})") from None
    return data, name, doc


def _form_properties(data: bytes) -> tuple[dict[str, str], dict[str, Any]]:
    """The form's custom properties and the meeting facts the draft stored in them (or none:
    a damaged property only loses what it held)."""
    from docauto.office.docprops import read_custom_properties

    try:
        props = read_custom_properties(data)
    except Exception:
        props = {}
    facts: dict[str, Any] = {}
    if props.get("docauto.moede"):
        try:
            facts = json.loads(props["docauto.moede"])
        except ValueError:
            facts = {}
    return props, facts


def _cluster_id_from_subtitle(blocks: list[_Block]) -> str:
    """Properties lost (copied into a new document): find "(ID)" in the subtitle line."""
    for b in blocks[:6]:
        if b.kind == "p" and (
            m := re.search(r"\(([A-Za-z0-9_-]+)\)\s*$", element_text(b.obj._p).strip())
        ):
            return m.group(1)
    return ""


def _form_agenda(ctype: str, facts: dict[str, Any]) -> list[AgendaItem]:
    """The agenda of the cluster type, in the order and selection the draft had, if known."""
    items = agenda(ctype)
    if facts.get("dagsorden"):
        by_id = {a.id: a for a in items}
        items = [by_id[i] for i in facts["dagsorden"] if i in by_id] or items
    return items


def _file_agenda_items(
    minutes: Minutes, items: list[AgendaItem], sections: dict[str, list[str]], where: Location
) -> None:
    """Each agenda point with the text found under it; a missing section stays empty."""
    for a in items:
        if a.id in sections:
            minutes.items.append(MinutesSection(a.id, a.title, sections[a.id]))
        else:
            minutes.items.append(MinutesSection(a.id, a.title, []))
            minutes.problems.append(
                Problem(
                    where,
                    f"afsnittet '{a.title}' blev ikke fundet (slettet eller "
                    "omdøbt?); punktet står tomt i referatet",
                )
            )


def read_minutes_form(source: str | Path | bytes, structure: Any = None) -> Minutes:
    """A filled minutes form (.docx) back as Minutes; problems are listed in ``.problems``."""
    data, name, doc = _open_form(source)
    props, facts = _form_properties(data)
    blocks = _blocks(doc)
    cluster_id = props.get("docauto.klynge_id") or facts.get("klynge_id") or ""
    problems: list[Problem] = []
    where = Location(name)
    if not cluster_id:
        cluster_id = _cluster_id_from_subtitle(blocks)
    cluster = structure.find_cluster(cluster_id) if structure is not None and cluster_id else None
    ctype = facts.get("type") or (cluster.type if cluster else "")
    if not cluster_id:
        raise InputError(
            f"{name}: dokumentet er ikke en referatskabelon fra docauto "
            "(klyngens id findes hverken i dokumentets egenskaber eller undertitel)",
            hint="brug et skema skrevet af 'docauto minutes draft'",
        )
    if not ctype:
        raise InputError(
            f"{name}: klyngetypen kendes ikke", hint="angiv --structure, så klyngen kan findes"
        )
    items = _form_agenda(ctype, facts)
    t = texts("dagsorden.yaml")
    placeholder = clean_line(str(t.get("pladsholder") or ""))
    consider_title = (t.get("overvejelser") or {}).get("titel", "Fremadrettede overvejelser")
    follow_title = (t.get("opfølgning") or {}).get("titel", "Aftalt opfølgning")
    minutes = Minutes(cluster_id, facts)
    minutes.problems = problems
    sections = _read_sections(
        blocks, items, consider_title, follow_title, placeholder, where, minutes
    )
    _file_agenda_items(minutes, items, sections, where)
    if "__overvejelser" in sections:
        minutes.considerations = sections["__overvejelser"]
    else:
        problems.append(Problem(where, f"afsnittet '{consider_title}' blev ikke fundet"))
    if not _anything_written(minutes):
        # Minutes saying "Intet noteret" under every point help nobody: the form was not
        # filled in (or the wrong file was sent).
        raise InputError(
            f"{name}: referatskabelonen er ikke udfyldt: der står intet under dagsordenens "
            "punkter, de fremadrettede overvejelser eller den aftalte opfølgning",
            hint="udfyld skabelonen og gem den, eller send den udfyldte fil",
        )
    return minutes


def _anything_written(minutes: Minutes) -> bool:
    return (
        any(s.lines for s in minutes.items + minutes.extra)
        or bool(minutes.considerations)
        or bool(minutes.followups)
    )


# Sections whose text is not a conclusion of their own: the participants line and the
# "Konklusioner" heading above the agenda points.
_NOT_CONCLUSIONS = ("__deltagere", "__konklusioner")


@dataclass
class _SectionReader:
    """Walks the form's paragraphs and tables in order, filing each under the section it
    stands in; what is out of place is kept where it fits best and listed as a problem."""

    titles: dict[str, str]  # normalised heading -> section id
    follow_title: str
    placeholder: str
    where: Location
    minutes: Minutes
    sections: dict[str, list[str]] = field(default_factory=dict)
    current: str | None = None
    followup_found: bool = False
    dropped_headers: list[str] = field(default_factory=list)

    def problem(self, message: str, where: Location | None = None) -> None:
        self.minutes.problems.append(Problem(where or self.where, message))

    def heading_id(self, text: str, style: str) -> str | None:
        """The section a paragraph is the heading of; "__ukendt" for an unknown heading."""
        key = _norm_title(text)
        if not key or len(key) > 120:
            return None
        if key in self.titles:
            return self.titles[key]
        near = difflib.get_close_matches(key, list(self.titles), n=1, cutoff=0.85)
        if near:
            return self.titles[near[0]]
        if style.casefold().startswith(("heading", "overskrift")) and not style.casefold().endswith(
            "title"
        ):
            return "__ukendt"
        return None

    def read_followups(self, rows: list[list[str]], where: Location) -> None:
        self.followup_found = True
        ups, probs = parse_followup_table(rows, where)
        self.minutes.followups.extend(ups)
        self.minutes.problems.extend(probs)

    def is_stray_followup_table(self, rows: list[list[str]]) -> bool:
        """A follow-up table under another section: its heading was deleted or the table
        moved, but its header row still says what it is."""
        looks_like_followups = (
            bool(rows)
            and sum(1 for h in rows[0] if _match_column(h)) >= 2
            and self.current != "__opfølgning"
        )
        return looks_like_followups and self.current is not None and self.current != "__deltagere"

    def read_table(self, block: _Block) -> None:
        rows = _table_rows(block.obj)
        if self.is_stray_followup_table(rows):
            self.problem(
                f"tabellen med opfølgning stod ikke under "
                f"'{self.follow_title}'; den er læst alligevel"
            )
            self.read_followups(rows, Location(self.where.file, part="tabellen med opfølgning"))
            return
        if self.current == "__opfølgning":
            if self.followup_found:
                self.problem(
                    "en ekstra tabel er læst med",
                    Location(self.where.file, part=f"afsnittet '{self.follow_title}', tabel 2"),
                )
            self.read_followups(
                rows, Location(self.where.file, part=f"afsnittet '{self.follow_title}'")
            )
        elif self.current is not None and self.current not in _NOT_CONCLUSIONS:
            # A table pasted into a conclusion (from a mail): keep its text, row by row.
            self.sections.setdefault(self.current, []).extend(
                " | ".join(c for c in r if c) for r in rows if any(r)
            )

    def start_unknown_section(self, text: str) -> None:
        title = clean_line(text)
        sid = f"__ekstra:{len(self.minutes.extra)}"
        self.minutes.extra.append(MinutesSection(sid, title))
        self.problem(
            f"ukendt afsnit '{title}': teksten er taget med i referatet under sin egen overskrift"
        )
        self.current = sid

    def start_section(self, hid: str, text: str) -> None:
        if hid in self.sections and hid not in _NOT_CONCLUSIONS:
            self.problem(
                f"afsnittet '{clean_line(text)}' står to gange; teksten fra begge er taget med"
            )
        self.current = hid
        self.sections.setdefault(hid, [])

    def read_paragraph(self, block: _Block) -> None:
        text = element_text(block.obj._p)
        hid = self.heading_id(text, block.style)
        if hid == "__ukendt":
            self.start_unknown_section(text)
        elif hid is not None:
            self.start_section(hid, text)
        elif self.current is not None:  # else: title, facts and the instruction above
            for line in _split_lines(text):
                self.read_line(line, self.current)

    def read_line(self, line: str, current: str) -> None:
        placeholder = self.placeholder
        if placeholder and placeholder in line:
            # the leader typed next to the placeholder instead of over it
            line = clean_line(line.replace(placeholder, ""))
        if not line or line.strip("[] ") == placeholder.strip("[] "):
            return
        if _MAIL_HEADER.match(line) and current not in ("__deltagere",):
            self.dropped_headers.append(line)
        elif current == "__opfølgning":
            self.problem(
                f"tekst uden for tabellen i '{self.follow_title}' er "
                f"taget med som opfølgning: «{line[:60]}»"
            )
            self.minutes.followups.append(FollowUp(line))
        elif current == "__konklusioner":
            self.sections.setdefault("__uden_afsnit", []).append(line)
        else:
            self.sections.setdefault(current, []).append(line)

    def file_leftovers(self) -> None:
        """Unknown sections' text, lines above the first point, participants, mail headers."""
        sections, minutes = self.sections, self.minutes
        for ex in minutes.extra:
            ex.lines = sections.pop(ex.id, [])
        if sections.get("__uden_afsnit"):
            lines = sections.pop("__uden_afsnit")
            minutes.extra.insert(0, MinutesSection("__uden_afsnit", "Øvrigt", lines))
            self.problem(
                f"{len(lines)} linje(r) stod før første punkt; de er taget med under 'Øvrigt'"
            )
        if "__deltagere" in sections:
            minutes.participants = sections.pop("__deltagere")
        if self.dropped_headers:
            self.problem(
                f"{len(self.dropped_headers)} linje(r) fra et mailhoved er "
                f"udeladt (fx «{self.dropped_headers[0][:60]}»)"
            )

    def check_followups(self) -> None:
        if "__opfølgning" not in self.sections and not self.followup_found:
            self.problem(
                f"afsnittet '{self.follow_title}' blev ikke fundet; ingen opfølgning er læst"
            )
        elif not self.followup_found and not self.minutes.followups:
            self.problem(f"tabellen i '{self.follow_title}' mangler")


def _read_sections(
    blocks: list[_Block],
    items: list[AgendaItem],
    consider_title: str,
    follow_title: str,
    placeholder: str,
    where: Location,
    minutes: Minutes,
) -> dict[str, list[str]]:
    titles: dict[str, str] = {_norm_title(a.title): a.id for a in items}
    titles[_norm_title(consider_title)] = "__overvejelser"
    titles[_norm_title(follow_title)] = "__opfølgning"
    titles[_norm_title("Deltagere")] = "__deltagere"
    titles[_norm_title("Konklusioner")] = "__konklusioner"
    reader = _SectionReader(titles, follow_title, placeholder, where, minutes)
    for block in blocks:
        if block.kind == "tbl":
            reader.read_table(block)
        else:
            reader.read_paragraph(block)
    reader.file_leftovers()
    reader.check_followups()
    sections = reader.sections
    sections.pop("__opfølgning", None)
    sections.pop("__konklusioner", None)
    return sections


# --- notes (YAML / workbook) ---------------------------------------------------------------


def _resolve_item(key: str, items: list[AgendaItem]) -> AgendaItem | None:
    k = _norm_title(key)
    for a in items:
        if k in (a.id.casefold(), _norm_title(a.title)):
            return a
    return None


def _note_paragraphs(text: str) -> list[str]:
    # In notes a single line break only wraps the text; a blank line or a bullet starts a
    # new paragraph.
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r", "\n")):
        current: list[str] = []
        for raw in block.split("\n"):
            line = clean_line(raw)
            if not line:
                continue
            if re.match(r"^[-•*]\s+", line) and current:
                out.append(" ".join(current))
                current = []
            current.append(line)
        if current:
            out.append(" ".join(current))
    return out


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [ln for v in value for ln in _note_paragraphs(str(v))]
    return _note_paragraphs(str(value))


def _note_cluster(note: dict[str, Any], structure: Any, where: Location) -> Any:
    cid = str(note.get("klynge") or note.get("klynge-id") or note.get("netværk") or "").strip()
    cluster = structure.find_cluster(cid) if cid else None
    if cluster is None:
        raise InputError(
            f"{where}: ukendt klynge '{cid}'" if cid else f"{where}: 'klynge' mangler",
            hint="angiv klyngen eller netværket med dets Klynge-ID",
        )
    return cluster


def _note_points(note: dict[str, Any], where: Location, m: Minutes) -> dict[Any, Any]:
    """The notes' points as point -> conclusion, from a mapping or a list of rows."""
    points = note.get("punkter") or {}
    if isinstance(points, list):  # [{punkt: ..., konklusion: ...}]
        points = {
            str(p.get("punkt", "")): p.get("konklusion") for p in points if isinstance(p, dict)
        }
    if not isinstance(points, dict):
        m.problems.append(Problem(where, "'punkter' skal være en tabel: punkt -> konklusion"))
        points = {}
    return points


def _file_points(
    points: dict[Any, Any],
    items: list[AgendaItem],
    cluster_type: str,
    t: dict[str, Any],
    where: Location,
    m: Minutes,
) -> dict[str, list[str]]:
    """Each point's text under its agenda item (by id or title) or the considerations; an
    unknown point under its own heading. Returns the text found per agenda item id."""
    consider_id = (t.get("overvejelser") or {}).get("id", "overvejelser")
    found: dict[str, list[str]] = {}
    for key, value in points.items():
        key = str(key)
        if _norm_title(key) in (
            consider_id,
            _norm_title((t.get("overvejelser") or {}).get("titel", "")),
        ):
            m.considerations.extend(_lines(value))
            continue
        item = _resolve_item(key, items)
        if item is None:
            known = ", ".join(f"{a.id} ({a.title})" for a in items)
            m.problems.append(
                Problem(
                    where,
                    f"punktet '{key}' findes ikke på dagsordenen for "
                    f"{cluster_type.lower()} (punkter: {known}); teksten er taget "
                    "med under sin egen overskrift",
                )
            )
            m.extra.append(MinutesSection(f"__ekstra:{len(m.extra)}", key, _lines(value)))
            continue
        found.setdefault(item.id, []).extend(_lines(value))
    return found


def _note_followups(rows: Any, where: Location, m: Minutes) -> None:
    for i, row in enumerate(rows or [], start=1):
        if not isinstance(row, dict):
            m.problems.append(
                Problem(where, f"opfølgning nr. {i} er ikke en tabel med hvad/hvem/hvornår")
            )
            m.followups.append(FollowUp(clean_line(str(row))))
            continue
        norm = {_match_column(str(k)) or str(k): v for k, v in row.items()}
        extra = {k: v for k, v in norm.items() if k not in FOLLOWUP_SYNONYMS}
        m.followups.append(
            FollowUp(
                clean_line(str(norm.get("hvad") or "")),
                clean_line(str(norm.get("hvem") or "")),
                _when_text(norm.get("hvornår")),
                "; ".join(f"{k}: {v}" for k, v in extra.items() if v not in (None, "")),
            )
        )


def minutes_from_mapping(note: dict[str, Any], structure: Any, where: Location) -> Minutes:
    """One meeting's notes (a dict as in a notes YAML) as Minutes."""
    cluster = _note_cluster(note, structure, where)
    items = agenda(cluster.type)
    t = texts("dagsorden.yaml")
    m = Minutes(cluster.id)
    points = _note_points(note, where, m)
    found = _file_points(points, items, cluster.type, t, where, m)
    m.items = [MinutesSection(a.id, a.title, found.get(a.id, [])) for a in items]
    m.considerations.extend(_lines(note.get("overvejelser")))
    _note_followups(note.get("opfølgning"), where, m)
    for k in ("dato", "start", "slut", "sted"):
        if note.get(k):
            m.meeting[k] = str(note[k])
    if note.get("deltagere"):
        m.participants = [clean_line(str(p)) for p in note["deltagere"]]
    return m


def danish_date_text(text: str) -> str:
    """'2012-12-14' or '14.12.2012' -> '14. december 2012'; other text ('januar', 'løbende')
    is kept as written."""
    import re as _re

    if not text or not _re.search(r"\d", text):
        return text
    from docauto.dates import parse_date
    from docauto.office.filters import dato

    try:
        return dato(parse_date(text.strip()))
    except ValueError:
        return text


def _when_text(value: Any) -> str:
    import datetime as dt

    if isinstance(value, dt.date):
        from docauto.office.filters import dato_kort

        return dato_kort(value)
    return clean_line(str(value)) if value not in (None, "") else ""


def read_notes(path: str | Path, structure: Any) -> list[Minutes]:
    """Notes for one or more meetings from YAML (a mapping, or a list of them) or a workbook
    (sheets Referat: Klynge-ID, Punkt, Konklusion; Opfølgning: Klynge-ID, Hvad, Hvem, Hvornår)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: notefilen findes ikke")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        notes = _notes_from_workbook(path)
    else:
        from docauto.datafiles import read_data as load_data_file

        data = load_data_file(path)
        if isinstance(data, dict) and isinstance(data.get("referater"), list):
            data = data["referater"]
        notes = data if isinstance(data, list) else [data]
    out = []
    for i, note in enumerate(notes, start=1):
        where = Location(str(path), part=f"referat nr. {i}" if len(notes) > 1 else None)
        if not isinstance(note, dict):
            raise InputError(f"{where}: forventede en tabel med klynge, punkter, opfølgning")
        out.append(minutes_from_mapping(note, structure, where))
    return out


def _notes_from_workbook(path: Path) -> list[dict[str, Any]]:
    from docauto.office.xlsxio import load_workbook_checked

    wb = load_workbook_checked(path)
    try:
        sheets = {
            ws.title.strip().casefold(): list(ws.iter_rows(values_only=True))
            for ws in wb.worksheets
        }
    finally:
        wb.close()
    if "referat" not in sheets:
        raise InputError(
            f"{path}: arket 'Referat' mangler", hint="kolonnerne Klynge-ID, Punkt, Konklusion"
        )

    def table(rows: list[tuple]) -> list[dict[str, Any]]:
        rows = [r for r in rows if any(v not in (None, "") for v in r)]
        if not rows:
            return []
        head = [str(h or "").strip().casefold() for h in rows[0]]
        return [dict(zip(head, r, strict=False)) for r in rows[1:]]

    notes: dict[str, dict[str, Any]] = {}
    for r in table(sheets["referat"]):
        cid = str(r.get("klynge-id") or "").strip()
        note = notes.setdefault(cid, {"klynge": cid, "punkter": {}, "opfølgning": []})
        key = str(r.get("punkt") or "").strip()
        prev = note["punkter"].get(key)
        text = str(r.get("konklusion") or "")
        note["punkter"][key] = f"{prev}\n{text}" if prev else text
    for r in table(sheets.get("opfølgning", [])):
        cid = str(r.get("klynge-id") or "").strip()
        note = notes.setdefault(cid, {"klynge": cid, "punkter": {}, "opfølgning": []})
        note["opfølgning"].append({k: v for k, v in r.items() if k != "klynge-id"})
    return list(notes.values())


# --- the finished minutes' context ---------------------------------------------------------


def minutes_context(
    minutes: Minutes, structure: Any, meeting_context: dict[str, Any]
) -> dict[str, Any]:
    """The context of referat.docx: meeting facts, conclusions per item, follow-ups."""
    from docauto.review.context import cluster_context, opfølgning_texts

    t = texts("dagsorden.yaml")
    cluster = structure.clusters[minutes.cluster_id]
    none = "Intet noteret."
    punkter = [
        {"nr": i, "titel": s.title, "tekst": s.lines or [none]}
        for i, s in enumerate(minutes.items + minutes.extra, start=1)
    ]
    ctx = dict(meeting_context)
    ctx.update(
        {
            "klynge": cluster_context(cluster),
            "punkter": punkter,
            "overvejelser": {
                "titel": (t.get("overvejelser") or {}).get("titel", "Fremadrettede overvejelser"),
                "tekst": minutes.considerations or [none],
            },
            "opfølgning": {
                "titel": opfølgning_texts(t)["titel"],
                # The form's columns (Hvad, Hvem, Hvornår); an extra column's content
                # stays with its row, after the text of Hvad.
                "kolonner": opfølgning_texts(t)["kolonner"],
                "rækker": [
                    {
                        "hvad": f"{f.what} ({f.note})" if f.note else f.what,
                        "hvem": f.who,
                        "hvornår": danish_date_text(f.when),
                    }
                    for f in minutes.followups
                ],
            },
            "tekster": {},
        }
    )
    return ctx
