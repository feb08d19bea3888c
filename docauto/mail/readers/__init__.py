"""Reading the registration forms area chiefs mail back (REGISTRY.md §2), whatever they did to them.

Readers are plugins (hook ``docauto_attachment_readers``): objects with ``name``,
``accepts(attachment) -> bool`` and ``read(attachment, kind) -> ReadResult``. The built-in ones
(.xlsx, .docx table, .csv) are registered through pyproject's entry points like any other.
They all turn a file into rows of cells and hand them to :func:`table_result`, which finds the
header row (title or blank rows above it are fine), maps headers to the canonical columns
through ``mappings/kolonner.yaml``, ignores extra columns and blank rows, and converts dates
and whole numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from docauto.errors import ConfigError, InputError, Location, Problem
from docauto.mail.readers.values import clean_text, clean_value, parse_date, parse_int
from docauto.recruitment.formspec import columns

if TYPE_CHECKING:
    from docauto.mail.message import Attachment
    from docauto.structure.model import Structure

__all__ = [
    "MAX_ROWS",
    "AttachmentReader",
    "ColumnMap",
    "Merged",
    "ReadResult",
    "ReadRow",
    "can_read",
    "column_map",
    "find_header",
    "form_columns",
    "header_mapping",
    "identify_job_ad",
    "no_header_problem",
    "norm_header",
    "read_submission",
    "readers",
    "table_result",
]

COLUMNS_FILE = "kolonner.yaml"

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
MAX_ROWS = 5_000  # a form has tens of rows; more is a wrong file, not a submission
HEADER_SEARCH_ROWS = 30


@dataclass
class ReadRow:
    number: int  # row number as the user sees it (Excel row / table row / CSV line)
    values: dict[str, Any]  # canonical column -> str | int | date | None
    sheet: str = ""


@dataclass
class ReadResult:
    source: str  # attachment name (+ sheet)
    rows: list[ReadRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # canonical columns the header had
    file: str = ""  # the attachment name alone (for Problem locations)
    sheet: str = ""


class AttachmentReader(Protocol):
    name: str

    def accepts(self, attachment: Attachment) -> bool: ...

    def read(self, attachment: Attachment, kind: str) -> ReadResult: ...


def form_columns(kind: str, role: str | None = None) -> list[str]:
    """The form's columns for a kind; with a role, only those that role's form has."""
    return columns(kind, role)


# --- column synonyms -------------------------------------------------------------------------


def norm_header(value: Any) -> str:
    """A header compared without case, spaces, punctuation, and with æ/ø/å folded."""
    if isinstance(value, str) and len(value) <= 200:
        return _norm_text(value)
    return _norm_header(value)


@lru_cache(maxsize=4096)
def _norm_text(value: str) -> str:  # headers repeat across every form of a run
    return _norm_header(value)


def _norm_header(value: Any) -> str:
    from docauto.mail.classify import fold

    # "Prioritet (1 = højest)" and "E-mail*" are the headers Prioritet and E-mail.
    text = re.sub(r"\([^()]*\)", "", clean_text(value))
    return re.sub(r"[\W_]+", "", fold(text))


@dataclass(frozen=True, eq=False)  # hashed by identity: one per mappings file version
class ColumnMap:
    synonyms: dict[str, tuple[str, ...]]  # canonical -> normalised headers (canonical first)
    types: dict[str, str]  # canonical -> "dato" | "heltal"


@lru_cache(maxsize=8)
def _load_columns(path: str, mtime_ns: int, size: int) -> ColumnMap:
    from docauto.datafiles import read_data

    data = read_data(path, error=ConfigError) or {}
    syn = data.get("synonymer") or {}
    types = data.get("typer") or {}
    if not isinstance(syn, dict) or not isinstance(types, dict):
        raise ConfigError(f"{path}: 'synonymer' og 'typer' skal være ordbøger")
    out: dict[str, tuple[str, ...]] = {}
    for canonical, names in syn.items():
        if not isinstance(names, list):
            raise ConfigError(f"{path}: synonymer.{canonical} skal være en liste")
        seq = [norm_header(canonical)] + [norm_header(n) for n in names]
        out[str(canonical)] = tuple(dict.fromkeys(s for s in seq if s))
    for canonical, kind in types.items():
        if kind not in ("dato", "heltal"):
            raise ConfigError(f"{path}: typer.{canonical} skal være 'dato' eller 'heltal'")
    return ColumnMap(out, {str(k): str(v) for k, v in types.items()})


# One object: a ColumnMap is hashed by identity, and forms are indexed per ColumnMap.
_NO_SYNONYMS = ColumnMap({}, {"Tiltrædelsesdato": "dato", "Prioritet": "heltal"})


def column_map(path: Path | None = None) -> ColumnMap:
    """Synonyms and value types from mappings/kolonner.yaml, cached per file and version."""
    if path is None:
        from docauto.resources import mapping_path

        path = mapping_path(COLUMNS_FILE)
    try:
        stat = path.stat()
        return _load_columns(str(path), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return _NO_SYNONYMS  # without the file the canonical headers still work


def header_mapping(
    cells: Sequence[Any], kind: str, cmap: ColumnMap | None = None
) -> dict[int, str]:
    """Column index -> canonical column for one candidate header row."""
    cmap = cmap or column_map()
    exact, synonyms = _header_index(kind, cmap)
    normed = [norm_header(_unwrap(c)) for c in cells]
    out: dict[int, str] = {}
    taken: set[str] = set()
    # Exact canonical headers first, so "Navn" in a hires form is Navn even though it is also
    # a synonym of other columns.
    for i, h in enumerate(normed):
        col = next((c for c in exact.get(h, ()) if c not in taken), None) if h else None
        if col is not None:
            out[i] = col
            taken.add(col)
    for i, h in enumerate(normed):
        if not h or i in out:
            continue
        col = next((c for c in synonyms.get(h, ()) if c not in taken), None)
        if col is not None:
            out[i] = col
            taken.add(col)
    return out


@lru_cache(maxsize=64)
def _header_index(
    kind: str, cmap: ColumnMap
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """For a kind's form: normalised header -> the columns it names exactly, and -> the
    columns it is a synonym of; each in the form's column order (the first free one wins)."""
    exact: dict[str, list[str]] = {}
    synonyms: dict[str, list[str]] = {}
    for col in form_columns(kind):
        exact.setdefault(norm_header(col), []).append(col)
        for syn in cmap.synonyms.get(col, ()):
            synonyms.setdefault(syn, []).append(col)
    return (
        {k: tuple(v) for k, v in exact.items()},
        {k: tuple(v) for k, v in synonyms.items()},
    )


def find_header(
    rows: Sequence[Sequence[Any]], kind: str, cmap: ColumnMap | None = None
) -> tuple[int, dict[int, str]] | None:
    """(index of the header row, its mapping): the row among the first ones that names the
    most form columns, at least two."""
    best: tuple[int, dict[int, str]] | None = None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping = header_mapping(row, kind, cmap)
        if len(mapping) >= 2 and (best is None or len(mapping) > len(best[1])):
            best = (i, mapping)
    return best


@dataclass(frozen=True)
class Merged:
    """A value a cell shows because it lies in a merged range (the range's top-left value).
    Rows whose only content is merged from above are not rows of their own."""

    value: Any


def _unwrap(value: Any) -> Any:
    return value.value if isinstance(value, Merged) else value


def _convert(col: str, value: Any, cmap: ColumnMap) -> Any:
    value = clean_value(_unwrap(value))
    kind = cmap.types.get(col)
    if value is None or kind is None:
        return value
    converted = parse_date(value) if kind == "dato" else parse_int(value)
    # Unconvertible values stay as written; validation reports them with the row.
    return converted if converted is not None else value


def table_result(
    rows: Sequence[tuple[int, Sequence[Any]]], kind: str, *, file: str, sheet: str = ""
) -> ReadResult | None:
    """Rows of (user-visible number, cells) -> ReadResult; None if no header row is found."""
    cmap = column_map()
    found = find_header([cells for _, cells in rows], kind, cmap)
    source = f"{file}, ark '{sheet}'" if sheet else file
    if found is None:
        return None
    index, mapping = found
    result = ReadResult(
        source=source, file=file, sheet=sheet, columns=[mapping[i] for i in sorted(mapping)]
    )
    # Only Område filled in is a pre-filled, otherwise empty row of the form.
    content_columns = {c for c in mapping.values() if c != "Område"}
    for number, cells in rows[index + 1 :]:
        own = {col: cells[i] if i < len(cells) else None for i, col in mapping.items()}
        if not any(
            clean_value(v) is not None
            for c, v in own.items()
            if c in content_columns and not isinstance(v, Merged)
        ):
            continue
        values = {col: _convert(col, v, cmap) for col, v in own.items()}
        if len(result.rows) >= MAX_ROWS:
            result.problems.append(
                Problem(
                    Location(file=file, sheet=sheet or None, row=number),
                    f"mere end {MAX_ROWS} rækker; resten er ikke læst",
                )
            )
            break
        result.rows.append(ReadRow(number=number, values=values, sheet=sheet))
    return result


def no_header_problem(file: str, kind: str, sheet: str = "") -> Problem:
    cols = ", ".join(form_columns(kind))
    return Problem(
        Location(file=file, sheet=sheet or None),
        f"ingen genkendelig overskriftsrække (forventede kolonnerne {cols})",
    )


# --- choosing a reader -----------------------------------------------------------------------


def readers() -> list[AttachmentReader]:
    from docauto import plugins

    return sorted(plugins.attachment_readers(), key=lambda r: getattr(r, "order", 100))


def read_submission(attachment: Attachment, role: str, kind: str) -> ReadResult:
    """The rows of a registration form attachment. Raises InputError for a file that cannot be
    opened safely (corrupt, encrypted, oversized, zip bomb, XML bomb) or has no reader."""
    form_columns(kind, role)
    name = attachment.filename or "vedhæftet fil"
    if len(attachment.data) > MAX_ATTACHMENT_BYTES:
        raise InputError(f"{name}: filen er for stor ({len(attachment.data) // (1024 * 1024)} MB)")
    if not attachment.data:
        raise InputError(f"{name}: filen er tom")
    for reader in readers():
        if reader.accepts(attachment):
            return reader.read(attachment, kind)
    raise InputError(
        f"{name}: filtypen kan ikke læses som registreringsskema",
        hint="send skemaet som .xlsx, .docx eller .csv",
    )


def can_read(attachment: Attachment) -> bool:
    """Whether some reader plugin takes this attachment (to pick the form among attachments)."""
    return any(r.accepts(attachment) for r in readers())


# --- job ads ---------------------------------------------------------------------------------

_ROLE_VALUES = {
    "clusterleader": "cluster_leader",
    "klyngeleder": "cluster_leader",
    "pedagogicalleader": "pedagogical_leader",
    "padagogiskleder": "pedagogical_leader",
}


_JOB_AD_KINDS = {"jobad", "stillingsopslag", "stillingsannonce"}


def _role_from_property(value: str) -> str | None:
    return _ROLE_VALUES.get(norm_header(value))


def _roles_in(text: str) -> set[str]:
    from docauto.mail.classify import fold, load_patterns

    folded = fold(text)
    return {
        role for role, rxs in load_patterns().roles.items() if any(rx.search(folded) for rx in rxs)
    }


def identify_job_ad(attachment: Attachment, structure: Structure | None = None) -> dict | None:
    """Which position a job ad (.docx) is for: from the custom properties our generator writes
    (docauto.rolle, docauto.klynge_id, docauto.enheds_id), else from the document text (role
    words and a cluster id or name; names need ``structure``). None when not sure."""
    from docauto.office.docprops import read_custom_properties
    from docauto.office.docxtext import docx_text
    from docauto.office.xlsxio import check_office_zip

    if (
        not attachment.filename.lower().endswith((".docx", ".docm"))
        and "wordprocessingml" not in attachment.content_type
    ):
        return None
    try:
        check_office_zip(attachment.data, attachment.filename)
        props = read_custom_properties(attachment.data)
    except Exception:
        return None
    doc_kind = norm_header(props.get("docauto.kind", ""))
    if doc_kind and doc_kind not in _JOB_AD_KINDS:
        return None  # one of our other documents (a committee letter, minutes, ...)
    role = _role_from_property(props.get("docauto.rolle", ""))
    cluster_id = clean_text(props.get("docauto.klynge_id", "")) or None
    unit_id = clean_text(props.get("docauto.enheds_id", "")) or None
    if role and cluster_id:
        return {"role": role, "cluster_id": cluster_id, "unit_id": unit_id, "how": "properties"}
    try:
        doc = docx_text(attachment.data)
    except Exception:
        return None
    text = "\n".join([*doc.headers, *doc.body, *doc.footers])
    roles = _roles_in(text)
    if len(roles) != 1:
        return None
    role = roles.pop()
    cluster_id, unit_id = _position_in_text(text, role, structure)
    if not cluster_id:
        return None
    return {"role": role, "cluster_id": cluster_id, "unit_id": unit_id, "how": "text"}


def _mentioned(text: str, candidates: Iterable[tuple[str, Iterable[str]]]) -> list[str]:
    folded = " " + re.sub(r"[\W_]+", " ", norm_words(text)) + " "
    hits = []
    for key, names in candidates:
        for n in names:
            nf = re.sub(r"[\W_]+", " ", norm_words(n)).strip()
            if nf and f" {nf} " in folded:
                hits.append(key)
                break
    return hits


def norm_words(text: str) -> str:
    from docauto.mail.classify import fold

    return fold(clean_text(text))


def _position_in_text(
    text: str, role: str, structure: Structure | None
) -> tuple[str | None, str | None]:
    if structure is None:
        ids = set(re.findall(r"\b(K\d{2,4})\b", text))
        units = set(re.findall(r"\b(E\d{3,5})\b", text))
        cluster = ids.pop() if len(ids) == 1 else None
        unit = units.pop() if len(units) == 1 and role == "pedagogical_leader" else None
        return cluster, unit
    clusters = _mentioned(text, ((c.id, (c.id, c.name)) for c in structure.clusters.values()))
    if len(set(clusters)) != 1:
        return None, None
    cluster = structure.clusters[clusters[0]]
    unit = None
    if role == "pedagogical_leader":
        units = _mentioned(text, ((u.id, (u.id, u.name)) for u in cluster.units))
        unit = units[0] if len(set(units)) == 1 else None
    return cluster.id, unit
