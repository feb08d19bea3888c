"""HR's overview report: the same content as a workbook (with a chart of the status per area)
and as a Word document (templates/hr-oversigt.docx): positions filled and unfilled per area,
the re-advertisement list, the conflicts, what areas still owe, the final distribution for the
area chiefs, and the announcement of the hires for the intranet (KKnet).

``report_context`` collects everything once; ``build_workbook`` and ``render_word`` are pure
(context in, bytes out).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from docauto.registry import schema
from docauto.registry.data import RegistryView, norm, text, to_date
from docauto.registry.deadlines import STATE_LABEL, Owed

if TYPE_CHECKING:
    from docauto.recruitment.timeline import RecruitmentPlan
    from docauto.registry.config import OverviewSettings
    from docauto.registry.status import Status
    from docauto.structure.model import Structure

TEMPLATE = "hr-oversigt.docx"
STATUS_SHORT = {
    schema.OPSLAAET: "Opslået",
    schema.ANSOEGERE: "Ansøgere registreret",
    schema.KANDIDAT: "Kandidat indstillet",
    schema.BESAT: "Besat",
    schema.IKKE_BESAT: "Ikke besat",
    schema.GENOPSLAG: "Genopslag",
}
# Chart colours per status (what a reader expects: green filled, red not filled).
STATUS_COLOURS = {
    schema.OPSLAAET: "BFBFBF",
    schema.ANSOEGERE: "9DC3E6",
    schema.KANDIDAT: "FFD966",
    schema.BESAT: "70AD47",
    schema.IKKE_BESAT: "E06666",
    schema.GENOPSLAG: "C55A11",
}


def format_deadlines(owed: list[Owed], as_of: dt.date) -> str:
    """`docauto deadlines` as text: per area, overdue first."""
    from docauto.office.filters import dato, dato_kort

    if not owed:
        return (
            f"Pr. {dato(as_of)} skylder ingen områder en indsendelse med frist inden for perioden."
        )
    lines = [f"Frister pr. {dato(as_of)}"]
    areas: dict[str, list[Owed]] = {}
    for o in owed:
        areas.setdefault(o.area, []).append(o)
    for area, items in areas.items():
        lines += ["", area]
        for o in sorted(items, key=lambda o: (o.deadline, o.role)):
            when = (
                f"{-o.days_left} dage over fristen"
                if o.days_left < 0
                else "fristen er i dag"
                if o.days_left == 0
                else f"{o.days_left} dage tilbage"
            )
            lines.append(
                f"  {STATE_LABEL[o.state]:<11} {dato_kort(o.deadline)}  {o.subject}  ({when})"
            )
            for p in o.positions:
                lines.append(f"              - {p}")
    return "\n".join(lines)


def _readvertise(
    view: RegistryView, plan: RecruitmentPlan, settings: OverviewSettings, as_of: dt.date
) -> list[dict[str, str]]:
    from docauto.registry.readvertise import to_readvertise

    return [
        {
            "stillingstype": schema.ROLE_LABEL.get(r.position.role, r.position.role),
            "omraade": r.position.area,
            "klynge": r.position.cluster,
            "enhed": r.position.unit,
            "status": r.position.status,
            "aarsag": r.reason,
        }
        for r in to_readvertise(view, plan, settings, as_of)
    ]


def _hires(view: RegistryView, structure: Structure | None) -> list[dict[str, Any]]:
    """The final distribution: every hire (latest row per position wins), area by area."""
    from docauto.registry.data import role_of

    latest: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for r in view.rows(schema.HIRES):
        role = role_of(r.get("Stillingstype")) or ""
        key = (role, norm(r.get("Område")), norm(r.get("Klynge")), norm(r.get("Enhed")))
        latest[key] = {
            "rolle": role,
            "stillingstype": schema.ROLE_LABEL.get(role, text(r.get("Stillingstype"))),
            "omraade": text(r.get("Område")),
            "klynge": text(r.get("Klynge")),
            "enhed": text(r.get("Enhed")),
            "navn": text(r.get("Navn")),
            "email": text(r.get("E-mail")).lower(),
            "tiltraeder": to_date(r.get("Tiltrædelsesdato")),
        }
    order = {name: i for i, name in enumerate(structure.areas)} if structure else {}
    return sorted(
        latest.values(),
        key=lambda h: (
            order.get(h["omraade"], len(order)),
            h["omraade"],
            h["rolle"],
            h["klynge"],
            h["enhed"],
        ),
    )


def report_context(
    status: Status,
    view: RegistryView,
    structure: Structure | None,
    plan: RecruitmentPlan,
    settings: OverviewSettings,
) -> dict[str, Any]:
    """Everything the report shows, as plain data (Danish keys: the Word template uses them)."""
    from docauto.office.filters import dato

    view = view.at(status.as_of)
    roller = []
    for role, areas in status.positions.items():
        rows = []
        for area, counts in areas.items():
            rows.append(
                {
                    "omraade": area,
                    **{_key(s): counts.get(s, 0) for s in schema.STATUSES},
                    "i_alt": sum(counts.values()),
                }
            )
        total = {_key(s): sum(c.get(s, 0) for c in areas.values()) for s in schema.STATUSES}
        roller.append(
            {
                "rolle": role,
                "titel": schema.ROLE_LABEL.get(role, role),
                "omraader": rows,
                "i_alt": {**total, "i_alt": sum(total.values())},
            }
        )
    positions = sorted(
        view.positions(),
        key=lambda p: (p.area.casefold(), p.role or "", p.cluster.casefold(), p.unit.casefold()),
    )
    stillinger = [
        {
            "stillingstype": schema.ROLE_LABEL.get(p.role or "", p.role or ""),
            "omraade": p.area,
            "klynge": p.cluster,
            "enhed": p.unit,
            "status": p.status,
            "ansat": p.hired,
            "besat": p.status == schema.BESAT,
            "aarsag": p.reason,
        }
        for p in positions
    ]
    hires = _hires(view, structure)
    fordeling = []
    for h in hires:
        if not fordeling or fordeling[-1]["omraade"] != h["omraade"]:
            fordeling.append({"omraade": h["omraade"], "ansatte": []})
        fordeling[-1]["ansatte"].append(
            {**h, "tiltraeder": dato(h["tiltraeder"]) if h["tiltraeder"] else ""}
        )
    meddelelse, mangler_ansaettelser = _announcement(view, structure, hires, status.as_of)
    return {
        "dato": dato(status.as_of),
        "as_of": status.as_of,
        "aar": plan.year,
        "ikrafttraeden": dato(plan.structure_start) if plan.structure_start else "",
        "roller": roller,
        "stillinger": stillinger,
        "besatte": sum(1 for s in stillinger if s["besat"]),
        "ubesatte": sum(1 for s in stillinger if not s["besat"]),
        "genopslag": _readvertise(view, plan, settings, status.as_of),
        "konflikter": [
            {
                "runde": c.round,
                "kandidat": c.candidate,
                "email": c.email,
                "omraader": ", ".join(c.areas),
                "steder": "; ".join(
                    f"{a}: {k}"
                    + (f", {u}" if u else "")
                    + (f" (prioritet {p})" if p not in (None, "") else "")
                    for a, k, u, p in c.places
                ),
            }
            for c in status.conflicts
        ],
        "mangler": [
            {
                "omraade": o.area,
                "stillingstype": schema.ROLE_LABEL.get(o.role, o.role),
                "emne": o.subject,
                "frist": dato(o.deadline),
                "tilstand": STATE_LABEL[o.state],
                "stillinger": ", ".join(o.positions),
            }
            for o in status.owed
            if o.state in ("overdue", "due")
        ],
        "fordeling": fordeling,
        "meddelelse": meddelelse,
        # Why the announcement is not offered yet: per role, the areas whose hires are missing.
        "meddelelse_mangler": mangler_ansaettelser,
    }


def _hires_final(
    view: RegistryView, structure: Structure | None, role: str, as_of: dt.date
) -> list[str]:
    """The areas with positions of the role that have not sent their hires by the date."""
    areas = []
    for p in view.positions():
        if p.role == role and p.area and p.area not in areas:
            areas.append(p.area)
    sent = {
        norm(a)
        for r in view.received(structure)
        if r.role == role and r.kind == "hires" and (r.when is None or r.when <= as_of)
        for a in r.areas
    }
    return [a for a in areas if norm(a) not in sent]


def _announcement(
    view: RegistryView, structure: Structure | None, hires: list[dict[str, Any]], as_of: dt.date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The KKnet announcement, per role, once the hires are final: every area with positions
    of the role has sent its hires (the seed's 'overview of hires'). Until then the role is
    left out and named with the areas still missing, so no one announces 6 of 66."""
    groups, waiting = [], []
    for role in schema.ROLE_LABEL:
        people = [h for h in hires if h["rolle"] == role]
        missing_areas = _hires_final(view, structure, role, as_of)
        if missing_areas:
            if people or any(p.role == role for p in view.positions()):
                waiting.append({"titel": _plural(role), "omraader": ", ".join(missing_areas)})
            continue
        if people:
            groups.append(
                {
                    "titel": _plural(role),
                    "ansatte": [
                        {
                            "tekst": f"{h['navn']}, {h['klynge']}"
                            + (f", {h['enhed']}" if h["enhed"] else "")
                            + f" ({h['omraade']})"
                        }
                        for h in people
                    ],
                }
            )
    return groups, waiting


def _key(status: str) -> str:
    return {
        schema.OPSLAAET: "opslaaet",
        schema.ANSOEGERE: "ansoegere",
        schema.KANDIDAT: "kandidat",
        schema.BESAT: "besat",
        schema.IKKE_BESAT: "ikke_besat",
        schema.GENOPSLAG: "genopslag",
    }[status]


def _plural(role: str) -> str:
    return {"cluster_leader": "Klyngeledere", "pedagogical_leader": "Pædagogiske ledere"}.get(
        role, role
    )


# --- the workbook ---------------------------------------------------------------------------


def _header_row(
    sheet: Any, row: int, names: list[str], widths: dict[int, int] | None = None
) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from docauto.office.housestyle import wrap_header
    from docauto.registry.workbook import set_cell

    head_font = Font(bold=True, color="FFFFFFFF")
    head_fill = PatternFill("solid", start_color="FF1F4E78")
    for j, name in enumerate(names, start=1):
        c = sheet.cell(row=row, column=j)
        set_cell(c, name)
        c.font, c.fill = head_font, head_fill
        sheet.column_dimensions[get_column_letter(j)].width = (widths or {}).get(j, 18)
    wrap_header(sheet, row)  # "Ansøgere registreret" on two lines, not cut off


def _status_chart(ws: Any, role: dict[str, Any], top: int, last: int) -> None:
    """A stacked bar per area of the role's table (rows top..last), beside it."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.utils import get_column_letter

    statuses = list(schema.STATUSES)
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = f"{role['titel']}: stillinger pr. område efter status"
    chart.y_axis.title = "Stillinger"
    chart.x_axis.title = "Område"
    chart.y_axis.majorGridlines = None
    data = Reference(ws, min_col=2, max_col=len(statuses) + 1, min_row=top, max_row=last)
    cats = Reference(ws, min_col=1, min_row=top + 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    for series, s in zip(chart.series, statuses, strict=True):
        series.graphicalProperties.solidFill = STATUS_COLOURS[s]
        series.graphicalProperties.line.solidFill = STATUS_COLOURS[s]
    # Whole positions on the axis; no data labels (LibreOffice crams them in).
    chart.y_axis.number_format = "0"
    chart.y_axis.majorUnit = 1 if max(a["i_alt"] for a in role["omraader"]) <= 12 else None
    chart.height = 7.5 + 0.4 * (last - top)
    chart.width = 18
    # openpyxl >= 3.1 hides axes unless told otherwise; LibreOffice and Excel agree then.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    ws.add_chart(chart, f"{get_column_letter(len(statuses) + 4)}{top}")


def _status_block(ws: Any, role: dict[str, Any], row: int) -> int:
    """One role's table (areas by status, with totals) and chart from ``row``; returns the
    row where the next role's block starts."""
    from openpyxl.styles import Font

    from docauto.registry.workbook import set_cell

    statuses = list(schema.STATUSES)
    set_cell(ws.cell(row=row, column=1), role["titel"])
    ws.cell(row=row, column=1).font = Font(bold=True, size=12)
    top = row + 1
    _header_row(ws, top, ["Område", *(STATUS_SHORT[s] for s in statuses), "I alt"], {1: 26})
    r = top
    for a in role["omraader"]:
        r += 1
        set_cell(ws.cell(row=r, column=1), a["omraade"])
        for j, s in enumerate(statuses, start=2):
            ws.cell(row=r, column=j, value=a[_key(s)])
        ws.cell(row=r, column=len(statuses) + 2, value=a["i_alt"])
    last = r
    r += 1
    set_cell(ws.cell(row=r, column=1), "I alt")
    ws.cell(row=r, column=1).font = Font(bold=True)
    for j, s in enumerate(statuses, start=2):
        ws.cell(row=r, column=j, value=role["i_alt"][_key(s)]).font = Font(bold=True)
    ws.cell(row=r, column=len(statuses) + 2, value=role["i_alt"]["i_alt"]).font = Font(bold=True)
    if last > top:
        _status_chart(ws, role, top, last)
    return max(r + 3, top + 17)


def _list_sheet(
    wb: Any, title: str, names: list[str], rows: list[list[Any]], widths: dict[int, int]
) -> None:
    """A sheet with a header row and one row per item, filtered and frozen below the header."""
    from openpyxl.utils import get_column_letter

    from docauto.registry.workbook import set_cell

    sheet = wb.create_sheet(title)
    _header_row(sheet, 1, names, widths)
    for i, values in enumerate(rows, start=2):
        for j, v in enumerate(values, start=1):
            cell = sheet.cell(row=i, column=j)
            if isinstance(v, str):
                set_cell(cell, v)
            else:
                cell.value = v
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{max(1, len(rows) + 1)}"


def _list_sheets(wb: Any, ctx: dict[str, Any]) -> None:
    _list_sheet(
        wb,
        "Stillinger",
        ["Stillingstype", "Område", "Klynge", "Enhed", "Status", "Ansat", "Årsag"],
        [
            [
                s["stillingstype"],
                s["omraade"],
                s["klynge"],
                s["enhed"],
                s["status"],
                s["ansat"],
                s.get("aarsag", ""),
            ]
            for s in ctx["stillinger"]
        ],
        {2: 26, 3: 30, 4: 26, 5: 22, 6: 26, 7: 60},
    )
    _list_sheet(
        wb,
        "Genopslag",
        ["Stillingstype", "Område", "Klynge", "Enhed", "Status", "Årsag"],
        [
            [g["stillingstype"], g["omraade"], g["klynge"], g["enhed"], g["status"], g["aarsag"]]
            for g in ctx["genopslag"]
        ],
        {2: 26, 3: 30, 4: 26, 5: 22, 6: 24},
    )
    _list_sheet(
        wb,
        "Konflikter",
        ["Runde", "Kandidat", "E-mail", "Områder", "Indstillet til"],
        [
            [k["runde"], k["kandidat"], k["email"], k["omraader"], k["steder"]]
            for k in ctx["konflikter"]
        ],
        {1: 8, 2: 26, 3: 30, 4: 30, 5: 60},
    )
    _list_sheet(
        wb,
        "Mangler",
        ["Område", "Stillingstype", "Emnefelt", "Frist", "Tilstand", "Stillinger"],
        [
            [
                m["omraade"],
                m["stillingstype"],
                m["emne"],
                m["frist"],
                m["tilstand"],
                m["stillinger"],
            ]
            for m in ctx["mangler"]
        ],
        {1: 22, 3: 50, 4: 20, 6: 50},
    )
    _list_sheet(
        wb,
        "Fordeling",
        ["Område", "Stillingstype", "Klynge", "Enhed", "Navn", "E-mail", "Tiltræder"],
        [
            [
                h["omraade"],
                h["stillingstype"],
                h["klynge"],
                h["enhed"],
                h["navn"],
                h["email"],
                h["tiltraeder"],
            ]
            for a in ctx["fordeling"]
            for h in a["ansatte"]
        ],
        {1: 22, 3: 30, 4: 26, 5: 26, 6: 30, 7: 20},
    )


def build_workbook(ctx: dict[str, Any]) -> bytes:
    """The report as .xlsx: sheet Status with a stacked bar chart per role, then the lists."""
    import openpyxl
    from openpyxl.styles import Font

    from docauto.office.housestyle import workbook_bytes
    from docauto.registry.workbook import set_cell

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Status"
    set_cell(ws.cell(row=1, column=1), f"HR-oversigt pr. {ctx['dato']}")
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    row = 3
    for role in ctx["roller"]:
        row = _status_block(ws, role, row)
    _list_sheets(wb, ctx)
    # Status is a dashboard (tables and charts side by side): one landscape page, no header row.
    return workbook_bytes(
        wb,
        f"HR-oversigt pr. {ctx['dato']}",
        header_rows={"Status": None},
        fit_height={"Status": 1},
    )


# --- the Word document ----------------------------------------------------------------------


def render_word(ctx: dict[str, Any], template: str | None = None) -> bytes:
    from docauto.office.housestyle import render_docx
    from docauto.resources import template_path

    path = template_path(template or TEMPLATE)
    return render_docx(
        path,
        ctx,
        {"docauto.kind": "hr-oversigt", "docauto.dato": ctx["as_of"].isoformat()},
    )
