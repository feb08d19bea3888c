"""The letters' and meetings' part of ``docauto demo`` (issue 14), on the demo registry: the
meetings across areas with the 04.11 case list, acknowledgements, applicant lists, an
interview plan filled in as an area would and the invitations from it, the senior-arrangement
forms, rejections and appointment letters, and the re-advertisement (which sets positions to Genopslag, so it runs
last, on a copy of the registry)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from docauto.demo.municipality import DemoContext, DemoStep
from docauto.hookspecs import hookimpl

FOLDER = "breve"
# The days each document is made on in the recruitment of 2010.
ACKNOWLEDGED = "2010-10-16"
INTERVIEWS_PLANNED = "2010-10-16"
APPOINTED = "2010-12-02"
# The Monday after round 1's deadline: the positions not filled go to round 2 (Bilag 7).
READVERTISED = "2010-10-25"


def _generate(ctx: DemoContext, kind: str, folder: Path, data: Path | None, **options: str):
    from docauto.generate import generate_documents
    from docauto.kinds import GenerateRequest
    from docauto.plugins import get_kind

    request = GenerateRequest(structure=ctx.structure, data=data, options=options)
    return generate_documents(get_kind(kind), request, folder, pdf=False)


def _workday(first_day: dt.date, n: int) -> dt.date:
    """The n-th working day (Monday to Friday) from first_day, counting from 0."""
    day = first_day
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    for _ in range(n):
        day += dt.timedelta(days=1)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
    return day


def fill_interview_plan(path: Path, first_day: dt.date, area_index: int = 0, areas: int = 1) -> int:
    """Fill Dato, Tidspunkt and Sted as an area would: one hour each from 9.00 in the area's
    own office, the candidates of one position on one day, the next position on the area's
    next day. Each area has its own days (area i takes working days i, i + areas, ...), so a
    person who applied in two areas is never called to two interviews at the same time."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["Samtaler"]
    position_no, slot, last, filled = -1, 0, None, 0
    for row in ws.iter_rows(min_row=5):
        if row[5].value in (None, ""):
            continue
        position = (row[3].value, row[4].value)
        if position != last:
            position_no, slot = position_no + 1, 0
        last = position
        day = _workday(first_day, area_index + position_no * max(areas, 1))
        row[7].value = dt.datetime.combine(day, dt.time())
        row[8].value = f"{9 + slot:02d}:00"
        row[9].value = f"Områdekontoret i {row[1].value}, mødelokale 2"
        slot, filled = slot + 1, filled + 1
    wb.save(path)
    return filled


def run(ctx: DemoContext) -> list[str]:
    registry = ctx.shared.get("registry")
    if registry is None:
        return ["skipped: no registry (the registry step did not run)"]
    registry = Path(registry)
    out = ctx.out_dir / FOLDER
    lines: list[str] = []
    made: dict[str, list[Path]] = {}

    def step(kind: str, sub: str, data: Path | None = registry, **options: str) -> list[Path]:
        result = _generate(ctx, kind, out / sub, data, **options)
        made[kind] = result.paths
        lines.append(f"{kind}: {len(result.paths)} files -> {out / sub}")
        lines.extend(f"  {line}" for line in result.report)
        return result.paths

    step("omraademoeder", "omraademoeder", brevdato="2010-09-30")
    step("ansoegningskvitteringer", "kvitteringer", dato=ACKNOWLEDGED)
    step("ansoegerfortegnelser", "ansoegerfortegnelser", dato=ACKNOWLEDGED)
    plans = step("samtaleplaner", "samtaleplaner", dato=INTERVIEWS_PLANNED, runde="1")
    filled = sum(
        fill_interview_plan(p, dt.date(2010, 10, 18), i, len(plans)) for i, p in enumerate(plans)
    )
    lines.append(f"  the plans filled in as an area would ({filled} interviews from 18.10)")
    step(
        "samtaleindkaldelser",
        "samtaleindkaldelser",
        dato=INTERVIEWS_PLANNED,
        samtaler=str(out / "samtaleplaner"),
    )
    step("seniorskemaer", "seniorordning", data=None)
    step("afslagsbreve", "afslag", dato=APPOINTED)
    step("ansaettelsesbreve", "ansaettelser", dato=APPOINTED)
    # HR's working copy of the registry is no letter to send: it goes beside the registry.
    copy = ctx.out_dir / "hr" / "genopslag" / "register-genopslag.xlsx"
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(registry, copy)
    from docauto.resources import data_dir

    # The new ads carry the area chiefs' own texts, as the first ads did.
    texts = data_dir() / "demo" / "udfordringer.yaml"
    step("stillingsopslag", "genopslag", data=texts, genopslag=str(copy), dato=READVERTISED)
    if ctx.pdf:
        from docauto.office.pdf import convert_to_pdf

        docs = [p for paths in made.values() for p in paths if p.suffix == ".docx"]
        pdfs = convert_to_pdf(docs, out)
        lines.append(f"{len(pdfs)} PDFs beside the documents")
    ctx.shared["letters"] = made
    return lines


@hookimpl
def docauto_demo_steps() -> list[DemoStep]:
    return [DemoStep(name="letters", order=75, run=run)]
