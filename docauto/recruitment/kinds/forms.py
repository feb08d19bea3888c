"""Built-in kind ``registreringsskemaer``: the .xlsx forms area chiefs fill in (REGISTRY.md §2).

One workbook per area and submission. Sheet ``Registrering`` starts with the header row (the
columns of §2, in that order) so any parser reads it; the mail subject, the deadline and the
instructions are on sheet ``Vejledning`` and in the printed page header. Drop-down lists come
from a hidden sheet ``Lister`` holding exactly the area's clusters and units.

Other parts build a single form with :func:`build_form` (the demo mailbox does).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from docauto.errors import ConfigError, UsageError
from docauto.hookspecs import hookimpl
from docauto.kinds import GenerateRequest, Kind, PlannedDocument
from docauto.recruitment.formspec import FORM_COLUMNS, FORM_KINDS, FORM_SHEET, columns
from docauto.recruitment.roles import (
    CLUSTER_LEADER,
    PEDAGOGICAL_LEADER,
    SLUGS,
    TITLES,
    check_role,
    parse_roles,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

    from docauto.recruitment.timeline import RecruitmentPlan, TimelineStep
    from docauto.structure.model import Area, Cluster, Structure, Unit

SHEET = FORM_SHEET
GUIDE_SHEET = "Vejledning"
LIST_SHEET = "Lister"
ROWS = 50  # pre-sized data rows (validation, unlocked cells, formats)
TEXTS_FILE = "registreringsskemaer.yaml"

KIND_SLUGS = {
    "applicants": "ansoegere",
    "candidates": "kandidater",
    "unfilled": "ikke-besatte",
    "hires": "ansaettelser",
    "vacancies": "vakante",
}
WIDTHS = {
    "Område": 18,
    "Klynge": 30,
    "Enhed": 30,
    "Bemærkning": 50,
    "E-mail": 30,
    "Prioritet": 10,
    "Tiltrædelsesdato": 16,
}


def form_columns(role: str, kind: str) -> list[str]:
    """The header row of a form, exactly as REGISTRY.md §2 lists it for the role."""
    check_role(role)
    return columns(kind, role)


def form_filename(area_name: str, role: str, kind: str, round: int | None = None) -> str:
    from docauto.output import slug

    part = KIND_SLUGS[kind] + (f"-runde-{round}" if kind == "candidates" and round else "")
    return f"registreringsskema-{SLUGS[role]}-{part}-{slug(area_name)}.xlsx"


@cache
def _texts_cached(path: str, mtime: int) -> dict[str, Any]:
    from docauto.datafiles import read_data

    data = read_data(path, error=ConfigError)
    if not isinstance(data, dict) or not isinstance(data.get("typer"), dict):
        raise ConfigError(f"{path}: forventede nøglerne 'fælles', 'typer' og 'kolonner'")
    for kind in FORM_KINDS:
        if not isinstance(data["typer"].get(kind), dict) or not data["typer"][kind].get("titel"):
            raise ConfigError(f"{path}: typer.{kind}.titel mangler")
    return data


def _texts() -> dict[str, Any]:
    from docauto.resources import template_path

    path = template_path(TEXTS_FILE)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise ConfigError(f"{path}: filen med skemaernes tekster findes ikke") from None
    return _texts_cached(str(path), mtime)


def _form_round(kind: str, round: int | None) -> int | None:
    """Only candidate forms have a round; it defaults to the first."""
    if kind != "candidates":
        return None
    return 1 if round is None else round


def _form_positions(
    structure: Structure, area_name: str, only_units: Collection[str] | None
) -> tuple[list[Cluster], list[Unit]]:
    """The area's clusters and units a form may name in its drop-downs."""
    from docauto.recruitment.scope import load_scope

    # Only positions the municipality recruits: no network or self-governing institution.
    scope = load_scope()
    clusters = [c for c in structure.clusters_in(area_name) if scope.recruits(c)]
    # Pedagogical-leader forms may list only the units with an open position (the registry's).
    units = [u for c in clusters for u in c.units if only_units is None or u.id in only_units]
    return clusters, units


def _fill_lists(lists: Worksheet, area: Area, clusters: list[Cluster], units: list[Unit]) -> None:
    """The hidden sheet behind the drop-downs (a sheet range: no 255-character limit, commas ok)."""
    lists.append(["Område", "Klynger", "Enheder"])
    for i in range(max(1, len(clusters), len(units))):
        lists.append(
            [
                area.name if i == 0 else None,
                clusters[i].name if i < len(clusters) else None,
                units[i].name if i < len(units) else None,
            ]
        )
    for row in lists.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    lists.sheet_state = "hidden"
    lists.protection.sheet = True


def _write_header_row(ws: Worksheet, columns: list[str], texts: dict[str, Any]) -> None:
    """The locked header row, with column widths and each column's help as a comment."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E78")
    ws.append(columns)
    for j, name in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=j)
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(vertical="center")
        cell.protection = Protection(locked=True)
        ws.column_dimensions[get_column_letter(j)].width = WIDTHS.get(name, 24)
        help_text = texts.get("kolonner", {}).get(name)
        if help_text:
            cell.comment = Comment(str(help_text), "docauto", width=240, height=60)


def _prepare_data_rows(ws: Worksheet, columns: list[str]) -> None:
    """Unlock the pre-sized data rows and give dates and priorities their number formats."""
    from openpyxl.styles import Protection

    unlocked = Protection(locked=False)
    for r in range(2, ROWS + 2):
        for j, name in enumerate(columns, start=1):
            cell = ws.cell(row=r, column=j)
            cell.protection = unlocked
            if name == "Tiltrædelsesdato":
                cell.number_format = "DD-MM-YYYY"
            elif name == "Prioritet":
                cell.number_format = "0"


def _list_validation(ref: str, what: str) -> DataValidation:
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        type="list",
        formula1=ref,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Ukendt værdi",
        error=f"Vælg {what} fra listen.",
        promptTitle=what.capitalize(),
        prompt=f"Vælg {what} fra listen.",
        showInputMessage=True,
    )


def _priority_validation() -> DataValidation:
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        type="whole",
        operator="between",
        formula1="1",
        formula2="99",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Prioritet",
        error="Prioriteten skal være et helt tal fra 1 til 99.",
    )


def _date_validation() -> DataValidation:
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        type="date",
        operator="between",
        formula1="DATE(2000,1,1)",
        formula2="DATE(2100,12,31)",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Dato",
        error="Skriv en dato, fx 01-01-2011.",
    )


def _email_validation(column: str) -> DataValidation:
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        type="custom",
        formula1=f'ISNUMBER(SEARCH("@",{column}2))',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="E-mail",
        error="Skriv en gyldig e-mailadresse.",
    )


def _add_validations(ws: Worksheet, columns: list[str], n_clusters: int, n_units: int) -> None:
    """Drop-downs for area, cluster and unit; checks on priority, date and e-mail."""
    from openpyxl.utils import get_column_letter

    last = ROWS + 1

    def col(name: str) -> str:
        return get_column_letter(columns.index(name) + 1)

    def add(dv: DataValidation, name: str) -> None:
        dv.add(f"{col(name)}2:{col(name)}{last}")
        ws.add_data_validation(dv)

    add(_list_validation(f"{LIST_SHEET}!$A$2:$A$2", "området"), "Område")
    add(_list_validation(f"{LIST_SHEET}!$B$2:$B${n_clusters + 1}", "klyngen"), "Klynge")
    if "Enhed" in columns:
        add(_list_validation(f"{LIST_SHEET}!$C$2:$C${max(n_units, 1) + 1}", "enheden"), "Enhed")
    if "Prioritet" in columns:
        add(_priority_validation(), "Prioritet")
    if "Tiltrædelsesdato" in columns:
        add(_date_validation(), "Tiltrædelsesdato")
    if "E-mail" in columns:
        add(_email_validation(col("E-mail")), "E-mail")


def _protect_form(ws: Worksheet) -> None:
    ws.freeze_panes = "A2"
    ws.protection.sheet = True
    # Let people resize columns and rows; everything else on the header stays locked.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _header_footer_text(text: str) -> str:
    """'&' starts a code in Excel's header/footer text."""
    return text.replace("&", "&&")


def _write_page_header(
    ws: Worksheet, heading: str, deadline_text: str, mailbox: str, subject: str
) -> None:
    ws.oddHeader.left.text = _header_footer_text(heading)
    ws.oddHeader.right.text = _header_footer_text(f"Frist: {deadline_text}")
    ws.oddFooter.left.text = _header_footer_text(f"Send til {mailbox}, emnefelt: {subject}")


def _guide_rows(
    title: str,
    area: Area,
    plan: RecruitmentPlan,
    subject: str,
    deadline_text: str,
    step: TimelineStep | None,
    kind_text: dict[str, Any],
    texts: dict[str, Any],
    columns: list[str],
) -> list[tuple[str, str]]:
    """The guide's label/text pairs: what to send where and by when, and each column's help."""
    rows: list[tuple[str, str]] = [
        ("Registreringsskema", title),
        ("Område", area.name),
        ("Områdechef", area.chief),
        ("Send til", plan.mailbox),
        ("Emnefelt", subject),
        ("Frist", deadline_text),
    ]
    if step is not None and step.deadline_note:
        rows.append(("Om fristen", step.deadline_note))
    rows.append(("", ""))
    rows.append(("Sådan gør du", str(kind_text.get("vejledning", ""))))
    rows.extend(("", str(line)) for line in texts.get("fælles", []))
    rows.append(("", ""))
    rows.append(("Kolonner", ""))
    rows.extend((name, str(texts.get("kolonner", {}).get(name, ""))) for name in columns)
    return rows


def _write_guide(guide: Worksheet, rows: list[tuple[str, str]]) -> None:
    from openpyxl.styles import Alignment, Font

    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 90
    for label, value in rows:
        guide.append([label or None, value or None])
        for cell in (guide.cell(guide._current_row, c) for c in (1, 2)):  # not max_row: O(n)
            if isinstance(cell.value, str):
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        guide.cell(row=guide._current_row, column=1).font = Font(bold=True)
    guide["B1"].font = Font(bold=True, size=14)
    guide["B5"].font = Font(bold=True)
    guide.protection.sheet = True


def _set_properties(wb: Workbook, heading: str, props: tuple[tuple[str, str], ...]) -> None:
    """Title and creator, and the custom properties that are set (ingest reads them back)."""
    from openpyxl.packaging.custom import StringProperty

    wb.properties.title = heading
    wb.properties.creator = "docauto"
    for name, value in props:
        if value:
            wb.custom_doc_props.append(StringProperty(name=name, value=value))


def build_form(
    structure: Structure,
    area_name: str,
    role: str,
    kind: str,
    round: int | None = None,
    plan: RecruitmentPlan | None = None,
    only_units: Collection[str] | None = None,
) -> bytes:
    """The bytes of one registration form (.xlsx) for an area, role and submission kind.

    ``role`` is "cluster_leader" or "pedagogical_leader"; ``kind`` one of applicants,
    candidates, unfilled, hires, vacancies; ``round`` 1 or 2 for candidates (default 1).
    """
    import openpyxl

    from docauto.office.filters import dato_ugedag
    from docauto.office.housestyle import workbook_bytes
    from docauto.recruitment.timeline import load_timeline

    columns = form_columns(role, kind)
    area = structure.find_area(area_name)
    if area is None:
        raise UsageError(
            f"ukendt område '{area_name}'", hint="en af: " + ", ".join(structure.areas)
        )
    round = _form_round(kind, round)
    plan = plan or load_timeline()
    subject = plan.subject_for(role, kind, round)
    step = plan.find_submission(role, kind, round)
    deadline = step.deadline if step else None
    texts = _texts()
    kind_text = texts["typer"][kind]
    clusters, units = _form_positions(structure, area.name, only_units)
    title = f"{TITLES[role]} – {kind_text['titel']}" + (f", {round}. runde" if round == 2 else "")
    heading = f"{title} – {area.name}"
    deadline_text = dato_ugedag(deadline) if deadline else "se rekrutteringsplanen"

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    guide = wb.create_sheet(GUIDE_SHEET)
    lists = wb.create_sheet(LIST_SHEET)

    _fill_lists(lists, area, clusters, units)
    _write_header_row(ws, columns, texts)
    _prepare_data_rows(ws, columns)
    _add_validations(ws, columns, len(clusters), len(units))
    _protect_form(ws)
    _write_page_header(ws, heading, deadline_text, plan.mailbox, subject)
    rows = _guide_rows(title, area, plan, subject, deadline_text, step, kind_text, texts, columns)
    _write_guide(guide, rows)

    wb.active = 0
    _set_properties(
        wb,
        heading,
        (
            ("docauto.kind", kind),
            ("docauto.rolle", role),
            ("docauto.omraade", area.name),
            ("docauto.emne", subject),
            ("docauto.runde", str(round or "")),
        ),
    )
    # The guide is label/text pairs, not a table: no header row to repeat.
    return workbook_bytes(wb, heading, header_rows={GUIDE_SHEET: None})


def planned_forms(
    structure: Structure, roles: tuple[str, ...], areas: list[str], plan: RecruitmentPlan
) -> Iterator[tuple[str, str, str, int | None]]:
    """(area, role, kind, round) for every form the plan asks the areas to send."""
    for area in areas:
        for role in roles:
            for step in plan.submissions(role):
                if step.kind in FORM_COLUMNS and step.submitted_by == "area":
                    yield area, role, step.kind, step.round


def _plan(request: GenerateRequest) -> Iterator[PlannedDocument]:
    from docauto.recruitment.timeline import load_timeline

    structure = request.structure
    roles = parse_roles(request.options.get("rolle"), (CLUSTER_LEADER, PEDAGOGICAL_LEADER))
    plan = load_timeline()
    areas = list(structure.areas)
    if request.areas:
        wanted = []
        for key in request.areas:
            area = structure.find_area(key)
            if area is None:
                raise UsageError(f"ukendt område '{key}'", hint="en af: " + ", ".join(areas))
            wanted.append(area.name)
        areas = wanted
    if request.only:
        from docauto.structure.model import select_clusters

        keep = {c.area for c in select_clusters(structure, request.only)}
        areas = [a for a in areas if a in keep]
    from docauto.recruitment.scope import load_scope

    # An area with only networks and self-governing clusters has nothing to register.
    recruiting = {c.area for c in load_scope().clusters(structure)}
    areas = [a for a in areas if a in recruiting]
    units = _registry_units(request)
    for area, role, kind, rnd in planned_forms(structure, roles, areas, plan):
        only = units if role == PEDAGOGICAL_LEADER and kind != "vacancies" else None
        yield PlannedDocument(
            form_filename(area, role, kind, rnd),
            build=lambda a=area, r=role, k=kind, n=rnd, o=only: build_form(
                structure, a, r, k, n, plan, only_units=o
            ),
        )


def _registry_units(request: GenerateRequest) -> set[str] | None:
    """--set register=FILE [--set dato=]: pedagogical-leader forms list the open positions."""
    import datetime as dt
    from pathlib import Path

    from docauto.office.filters import to_date
    from docauto.recruitment.openpositions import open_units

    if not request.options.get("register"):
        return None
    raw = request.options.get("dato")
    as_of = to_date(raw) if raw else dt.date.today()
    path = Path(str(request.options["register"]))
    return {u.id for u in open_units(request.structure, path, as_of)}


@hookimpl
def docauto_kinds() -> list[Kind]:
    return [
        Kind(
            name="registreringsskemaer",
            description="Registreringsskemaer (.xlsx) pr. område og indsendelse: ansøgere, "
            "kandidater, ikke besatte, ansættelser, vakante stillinger",
            fields=tuple(sorted({c for cols in FORM_COLUMNS.values() for c, _ in cols})),
            planner=_plan,
        )
    ]
