"""A linter for Word templates: finds what Word does to docxtpl tags, and where.

Word users break templates in a handful of ways: a tag typed in pieces or half formatted ends
up split over several runs (or over two paragraphs, or half inside a link); autocorrect turns
quotes into curly ones and ``-`` into ``–``; an ``{% if %}`` loses its ``{% endif %}``; a
``{%tr %}`` row loop is closed in another table; a tag names a value the document kind does
not supply. ``check_template(path)`` reads the package once and reports each of these as a
``Finding`` with the part, the paragraph number or table cell, the offending text and a
Danish message that says what to do. It raises nothing for a broken file: an unreadable,
encrypted or non-.docx file is one finding too.

The checks work on two views of each part (body, headers, footers, footnotes):

- the raw Word XML, paragraph by paragraph, with the run each character sits in, so a tag
  can be located exactly and its splits, characters and block structure judged;
- the source docxtpl itself compiles (its own ``patch_xml``, as ``docauto.office.engine`` does),
  which is the final word on whether Jinja accepts the part and which variables it reads.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

if TYPE_CHECKING:
    from docauto.kinds import Kind

ERROR = "fejl"
WARNING = "advarsel"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = f"{{{W_NS}}}"
W_P, W_R, W_T, W_TBL, W_TR, W_TC = (f"{_W}{n}" for n in ("p", "r", "t", "tbl", "tr", "tc"))
W_RPR = f"{_W}rPr"
MC_FALLBACK = f"{{{MC_NS}}}Fallback"

DOCX_SUFFIXES = (".docx", ".docm", ".dotx")
_MARK = "docauto-p"  # attribute put on every paragraph so a Jinja line maps back to it

# Elements that sit between the runs of a tag without harm (docxtpl strips them), but which
# the user may care about because they are lost.
_MARKERS = {
    "proofErr": None,  # spell-check squiggles: harmless, Word moves them all the time
    "bookmarkStart": "et bogmærke",
    "bookmarkEnd": "et bogmærke",
    "commentRangeStart": "en kommentar",
    "commentRangeEnd": "en kommentar",
    "commentReference": "en kommentar",
}
# Containers a run can sit in inside a paragraph: a tag half in one of them breaks the XML.
_CONTAINERS = {
    "hyperlink": "et link",
    "sdt": "en indholdskontrol",
    "sdtContent": "en indholdskontrol",
    "ins": "en registreret ændring (Spor ændringer)",
    "del": "en registreret ændring (Spor ændringer)",
    "moveTo": "en registreret ændring (Spor ændringer)",
    "moveFrom": "en registreret ændring (Spor ændringer)",
    "smartTag": "et smart-mærke",
    "fldSimple": "et felt",
    "customXml": "et XML-element",
}
# Run properties that differ without the user having formatted anything.
_IGNORED_RPR = {"lang", "noProof", "rFonts", "webHidden", "proofErr"}

_OPENERS = {"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "raw", "set"}
_DOCXTPL_ONLY = {"vm", "hm", "colspan", "cellbg"}  # consumed by docxtpl's patch_xml
_PREFIXES = ("tr", "tc", "p", "r")
_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}

_LABELS = {"body": "brødtekst", "footnotes": "fodnoter", "properties": "dokumentegenskaber"}


@dataclass(frozen=True)
class Finding:
    """One problem in one template, with where it is and what to do about it (in Danish)."""

    file: str
    part: str  # body | header1.xml | footer2.xml | footnotes | properties | "" (the whole file)
    code: str  # stable machine name, e.g. "stray-end"
    message: str
    severity: str = ERROR  # "fejl" stops rendering or breaks the document; "advarsel" may not
    paragraph: int | None = None  # 1-based, counting every paragraph of the part in order
    table: int | None = None  # 1-based number of the (innermost) table in the part
    row: int | None = None
    column: int | None = None
    text: str = ""  # the offending text, shortened

    @property
    def part_label(self) -> str:
        if self.part.startswith("header"):
            return f"sidehoved {self.part}"
        if self.part.startswith("footer"):
            return f"sidefod {self.part}"
        return _LABELS.get(self.part, self.part)

    @property
    def where(self) -> str:
        """``afsnit 12 (brødtekst)`` or ``tabel 1, række 2, celle 3 (brødtekst)``."""
        if not self.part:
            return "hele filen"
        if self.table is not None:
            place = f"tabel {self.table}, række {self.row}, celle {self.column}"
        elif self.paragraph is not None:
            place = f"afsnit {self.paragraph}"
        else:
            return self.part_label
        return f"{place} ({self.part_label})"

    def __str__(self) -> str:
        text = f" «{self.text}»" if self.text else ""
        return f"{self.file}: {self.where}: {self.severity}: {self.message}{text} [{self.code}]"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["where"] = self.where
        return d


# -- reading the package ---------------------------------------------------------------------


@dataclass
class _Segment:
    start: int  # offset in the paragraph's text
    text: str
    run: Any  # the w:r element (or the w:t if it has no run)
    fmt: str  # the run's formatting, normalised
    containers: tuple[str, ...]  # containers between paragraph and run, e.g. ("hyperlink",)
    chain: tuple[str, ...]  # element names from the part's root down to the w:t


@dataclass
class _Para:
    number: int
    element: Any
    text: str = ""
    segments: list[_Segment] = field(default_factory=list)
    markers: list[tuple[int, str]] = field(default_factory=list)  # (offset, element name)
    table: int | None = None
    row: int | None = None
    column: int | None = None
    tbl: Any = None
    tr: Any = None
    tc: Any = None

    def segment_at(self, offset: int) -> _Segment:
        for seg in reversed(self.segments):
            if seg.start <= offset:
                return seg
        return self.segments[0]


@dataclass
class _Tag:
    kind: str  # "{{", "{%" or "{#"
    text: str  # as typed, across paragraphs joined by " ¶ "
    para: _Para  # where it starts
    start: int
    end_para: _Para
    end: int
    closed: bool = True
    wrong_closer: str | None = None

    @property
    def clean(self) -> str:
        # docxtpl itself turns Word's curly quotes into straight ones inside tags
        return self.text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")


@dataclass
class _Part:
    member: str
    name: str  # for findings: body, header1.xml, footnotes ...
    root: Any
    paras: list[_Para]
    compile_xml: str  # what docxtpl's patch_xml gets (with paragraph marks)


def _local(el: Any) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _fmt(run: Any) -> str:
    rpr = run.find(W_RPR) if run is not None and run.tag == W_R else None
    if rpr is None:
        return ""
    bits = []
    for child in rpr:
        name = _local(child)
        if name in _IGNORED_RPR:
            continue
        attrs = ",".join(f"{_local_name(k)}={v}" for k, v in sorted(child.attrib.items()))
        bits.append(f"{name}({attrs})")
    return ";".join(sorted(bits))


def _local_name(qname: str) -> str:
    return qname.rsplit("}", 1)[-1]


def _in_fallback(el: Any) -> bool:
    return any(a.tag == MC_FALLBACK for a in el.iterancestors())


def _collect_paragraph(para: _Para, root: Any) -> None:
    parts: list[str] = []
    offset = 0

    def walk(el: Any, containers: tuple[str, ...], run: Any) -> None:
        nonlocal offset
        for child in el:
            if not isinstance(child.tag, str):
                continue
            name = _local(child)
            if child.tag == W_P or child.tag == MC_FALLBACK:
                continue  # a text box's paragraphs are paragraphs of their own
            if child.tag == W_T:
                text = child.text or ""
                if text:
                    chain = tuple(_local(a) for a in reversed(list(child.iterancestors())))
                    chain = (
                        chain[chain.index(_local(root)) + 1 :] if _local(root) in chain else chain
                    )
                    para.segments.append(
                        _Segment(
                            offset,
                            text,
                            run if run is not None else child,
                            _fmt(run),
                            containers,
                            chain + ("t",),
                        )
                    )
                    parts.append(text)
                    offset += len(text)
                continue
            if name in _MARKERS:
                para.markers.append((offset, name))
                continue
            if child.tag == W_R:
                walk(child, containers, child)
            elif run is None and name in _CONTAINERS:
                walk(child, containers + (name,), None)
            else:
                walk(child, containers, run)

    walk(para.element, (), None)
    para.text = "".join(parts)


def _locate_table(para: _Para, tables: list[Any]) -> None:
    tc = next((a for a in para.element.iterancestors() if a.tag == W_TC), None)
    if tc is None:
        return
    tr = tc.getparent()
    tbl = tr.getparent() if tr is not None else None
    while tbl is not None and tbl.tag != W_TBL:  # rows wrapped in a content control
        tbl = tbl.getparent()
    if tr is None or tbl is None:
        return
    para.tc, para.tr, para.tbl = tc, tr, tbl
    # lxml hands out the same proxy object while one is alive, so identity works here
    para.table = next((i for i, t in enumerate(tables, start=1) if t is tbl), None)
    rows = [r for r in tbl.iter(W_TR) if next((a for a in r.iterancestors(W_TBL)), None) is tbl]
    para.row = rows.index(tr) + 1 if tr in rows else None
    cells = [c for c in tr if c.tag == W_TC] or [c for c in tr.iter(W_TC)]
    para.column = cells.index(tc) + 1 if tc in cells else None


def _read_part(member: str, name: str, root: Any) -> _Part:
    tables = list(root.iter(W_TBL))
    paras: list[_Para] = []
    for n, p in enumerate(root.iter(W_P), start=1):
        p.set(_MARK, str(n))
        if _in_fallback(p):
            continue  # the same text box again, for old Word versions: report it once
        para = _Para(n, p)
        _collect_paragraph(para, root)
        _locate_table(para, tables)
        paras.append(para)
    return _Part(member, name, root, paras, "")


# -- tags in the raw text --------------------------------------------------------------------

_OPEN_RE = re.compile(r"\{[{%#]")
_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_ANY_CLOSE_RE = re.compile(r"[}%#]\}")


def _scan_tags(paras: Sequence[_Para]) -> list[_Tag]:
    """Every tag in reading order, the way docxtpl's patch_xml sees them.

    docxtpl takes a tag from ``{{`` to the next ``}}`` wherever that is, even paragraphs
    later; so does this scanner, and it records where a tag ends that far away.
    """
    tags: list[_Tag] = []
    i, pos = 0, 0
    while i < len(paras):
        para = paras[i]
        m = _OPEN_RE.search(para.text, pos)
        if m is None:
            i, pos = i + 1, 0
            continue
        kind = m.group()
        closer = _CLOSERS[kind]
        body_start = m.end()
        first = _ANY_CLOSE_RE.search(para.text, body_start)
        j = para.text.find(closer, body_start)
        if j >= 0:
            tag = _Tag(kind, para.text[m.start() : j + 2], para, m.start(), para, j + 2)
            if first is not None and first.start() < j and first.group() != closer:
                tag.wrong_closer = first.group()
            tags.append(tag)
            pos = j + 2
            continue
        # not closed in its own paragraph: look further, as docxtpl does
        texts = [para.text[m.start() :]]
        for k in range(i + 1, len(paras)):
            j = paras[k].text.find(closer)
            if j >= 0:
                texts.append(paras[k].text[: j + 2])
                tag = _Tag(kind, " ¶ ".join(texts), para, m.start(), paras[k], j + 2)
                if first is not None and first.group() != closer:
                    tag.wrong_closer = first.group()
                tags.append(tag)
                i, pos = k, j + 2
                break
            texts.append(paras[k].text)
        else:
            tag = _Tag(
                kind, para.text[m.start() :], para, m.start(), para, len(para.text), closed=False
            )
            if first is not None:
                tag.wrong_closer = first.group()
            tags.append(tag)
            i, pos = i + 1, 0
    return tags


def _raw_keyword(tag: _Tag) -> str | None:
    m = re.match(r"\{%[-+]?\s*(raw|endraw)\s*[-+]?%\}$", tag.clean)
    return m.group(1) if m and tag.kind == "{%" and tag.closed else None


def _without_raw(tags: list[_Tag]) -> tuple[list[_Tag], list[_Tag]]:
    """The tags outside ``{% raw %}...{% endraw %}`` (the raw and endraw tags kept), and one
    pseudo-tag per raw region: what stands inside is text, however much it looks like a tag."""
    kept: list[_Tag] = []
    regions: list[_Tag] = []
    opened: _Tag | None = None
    for tag in tags:
        word = _raw_keyword(tag)
        if opened is None:
            kept.append(tag)
            if word == "raw":
                opened = tag
        elif word == "endraw":
            kept.append(tag)
            regions.append(_Tag("{%", "", opened.para, opened.start, tag.end_para, tag.end))
            opened = None
    return kept, regions


# A spaced tag: '{ {' / '{ %' / '} }' / '% }' around what reads as a variable or a statement.
# Prose such as "{ {a, b} }" (a set of sets) is not a tag and is left alone.
_SPACED_TAG = re.compile(
    r"\{\s*\{\s*[A-Za-z_][\w.]*(?:\s*\|\s*\w+(?:\([^)]*\))?)*\s*\}\s*\}"
    r"|\{\s*%\s*(?:if|for|endif|endfor|else|elif|set|raw|endraw|with|endwith)\b[^%]*%\s*\}"
)
_SPACED = re.compile(r"\{\s+[{%]|[%}]\s+\}")


def _outside_tags(para: _Para, tags: list[_Tag], order: dict[int, int]) -> str:
    """The paragraph's text with every tag (and raw region) blanked out."""
    text = para.text
    here = order[id(para)]
    for tag in tags:  # only the text outside tags ("{{ {'a': 1} }}" is fine)
        first, last = order.get(id(tag.para), -1), order.get(id(tag.end_para), -1)
        if not first <= here <= last:
            continue
        start = tag.start if first == here else 0
        end = tag.end if last == here else len(text)
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A block on the stack: keyword, opening tag, its prefix (p, tr, tc, r), its elif/else tags.
_OpenBlock = tuple[str, _Tag, str | None, list[_Tag]]


class _Checker:
    def __init__(self, file: str, fields: set[str] | None, field_source: str) -> None:
        from docauto.office.engine import make_environment

        self.file = file
        self.fields = fields
        self.field_source = field_source
        self.env = make_environment()
        self.findings: list[Finding] = []
        self.bad_tags: set[int] = set()  # tags with a character error: no second syntax error

    # -- helpers -----------------------------------------------------------------------------

    def add(
        self,
        part: _Part | None,
        para: _Para | None,
        code: str,
        message: str,
        severity: str = ERROR,
        text: str = "",
    ) -> None:
        if para is not None and para.table is not None:
            loc = dict(paragraph=para.number, table=para.table, row=para.row, column=para.column)
        else:
            loc = dict(paragraph=para.number if para else None)
        self.findings.append(
            Finding(
                self.file,
                part.name if part else "",
                code,
                message,
                severity,
                text=_short(text),
                **loc,
            )
        )

    @staticmethod
    def place(para: _Para) -> str:
        if para.table is not None:
            return (
                f"afsnit {para.number}, tabel {para.table}, række {para.row}, celle {para.column}"
            )
        return f"afsnit {para.number}"

    # -- the checks --------------------------------------------------------------------------

    def check_part(self, part: _Part) -> None:
        before = len(self.findings)
        tags, raw_regions = _without_raw(_scan_tags(part.paras))
        for tag in tags:
            self.check_shape(part, tag)
            if tag.closed and tag.para is tag.end_para:
                self.check_split(part, tag)
        self.check_stray_text(part, tags + raw_regions)
        for tag in tags:
            self.check_characters(part, tag)
        for tag in tags:
            if tag.closed and tag.para is tag.end_para and not tag.wrong_closer:
                self.check_syntax(part, tag)
        self.check_blocks(part, tags)
        self.check_dropped_text(part, tags)
        errors_here = any(f.severity == ERROR for f in self.findings[before:])
        self.compile_part(part, tags, explained=errors_here)
        self.findings[before:] = sorted(self.findings[before:], key=lambda f: f.paragraph or 0)

    def check_shape(self, part: _Part, tag: _Tag) -> None:
        closer = _CLOSERS[tag.kind]
        if not tag.closed:
            wrong = f" (der står '{tag.wrong_closer}' i stedet)" if tag.wrong_closer else ""
            self.add(
                part,
                tag.para,
                "wrong-closer" if wrong else "unclosed-tag",
                f"mærket begynder med '{tag.kind}' men lukkes aldrig med '{closer}'{wrong}; "
                f"docxtpl ville læse resten af dokumentet som en del af mærket: skriv '{closer}'",
                text=tag.text,
            )
            return
        swallowed = _OPEN_RE.search(tag.text, 2)
        if tag.para is not tag.end_para and swallowed:
            self.add(
                part,
                tag.para,
                "unclosed-tag",
                f"mærket '{_short(tag.text.split(' ¶ ')[0], 30)}' lukkes ikke med '{closer}' i sit "
                f"afsnit; docxtpl læser videre til {self.place(tag.end_para)} og tager den "
                f"mellemliggende tekst med: skriv '{closer}'",
                text=tag.text.split(" ¶ ")[0],
            )
            return
        if tag.wrong_closer:
            self.add(
                part,
                tag.para,
                "wrong-closer",
                f"mærket begynder med '{tag.kind}' men lukkes med '{tag.wrong_closer}'; "
                f"'{tag.kind}' skal lukkes med '{closer}'",
                text=tag.text,
            )
        if tag.para is not tag.end_para:
            where = self.place(tag.end_para)
            self.add(
                part,
                tag.para,
                "tag-across-paragraphs",
                f"mærket begynder i {self.place(tag.para)} og slutter først i {where}; "
                "docxtpl smelter afsnittene sammen (i en tabel bliver dokumentet ødelagt): "
                "skriv hele mærket i ét afsnit uden linjeskift",
                text=tag.text,
            )

    def check_split(self, part: _Part, tag: _Tag) -> None:
        para = tag.para
        segs = [s for s in para.segments if s.start < tag.end and s.start + len(s.text) > tag.start]
        if len(segs) < 2:
            return
        containers = {s.containers for s in segs}
        if len(containers) > 1:
            what = next((_CONTAINERS[c] for cs in containers for c in cs), "et andet element")
            self.add(
                part,
                para,
                "split-tag-container",
                f"mærket står halvt inde i {what} og halvt uden for; docxtpl ødelægger da "
                "dokumentets opbygning: slet mærket og skriv det igen helt uden for (eller "
                "helt inden i) " + what.split(" ", 1)[1],
                text=tag.text,
            )
            return
        delimiter_split = para.segment_at(tag.start) is not para.segment_at(
            tag.start + 1
        ) or para.segment_at(tag.end - 2) is not para.segment_at(tag.end - 1)
        fmts = {s.fmt for s in segs}
        if len(fmts) > 1:
            which = (
                f"selve '{tag.kind}' eller '{_CLOSERS[tag.kind]}' er delt, og "
                if delimiter_split
                else ""
            )
            self.add(
                part,
                para,
                "split-tag-formatting",
                f"mærket er delt i {len(segs)} stykker med forskellig formatering ({which}"
                "værdien får kun formateringen fra første stykke); markér hele mærket og "
                "ryd formateringen (Ctrl+Mellemrum), eller slet det og skriv det igen i ét stræk",
                severity=WARNING,
                text=tag.text,
            )
            return
        inside = [
            _MARKERS[name]
            for off, name in para.markers
            if tag.start < off < tag.end and _MARKERS.get(name)
        ]
        if inside:
            self.add(
                part,
                para,
                "split-tag-marker",
                f"der står {inside[0]} midt i mærket; det forsvinder, når skabelonen udfyldes: "
                f"flyt {inside[0]} uden for mærket",
                severity=WARNING,
                text=tag.text,
            )

    def check_stray_text(self, part: _Part, tags: list[_Tag]) -> None:
        # "{ {" and "% }": a tag someone typed with a space, which Jinja shows as plain text
        order = {id(p): i for i, p in enumerate(part.paras)}
        for para in part.paras:
            text = _outside_tags(para, tags, order)
            m = next((t for t in _SPACED_TAG.finditer(text) if _SPACED.search(t.group())), None)
            if m:
                self.add(
                    part,
                    para,
                    "spaced-braces",
                    f"'{_short(m.group(), 30)}' ligner et mærke med mellemrum mellem tegnene; Jinja "
                    "ser det som almindelig tekst: skriv '{{', '}}', '{%' og '%}' uden mellemrum",
                    severity=WARNING,
                    text=para.text,
                )

    def check_characters(self, part: _Part, tag: _Tag) -> None:
        before = len(self.findings)
        self._check_characters(part, tag)
        if any(f.severity == ERROR for f in self.findings[before:]):
            self.bad_tags.add(id(tag))

    def _check_characters(self, part: _Part, tag: _Tag) -> None:
        # Inside a (straight-quoted) string literal any character is the author's choice
        t = _STRING_RE.sub("''", tag.text)
        curly_ok = [c for c in "“”‘’" if c in t]
        curly_bad = [c for c in "„‚‟«»′″" if c in t]
        if curly_bad:
            self.add(
                part,
                tag.para,
                "curly-quotes",
                f"Word har sat typografiske anførselstegn ({' '.join(curly_bad)}) i mærket, og "
                "dem forstår Jinja ikke: skriv dem om til lige \" eller ' (slå Autokorrektur "
                "'Lige anførselstegn med typografiske' fra)",
                text=tag.text,
            )
        # “ ” ‘ ’ are made straight by docxtpl itself (as by the engine); if the tag still
        # does not compile after that, the syntax check says so and mentions them.
        del curly_ok
        if re.search(r"[{%][–—]|[–—][%}]", t):
            self.add(
                part,
                tag.para,
                "dash",
                "Word har lavet '-' om til en tankestreg (– eller —) ved '{%' eller '%}'; "
                "skriv et almindeligt bindestreg: '{%-' og '-%}'",
                text=tag.text,
            )
        elif re.search("[–—]", t):
            self.add(
                part,
                tag.para,
                "dash",
                "mærket indeholder en tankestreg (– eller —), som Jinja ikke forstår; "
                "skriv et almindeligt minus/bindestreg '-'",
                text=tag.text,
            )
        if "…" in t:
            self.add(
                part,
                tag.para,
                "ellipsis",
                "Word har lavet tre punktummer om til ét tegn '…', som Jinja ikke forstår; "
                "skriv punktummerne igen (eller fortryd autokorrekturen med Ctrl+Z)",
                text=tag.text,
            )
        if re.search("[\u00a0\u202f\u2007]", t):
            self.add(
                part,
                tag.para,
                "nbsp",
                "mærket indeholder et hårdt mellemrum (Ctrl+Skift+Mellemrum); det virker, men "
                "skriv et almindeligt mellemrum i stedet",
                severity=WARNING,
                text=tag.text,
            )
        if re.search("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", t):
            self.add(
                part,
                tag.para,
                "invisible-char",
                "mærket indeholder et usynligt tegn (fx en blød bindestreg eller et "
                "nulbreddemellemrum), som Jinja ikke forstår: slet mærket og skriv det igen",
                text=tag.text.replace("\u00ad", "").replace("\u200b", ""),
            )

    def _parsed(self, tag: _Tag) -> tuple[str | None, str | None, str]:
        """(docxtpl prefix, statement keyword, the tag as Jinja will see it)."""
        text = tag.clean
        prefix = None
        m = re.match(r"(\{[{%])(tr|tc|p|r) ", text)
        if m:
            prefix = m.group(2)
            text = m.group(1) + " " + text[m.end() :]
        keyword = None
        if tag.kind == "{%":
            # "{% tr for" (a space too many) is still read as a for, to avoid follow-up errors
            k = re.match(r"\{%[-+–—]?\s*(?:(?:tr|tc|p|r)\s+(?=[a-z]))?([A-Za-z_]\w*)", text)
            keyword = k.group(1) if k else None
            m2 = re.match(r"\{%[-+]?\s+(tr|tc|p|r)\s+", text)
            if m2 and prefix is None:
                prefix = m2.group(1)
            if keyword == "set" and re.search(r"=", text):
                keyword = "set="
        return prefix, keyword, text

    def check_syntax(self, part: _Part, tag: _Tag) -> None:
        from jinja2 import TemplateSyntaxError
        from jinja2.exceptions import TemplateAssertionError

        if tag.kind == "{#":
            return
        if id(tag) in self.bad_tags:
            return  # already explained by a character finding
        prefix, keyword, text = self._parsed(tag)
        if tag.kind == "{%":
            text = self._statement_source(part, tag, keyword, text)
            if text is None:
                return
        try:
            self.env.from_string(text)
        except (TemplateAssertionError, TemplateSyntaxError) as exc:
            self.add_jinja(part, tag.para, exc, tag.text)
            return
        self.check_names(part, tag, text)

    def _statement_source(
        self, part: _Part, tag: _Tag, keyword: str | None, text: str
    ) -> str | None:
        """A statement tag as a complete template Jinja can compile alone, or None when there
        is nothing (more) to compile (an end tag, a docxtpl-only tag, a reported problem)."""
        m = re.match(r"\{%[-+]?\s+(tr|tc|p|r)\s", tag.clean)
        if m:
            self.add(
                part,
                tag.para,
                "prefix-space",
                f"'{m.group(1)}' skal stå lige efter '{{%' uden mellemrum og med ét "
                f"mellemrum efter: '{{%{m.group(1)} ...%}}'",
                text=tag.text,
            )
            return None
        if keyword in _DOCXTPL_ONLY:
            m = re.match(r"\{%\s*(?:colspan|cellbg)\s+(.*?)\s*%\}", text)
            return "{{ " + m.group(1) + " }}" if m else None
        if keyword is None or keyword == "set=":
            return text
        if keyword.startswith("end"):
            if not re.fullmatch(r"\{%[-+]?\s*end\w+\s*[-+]?%\}", text):
                self.add(
                    part,
                    tag.para,
                    "syntax-error",
                    f"'{keyword}' skal stå alene i mærket: '{{% {keyword} %}}'",
                    text=tag.text,
                )
            return None
        if keyword in ("elif", "else"):
            return "{% if true %}" + text + "{% endif %}"
        if keyword in _OPENERS and keyword != "raw":
            return text + "{% end" + keyword + " %}"
        return text

    def check_names(self, part: _Part, tag: _Tag, text: str) -> None:
        """Tests and filters Jinja only looks up when the line runs (inside an if), and what
        the sandbox will refuse at render time: the same rules as the renderer."""
        from jinja2 import nodes

        from docauto.office.sandbox import refused_attribute

        ast = self.env.parse(text)
        for node in ast.find_all((nodes.Test, nodes.Filter)):
            kind = "test" if isinstance(node, nodes.Test) else "filter"
            known = self.env.tests if kind == "test" else self.env.filters
            if node.name not in known:
                self.add_jinja(part, tag.para, _Missing(f"No {kind} named '{node.name}'"), tag.text)
                return
        for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
            name = node.attr if isinstance(node, nodes.Getattr) else None
            if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
                name = node.arg.value if isinstance(node.arg.value, str) else None
            if name and refused_attribute(name):
                self.add(
                    part,
                    tag.para,
                    "sandbox-refused",
                    f"'{name}' er ikke tilladt i en skabelon (sikkerhedsregel); docauto afviser "
                    "skabelonen, når den udfyldes: brug kun værdierne fra data",
                    text=tag.text,
                )
                return

    def add_jinja(self, part: _Part, para: _Para | None, exc: Exception, text: str) -> None:
        msg = getattr(exc, "message", None) or str(exc)
        m = re.match(r"No (filter|test) named '([^']+)'", msg)
        if m:
            names = sorted(self.env.filters if m.group(1) == "filter" else self.env.tests)
            near = difflib.get_close_matches(m.group(2), names, n=2)
            did = f" (mente du {' eller '.join(near)}?)" if near else ""
            danish = {"filter": "filteret", "test": "testen"}[m.group(1)]
            code = f"unknown-{m.group(1)}"
            extra = ""
            if m.group(1) == "filter":
                from docauto.office.filters import FILTERS

                extra = "; de danske filtre er " + ", ".join(FILTERS)
            self.add(
                part, para, code, f"{danish} '{m.group(2)}' findes ikke{did}{extra}", text=text
            )
            return
        curly = (
            "; Word har sat typografiske anførselstegn i mærket: skriv dem som lige \" eller '"
            if any(c in text for c in "“”‘’")
            else ""
        )
        self.add(part, para, "syntax-error", f"{_danish(msg)}{curly} (Jinja: {msg})", text=text)

    def check_blocks(self, part: _Part, tags: list[_Tag]) -> None:
        stack: list[_OpenBlock] = []
        in_raw = False
        for tag in tags:
            if tag.kind != "{%" or not tag.closed:
                continue
            prefix, keyword, _ = self._parsed(tag)
            if keyword is None:
                continue
            if in_raw:
                if keyword == "endraw":
                    in_raw = False
                    stack.pop()
                continue
            if keyword in _OPENERS:
                stack.append((keyword, tag, prefix, []))
                in_raw = keyword == "raw"
            elif keyword in ("elif", "else"):
                self._middle_tag(part, tag, keyword, stack)
            elif keyword.startswith("end") and keyword[3:] in _OPENERS:
                self._end_tag(part, tag, keyword, prefix, stack)
        self._report_unclosed(part, stack)

    def _middle_tag(self, part: _Part, tag: _Tag, keyword: str, stack: list[_OpenBlock]) -> None:
        """An elif/else: it belongs to the innermost block, which must be an if (or a for)."""
        if not stack or stack[-1][0] not in (("if",) if keyword == "elif" else ("if", "for")):
            self.add(
                part,
                tag.para,
                "misplaced-else",
                f"'{{% {keyword} %}}' står uden for en '{{% if %}}'-blok: slet det eller "
                "tilføj den manglende '{% if ... %}' før",
                text=tag.text,
            )
        else:
            stack[-1][3].append(tag)

    def _end_tag(
        self,
        part: _Part,
        tag: _Tag,
        keyword: str,
        prefix: str | None,
        stack: list[_OpenBlock],
    ) -> None:
        """An end tag closes its block; blocks opened inside it and never closed are reported."""
        name = keyword[3:]
        if not any(s[0] == name for s in stack):
            self.add(
                part,
                tag.para,
                "stray-end",
                f"'{{% {keyword} %}}' har ingen '{{% {name} ... %}}' før sig: slet det, "
                f"eller tilføj den manglende '{{% {name} ... %}}'",
                text=tag.text,
            )
            return
        while stack[-1][0] != name:
            kw, opened, _, _ = stack.pop()
            self.add(
                part,
                opened.para,
                "unclosed-block",
                f"'{{% {kw} %}}' fra {self.place(opened.para)} lukkes aldrig: der mangler "
                f"'{{% end{kw} %}}' før '{{% {keyword} %}}' i {self.place(tag.para)}",
                text=opened.text,
            )
        kw, opened, oprefix, middles = stack.pop()
        self.check_pair(part, kw, opened, oprefix, middles, tag, prefix)

    def _report_unclosed(self, part: _Part, stack: list[_OpenBlock]) -> None:
        for kw, opened, _, _ in stack:
            self.add(
                part,
                opened.para,
                "unclosed-block",
                f"'{{% {kw} %}}' fra {self.place(opened.para)} lukkes aldrig: tilføj "
                f"'{{% end{kw} %}}' dér, hvor blokken skal slutte",
                text=opened.text,
            )

    def _anchor(self, tag: _Tag, prefix: str | None) -> tuple[tuple[str, ...], Any]:
        """The XML position docxtpl leaves the tag at: inside the text, or instead of the
        whole run / paragraph / cell / row for {%r / {%p / {%tc / {%tr."""
        seg = tag.para.segment_at(tag.start)
        chain = seg.chain
        cut = {"r": "r", "p": "p", "tc": "tc", "tr": "tr"}.get(prefix or "")
        if cut and cut in chain:
            idx = len(chain) - 1 - chain[::-1].index(cut)
            chain = chain[:idx]
        holder = {"tr": tag.para.tbl, "tc": tag.para.tr, "p": tag.para.element}.get(prefix or "")
        return chain, holder

    def check_pair(
        self,
        part: _Part,
        kw: str,
        opened: _Tag,
        oprefix: str | None,
        middles: list[_Tag],
        closed: _Tag,
        cprefix: str | None,
    ) -> None:
        ochain, oholder = self._anchor(opened, oprefix)
        for other in [*middles, closed]:
            prefix, _, _ = self._parsed(other)
            chain, holder = self._anchor(other, prefix)
            if prefix != oprefix and (prefix in ("tr", "tc") or oprefix in ("tr", "tc")):
                self.add(
                    part,
                    other.para,
                    "block-structure",
                    f"'{{% {kw} %}}' i {self.place(opened.para)} er skrevet "
                    f"{_prefix_word(oprefix)}, men '{other.text}' {_prefix_word(prefix)}: "
                    "begge skal have samme slags (fx '{%tr for ... %}' og '{%tr endfor %}')",
                    text=other.text,
                )
                return
            if chain != ochain:
                self.add(
                    part,
                    other.para,
                    "block-structure",
                    f"blokken '{{% {kw} %}}' begynder i {self.place(opened.para)} og slutter i "
                    f"{self.place(other.para)}, i en anden del af dokumentet (fx i og uden for "
                    "en tabel); så bliver Word-filen ødelagt: flyt mærkerne, så de står samme "
                    "sted, eller brug '{%p ... %}' / '{%tr ... %}' i egne afsnit/rækker",
                    text=other.text,
                )
                return
            if oprefix == "tr" and holder is not oholder:
                self.add(
                    part,
                    other.para,
                    "tr-block-tables",
                    f"rækkeblokken '{{%tr {kw} %}}' begynder i tabel {opened.para.table} "
                    f"({self.place(opened.para)}) men slutter i tabel {other.para.table}: "
                    "'{%tr ... %}' og dens slutmærke skal stå i rækker i samme tabel",
                    text=other.text,
                )
                return
            if (
                oprefix in ("p", "r")
                and opened.para.tc is not None
                and opened.para.tc is not other.para.tc
            ):
                self.add(
                    part,
                    other.para,
                    "block-across-cells",
                    f"blokken '{{%{oprefix} {kw} %}}' begynder i én tabelcelle "
                    f"({self.place(opened.para)}) og slutter i {self.place(other.para)}; docxtpl "
                    "skriver så celler uden afsnit, og Word afviser filen: hold blokken i én celle, "
                    f"eller brug '{{%tr {kw} ... %}}' om hele rækker",
                    text=other.text,
                )
                return
            if (
                not oprefix
                and opened.para.tc is not None
                and other.para.tc is not None
                and opened.para.tc is not other.para.tc
            ):
                self.add(
                    part,
                    other.para,
                    "block-across-cells",
                    f"blokken '{{% {kw} %}}' begynder i én tabelcelle ({self.place(opened.para)}) "
                    f"og slutter i en anden; tabellen mister celler: brug '{{%tr {kw} ... %}}' "
                    "/ '{%tc ... %}', eller hold blokken i én celle",
                    severity=WARNING,
                    text=other.text,
                )
                return

    def check_dropped_text(self, part: _Part, tags: list[_Tag]) -> None:
        """{%p %} replaces its whole paragraph, {%tr %} its whole row: other text there is lost."""
        seen: set[int] = set()
        for tag in tags:
            if not tag.closed or tag.kind == "{#":
                continue
            prefix, _, _ = self._parsed(tag)
            if prefix not in ("p", "tr", "tc"):
                continue
            holder = {"p": tag.para.element, "tr": tag.para.tr, "tc": tag.para.tc}[prefix]
            if holder is None or id(holder) in seen:
                continue
            seen.add(id(holder))
            own = [
                p for p in part.paras if p.element is holder or holder in p.element.iterancestors()
            ]
            rest = "".join(p.text for p in own).replace(tag.text, "", 1).strip()
            if not rest:
                continue
            unit = {"p": "afsnit", "tr": "tabelrække", "tc": "tabelcelle"}[prefix]
            lost_tags = bool(_OPEN_RE.search(rest))
            self.add(
                part,
                tag.para,
                "text-dropped",
                f"'{{%{prefix} ... %}}' erstatter hele sit {unit}, så resten («{_short(rest, 40)}») "
                f"forsvinder{' - også mærkerne dér' if lost_tags else ''}: stil mærket alene i "
                f"{'sin' if prefix != 'p' else 'sit'} {unit}",
                severity=ERROR if lost_tags else WARNING,
                text=tag.text,
            )

    # -- compile as docxtpl does ---------------------------------------------------------------

    def compile_part(self, part: _Part, tags: list[_Tag], explained: bool) -> None:
        from jinja2 import TemplateSyntaxError, meta
        from jinja2.exceptions import TemplateAssertionError

        from docauto.office.engine import _dt

        patched = _dt().patch_xml(part.compile_xml)
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)
        try:
            ast = self.env.parse(source)
            self.env.from_string(source)
        except (TemplateSyntaxError, TemplateAssertionError) as exc:
            if not explained:
                para = self._para_of_line(part, source, exc.lineno)
                self.add_jinja(part, para, exc, _line_text(source, exc.lineno))
            return
        if self.fields is None:
            return
        used = meta.find_undeclared_variables(ast) - set(self.env.globals)
        # The house style gives every document these, whatever its kind.
        from docauto.office.housestyle import HOUSE_FIELDS

        for name in sorted(used - self.fields - set(HOUSE_FIELDS)):
            using = [t for t in tags if t.closed and name in _names(self.env, t)]
            tag = using[0] if using else None
            near = difflib.get_close_matches(name, sorted(self.fields), n=2)
            did = f"; mente du {' eller '.join(near)}?" if near else ""
            guard = re.compile(rf"\b{re.escape(name)}\s*(\|\s*(default|d)\b|is\s+(not\s+)?defined)")
            guarded = bool(using) and all(guard.search(t.clean) for t in using)
            self.add(
                part,
                tag.para if tag else None,
                "unknown-variable",
                f"'{name}' leveres ikke af {self.field_source} (den leverer: "
                f"{', '.join(sorted(self.fields)) or 'ingen felter'}){did}"
                + (
                    "; mærket har en standardværdi, så det giver en tom/standard værdi"
                    if guarded
                    else ""
                ),
                severity=WARNING if guarded else ERROR,
                text=tag.text if tag else name,
            )

    def _para_of_line(self, part: _Part, source: str, lineno: int | None) -> _Para | None:
        if not lineno:
            return None
        head = "\n".join(source.splitlines()[:lineno])
        marks = re.findall(rf'{_MARK}="(\d+)"', head)
        if not marks:
            return None
        n = int(marks[-1])
        return next((p for p in part.paras if p.number == n), None)


class _Missing(Exception):
    """An unknown test or filter found in the syntax tree, worded as Jinja words it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _prefix_word(prefix: str | None) -> str:
    return {
        "tr": "som række-mærke ({%tr)",
        "tc": "som celle-mærke ({%tc)",
        "p": "som afsnits-mærke ({%p)",
        "r": "som {%r",
    }.get(prefix or "", "som almindeligt mærke")


def _names(env: Any, tag: _Tag) -> set[str]:
    text = re.sub(r"^(\{[{%])(tr|tc|p|r) ", r"\1 ", tag.clean)
    try:
        return {tok[2] for tok in env.lex(text) if tok[1] == "name"}
    except Exception:
        return set()


def _line_text(source: str, lineno: int | None) -> str:
    lines = source.splitlines()
    if not lineno or not 0 < lineno <= len(lines):
        return ""
    return re.sub(r"<[^>]+>", "", lines[lineno - 1])


_DANISH = [
    (r"unexpected char '(.+?)'", "tegnet {0} kan ikke stå i et mærke"),
    (r"Encountered unknown tag '(\w+)'", "ukendt kommando '{0}'"),
    (r"unexpected end of template", "mærket er ufuldstændigt"),
    (r"Unexpected end of template", "en blok lukkes ikke"),
    (r"expected token '(.+?)', got '(.+?)'", "der mangler {0} før '{1}'"),
    (
        r"unexpected 'end of (?:print statement|statement block)'",
        "mærket er ufuldstændigt (der mangler noget før '}}}}' eller '%}}')",
    ),
    (r"unexpected '(.+?)'", "'{0}' står forkert"),
    (r"tag name expected", "mærket mangler en kommando (fx 'if' eller 'for')"),
    (r"Expected an expression", "der mangler et udtryk"),
    (r"unexpected end of (?:print statement|statement block)", "mærket er ufuldstændigt"),
]


def _danish(msg: str) -> str:
    for pattern, text in _DANISH:
        m = re.match(pattern, msg)
        if m:
            return "syntaksfejl i mærket: " + text.format(*m.groups()) + "; ret mærket i Word"
    return "syntaksfejl i mærket; ret mærket i Word"


# -- the package ---------------------------------------------------------------------------


def _parts(data: bytes) -> tuple[list[_Part], dict[str, str]]:
    """The parts docauto's engine renders (``docxparts.template_parts``, the one definition
    both use), read for checking; and the core properties that hold tags."""
    import io

    from docauto.office import docxparts

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {
            i.filename: zf.read(i) for i in zf.infolist() if i.filename.endswith((".xml", ".rels"))
        }
    out = []
    for tp in docxparts.template_parts(members):
        root = docxparts.parse_xml(members[tp.member])
        if tp.kind == "body":
            root = root.find(f"{_W}body")
            if root is None:
                raise KeyError("w:body")
        out.append(_read_part(tp.member, tp.name, root))
    for part in out:
        part.compile_xml = etree.tostring(part.root, encoding="unicode")
    props: dict[str, str] = {}
    if docxparts.CORE_MEMBER in members:
        tags = set(docxparts.CORE_PROPS.values())
        for el in docxparts.parse_xml(members[docxparts.CORE_MEMBER]):
            if el.tag in tags and el.text and "{" in el.text:
                props[_local(el)] = el.text
    return out, props


def check_template(
    path: str | Path,
    *,
    kind: Kind | str | None = None,
    fields: Iterable[str] | None = None,
    detect_kind: bool = True,
    display_name: str | None = None,
) -> list[Finding]:
    """Every problem found in one Word template, in document order per part.

    Variables are checked against ``fields`` if given, else against ``kind`` (a Kind or its
    name), else, with ``detect_kind``, against every kind whose ``templates`` name this file.
    Never raises for a bad file: a file that is not a readable .docx is one finding.
    """
    from docauto.errors import DocautoError
    from docauto.office.xlsxio import read_docx_bytes

    path = Path(path)
    name = display_name or str(path)
    checker = _Checker(name, *_field_set(path, kind, fields, detect_kind))
    if path.suffix.lower() not in DOCX_SUFFIXES:
        checker.add(
            None,
            None,
            "not-docx",
            f"filen er ikke en Word-skabelon (.docx), men '{path.suffix or 'uden endelse'}': "
            "gem den i Word som 'Word-dokument (*.docx)'",
        )
        return checker.findings
    try:
        data, _ = read_docx_bytes(path)
        parts, props = _parts(data)
    except DocautoError as exc:
        message = (
            exc.message.split(": ", 1)[1] if exc.message.startswith(str(path)) else exc.message
        )
        todo = (
            "gem den i Word uden adgangskode som .docx"
            if "krypteret" in message
            else "åbn den i Word og gem den som 'Word-dokument (*.docx)'"
        )
        checker.add(None, None, "unreadable", f"{message}: {todo}")
        return checker.findings
    except (
        KeyError,
        etree.XMLSyntaxError,
        zipfile.BadZipFile,
        UnicodeDecodeError,
        ValueError,
    ) as exc:
        checker.add(
            None,
            None,
            "corrupt",
            f"filen er ikke et gyldigt Word-dokument ({type(exc).__name__}: {exc}); "
            "åbn den i Word og gem den igen",
        )
        return checker.findings
    for part in parts:
        checker.check_part(part)
    _check_properties(checker, props)
    return checker.findings


def _check_properties(checker: _Checker, props: dict[str, str]) -> None:
    from jinja2 import TemplateSyntaxError
    from jinja2.exceptions import TemplateAssertionError

    part = _Part("docProps/core.xml", "properties", None, [], "")
    for prop, text in props.items():
        try:
            checker.env.from_string(text)
        except (TemplateSyntaxError, TemplateAssertionError) as exc:
            before = len(checker.findings)
            checker.add_jinja(part, None, exc, text)
            f = checker.findings[before]
            checker.findings[before] = Finding(
                f.file,
                f.part,
                f.code,
                f"dokumentegenskaben '{prop}': {f.message}",
                f.severity,
                text=f.text,
            )


def _field_set(
    path: Path, kind: Kind | str | None, fields: Iterable[str] | None, detect_kind: bool
) -> tuple[set[str] | None, str]:
    if fields is not None:
        return set(fields), "de angivne felter (--fields)"
    from docauto import plugins

    if isinstance(kind, str):
        kind = plugins.get_kind(kind)
    if kind is not None:
        return set(kind.fields), f"dokumenttypen '{kind.name}'"
    if not detect_kind:
        return None, ""
    found = kinds_for(path.name)
    if not found:
        return None, ""
    names = " / ".join(f"'{k.name}'" for k in found)
    return set().union(*(k.fields for k in found)), f"dokumenttypen {names}"


def kinds_for(filename: str) -> list[Kind]:
    """The document kinds that list this template file name."""
    from docauto import plugins

    return [
        k for k in plugins.kinds().values() if any(Path(t).name == filename for t in k.templates)
    ]


def template_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and the Word files in folders named (recursively), sorted per folder.

    Word's owner files (``~$brev.docx``) and hidden files are skipped.
    """
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if (
                    f.is_file()
                    and f.suffix.lower() in DOCX_SUFFIXES
                    and not f.name.startswith(("~$", "."))
                ):
                    yield f
        else:
            yield p


def check_paths(paths: Iterable[str | Path], **options: Any) -> tuple[list[Path], list[Finding]]:
    """Check every template in ``paths``; returns the files checked and all findings."""
    files = list(template_files(paths))
    findings: list[Finding] = []
    for f in files:
        findings.extend(check_template(f, **options))
    return files, findings
