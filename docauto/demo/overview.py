"""Built-in plugin: the overview's part of ``docauto demo`` — status, deadlines, reminders and
HR's report on the demo registry, as of a day in the recruitment when several deadlines have
passed (so the demo shows conflicts, missing submissions and reminders)."""

from __future__ import annotations

import datetime as dt
import json

from docauto.demo.municipality import DemoContext, DemoStep
from docauto.hookspecs import hookimpl

DEMO_AS_OF = dt.date(2010, 12, 2)


def run_demo(ctx: DemoContext) -> list[str]:
    from docauto.output import Writer
    from docauto.recruitment.timeline import load_timeline
    from docauto.registry.config import load_overview_settings
    from docauto.registry.data import RegistryView
    from docauto.registry.remind import build_reminders
    from docauto.registry.report import build_workbook, render_word, report_context
    from docauto.registry.status import build_status

    registry = ctx.shared.get("registry")
    if registry is None:
        return ["skipped: no registry (the registry step did not run)"]
    plan, settings = load_timeline(), load_overview_settings()
    view = RegistryView.load(registry)
    status = build_status(view, ctx.structure, plan, settings, DEMO_AS_OF)
    ctx_report = report_context(status, view, ctx.structure, plan, settings)
    out = ctx.out_dir / "hr"
    writer = Writer(out)
    writer.write(
        "status.json", json.dumps(status.as_json(), ensure_ascii=False, indent=2).encode("utf-8")
    )
    xlsx = writer.write("oversigt.xlsx", build_workbook(ctx_report))
    docx = writer.write("oversigt.docx", render_word(ctx_report))
    reminders = build_reminders(status.owed, ctx.structure, plan)
    mails = Writer(out / "paamindelser")
    for r in reminders:
        mails.write(r.filename, bytes(r.message))
    lines = [
        f"status as of {DEMO_AS_OF}: {sum(sum(c.values()) for a in status.positions.values() for c in a.values())} "
        f"positions, {len(status.conflicts)} conflicts, {len(status.missing)} missing submissions "
        f"-> {out / 'status.json'}",
        f"HR report -> {xlsx} (with chart) and {docx}",
        f"{len(reminders)} reminder drafts (.eml, form attached) -> {out / 'paamindelser'}",
    ]
    if ctx.pdf:
        from docauto.office.pdf import convert_to_pdf

        pdfs = convert_to_pdf([docx], out)
        lines.append(f"{len(pdfs)} PDF of the report beside it")
    ctx.shared["overview"] = {"report": [xlsx, docx], "reminders": mails.written}
    return lines


@hookimpl
def docauto_demo_steps() -> list[DemoStep]:
    return [DemoStep(name="overview", order=70, run=run_demo)]
