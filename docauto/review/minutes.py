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


def parse_followup_table(
    rows: list[list[str]], where: Location
) -> tuple[list[FollowUp], list[Problem]]:
    problems: list[Problem] = []
    if not rows:
        return [], [Problem(where, "tabellen med aftalt opfølgning er tom")]
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
    out = []
    for r, row in enumerate(body, start=2):
        if not any(c.strip() for c in row):
            continue
        values: dict[str, str] = {}
        notes = []
        for i, cell in enumerate(row):
            name = mapping.get(i)
            if name and name not in values:
                values[name] = cell
            elif cell:
                label = header[i] if i < len(header) and header[i] and name is None else ""
                notes.append(f"{label}: {cell}" if label else cell)
        if not values.get("hvad"):
            problems.append(
                Problem(
                    Location(where.file, part=f"{where.part}, række {r}"),
                    "rækken har ingen 'Hvad'; den er taget med som den står",
                )
            )
        when = values.get("hvornår", "")
        if when and re.search(r"\d", when):
            from docauto.dates import parse_date

            try:
                parse_date(when)
            except ValueError as exc:
                if re.fullmatch(r"[\d./ -]+", when):
                    problems.append(
                        Problem(Location(where.file, part=f"{where.part}, række {r}"), str(exc))
                    )
        out.append(FollowUp(values.get("hvad", ""), values.get("hvem", ""), when, "; ".join(notes)))
    return out, problems


def read_minutes_form(source: str | Path | bytes, structure: Any = None) -> Minutes:
    """A filled minutes form (.docx) back as Minutes; problems are listed in ``.problems``."""
    import io

    from docx import Document

    from docauto.office.docprops import read_custom_properties
    from docauto.office.xlsxio import read_docx_bytes

    data, name = read_docx_bytes(source)
    try:
        doc = Document(io.BytesIO(data))
    except Exception as exc:
        raise InputError(f"{name}: Word-dokumentet kan ikke læses ({type(exc).__name__})") from None
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
    blocks = _blocks(doc)
    cluster_id = props.get("docauto.klynge_id") or facts.get("klynge_id") or ""
    problems: list[Problem] = []
    where = Location(name)
    if not cluster_id:
        # Properties lost (copied into a new document): find "(ID)" in the subtitle line.
        for b in blocks[:6]:
            if b.kind == "p" and (
                m := re.search(r"\(([A-Za-z0-9_-]+)\)\s*$", element_text(b.obj._p).strip())
            ):
                cluster_id = m.group(1)
                break
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
    items = agenda(ctype)
    if facts.get("dagsorden"):
        by_id = {a.id: a for a in items}
        items = [by_id[i] for i in facts["dagsorden"] if i in by_id] or items
    t = texts("dagsorden.yaml")
    placeholder = clean_line(str(t.get("pladsholder") or ""))
    consider_title = (t.get("overvejelser") or {}).get("titel", "Fremadrettede overvejelser")
    follow_title = (t.get("opfølgning") or {}).get("titel", "Aftalt opfølgning")
    minutes = Minutes(cluster_id, facts)
    minutes.problems = problems
    sections = _read_sections(
        blocks, items, consider_title, follow_title, placeholder, where, minutes
    )
    found_ids = {s for s in sections}
    for a in items:
        if a.id in found_ids:
            minutes.items.append(MinutesSection(a.id, a.title, sections[a.id]))
        else:
            minutes.items.append(MinutesSection(a.id, a.title, []))
            problems.append(
                Problem(
                    where,
                    f"afsnittet '{a.title}' blev ikke fundet (slettet eller "
                    "omdøbt?); punktet står tomt i referatet",
                )
            )
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
    names = list(titles)

    def heading_id(text: str, style: str) -> str | None:
        key = _norm_title(text)
        if not key or len(key) > 120:
            return None
        if key in titles:
            return titles[key]
        near = difflib.get_close_matches(key, names, n=1, cutoff=0.85)
        if near:
            return titles[near[0]]
        if style.casefold().startswith(("heading", "overskrift")) and not style.casefold().endswith(
            "title"
        ):
            return "__ukendt"
        return None

    sections: dict[str, list[str]] = {}
    current: str | None = None
    followup_found = False
    dropped_headers: list[str] = []
    for block in blocks:
        if block.kind == "tbl":
            rows = _table_rows(block.obj)
            looks_like_followups = (
                bool(rows)
                and sum(1 for h in rows[0] if _match_column(h)) >= 2
                and current != "__opfølgning"
            )
            if looks_like_followups and current is not None and current != "__deltagere":
                # Its heading was deleted or the table moved: its header still says what it is.
                minutes.problems.append(
                    Problem(
                        where,
                        f"tabellen med opfølgning stod ikke under "
                        f"'{follow_title}'; den er læst alligevel",
                    )
                )
                followup_found = True
                ups, probs = parse_followup_table(
                    rows, Location(where.file, part="tabellen med opfølgning")
                )
                minutes.followups.extend(ups)
                minutes.problems.extend(probs)
                continue
            if current == "__opfølgning":
                if followup_found:
                    problems_where = Location(
                        where.file, part=f"afsnittet '{follow_title}', tabel 2"
                    )
                    minutes.problems.append(Problem(problems_where, "en ekstra tabel er læst med"))
                followup_found = True
                ups, probs = parse_followup_table(
                    rows, Location(where.file, part=f"afsnittet '{follow_title}'")
                )
                minutes.followups.extend(ups)
                minutes.problems.extend(probs)
            elif current is not None and current not in ("__deltagere", "__konklusioner"):
                # A table pasted into a conclusion (from a mail): keep its text, row by row.
                sections.setdefault(current, []).extend(
                    " | ".join(c for c in r if c) for r in rows if any(r)
                )
            continue
        text = element_text(block.obj._p)
        hid = heading_id(text, block.style)
        if hid == "__ukendt":
            title = clean_line(text)
            sid = f"__ekstra:{len(minutes.extra)}"
            minutes.extra.append(MinutesSection(sid, title))
            minutes.problems.append(
                Problem(
                    where,
                    f"ukendt afsnit '{title}': teksten er taget med "
                    "i referatet under sin egen overskrift",
                )
            )
            current = sid
            continue
        if hid is not None:
            if hid in sections and hid not in ("__deltagere", "__konklusioner"):
                minutes.problems.append(
                    Problem(
                        where,
                        f"afsnittet '{clean_line(text)}' står to gange; "
                        "teksten fra begge er taget med",
                    )
                )
            current = hid
            sections.setdefault(hid, [])
            continue
        if current is None:
            continue  # title, facts and the instruction above the first section
        for line in _split_lines(text):
            if placeholder and placeholder in line:
                # the leader typed next to the placeholder instead of over it
                line = clean_line(line.replace(placeholder, ""))
            if not line or line.strip("[] ") == placeholder.strip("[] "):
                continue
            if _MAIL_HEADER.match(line) and current not in ("__deltagere",):
                dropped_headers.append(line)
                continue
            if current == "__opfølgning":
                minutes.problems.append(
                    Problem(
                        where,
                        f"tekst uden for tabellen i '{follow_title}' er "
                        f"taget med som opfølgning: «{line[:60]}»",
                    )
                )
                minutes.followups.append(FollowUp(line))
                continue
            if current == "__konklusioner":
                current_target = "__uden_afsnit"
                sections.setdefault(current_target, []).append(line)
                continue
            sections.setdefault(current, []).append(line)
    for ex in minutes.extra:
        ex.lines = sections.pop(ex.id, [])
    if sections.get("__uden_afsnit"):
        lines = sections.pop("__uden_afsnit")
        minutes.extra.insert(0, MinutesSection("__uden_afsnit", "Øvrigt", lines))
        minutes.problems.append(
            Problem(
                where,
                f"{len(lines)} linje(r) stod før første punkt; de er taget med under 'Øvrigt'",
            )
        )
    if "__deltagere" in sections:
        minutes.participants = sections.pop("__deltagere")
    if dropped_headers:
        minutes.problems.append(
            Problem(
                where,
                f"{len(dropped_headers)} linje(r) fra et mailhoved er "
                f"udeladt (fx «{dropped_headers[0][:60]}»)",
            )
        )
    if "__opfølgning" not in sections and not followup_found:
        minutes.problems.append(
            Problem(where, f"afsnittet '{follow_title}' blev ikke fundet; ingen opfølgning er læst")
        )
    elif not followup_found and not minutes.followups:
        minutes.problems.append(Problem(where, f"tabellen i '{follow_title}' mangler"))
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


def minutes_from_mapping(note: dict[str, Any], structure: Any, where: Location) -> Minutes:
    """One meeting's notes (a dict as in a notes YAML) as Minutes."""
    cid = str(note.get("klynge") or note.get("klynge-id") or note.get("netværk") or "").strip()
    cluster = structure.find_cluster(cid) if cid else None
    if cluster is None:
        raise InputError(
            f"{where}: ukendt klynge '{cid}'" if cid else f"{where}: 'klynge' mangler",
            hint="angiv klyngen eller netværket med dets Klynge-ID",
        )
    items = agenda(cluster.type)
    t = texts("dagsorden.yaml")
    consider_id = (t.get("overvejelser") or {}).get("id", "overvejelser")
    m = Minutes(cluster.id)
    found: dict[str, list[str]] = {}
    points = note.get("punkter") or {}
    if isinstance(points, list):  # [{punkt: ..., konklusion: ...}]
        points = {
            str(p.get("punkt", "")): p.get("konklusion") for p in points if isinstance(p, dict)
        }
    if not isinstance(points, dict):
        m.problems.append(Problem(where, "'punkter' skal være en tabel: punkt -> konklusion"))
        points = {}
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
                    f"{cluster.type.lower()} (punkter: {known}); teksten er taget "
                    "med under sin egen overskrift",
                )
            )
            m.extra.append(MinutesSection(f"__ekstra:{len(m.extra)}", key, _lines(value)))
            continue
        found.setdefault(item.id, []).extend(_lines(value))
    m.items = [MinutesSection(a.id, a.title, found.get(a.id, [])) for a in items]
    m.considerations.extend(_lines(note.get("overvejelser")))
    for i, row in enumerate(note.get("opfølgning") or [], start=1):
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
