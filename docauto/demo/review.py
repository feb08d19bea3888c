"""The review's part of ``docauto demo``: schedule and .ics files, invitations, minutes forms,
an example of finished minutes from notes, the criteria report, action plans and fact sheets."""

from __future__ import annotations

from docauto.demo.municipality import DemoContext, DemoStep
from docauto.hookspecs import hookimpl


def _generate(kind_name: str, ctx: DemoContext, folder: str, data=None, options=None):
    from docauto.generate import generate_documents
    from docauto.kinds import GenerateRequest
    from docauto.plugins import get_kind

    request = GenerateRequest(structure=ctx.structure, data=data, options=options or {})
    return generate_documents(get_kind(kind_name), request, ctx.out_dir / folder, pdf=ctx.pdf)


def run(ctx: DemoContext) -> list[str]:
    from docauto.output import atomic_write
    from docauto.resources import data_dir
    from docauto.review.criteria import check_all, write_report_workbook

    review = "strukturgennemgang"
    lines = []
    plan_input = data_dir() / "demo" / "strukturgennemgang-planlaegning.yaml"
    plan = _generate("mødeplan", ctx, review, data=plan_input)
    workbook = ctx.out_dir / review / "mødeplan.xlsx"
    lines.append(
        f"{len(plan.paths) - 1} review meetings planned (blocked dates from {plan_input.name}) -> {workbook} and "
        f"{ctx.out_dir / review / 'kalender'} (.ics)"
    )
    inv = _generate("dagsorden", ctx, f"{review}/invitationer", data=workbook)
    lines.append(
        f"{len(inv.paths)} invitations with agenda -> {ctx.out_dir / review / 'invitationer'}"
    )
    forms = _generate("referatskabelon", ctx, f"{review}/referatskabeloner", data=workbook)
    lines.append(
        f"{len(forms.paths)} minutes forms -> {ctx.out_dir / review / 'referatskabeloner'}"
    )
    notes = data_dir() / "demo" / "strukturgennemgang-noter.yaml"
    minutes = _generate(
        "referat", ctx, f"{review}/referater", data=notes, options={"mødeplan": str(workbook)}
    )
    lines.append(f"example minutes from notes -> {', '.join(str(p) for p in minutes.paths)}")
    results = check_all(ctx.structure)
    report = ctx.out_dir / review / "kriterietjek.xlsx"
    atomic_write(report, write_report_workbook(results))
    bad = [r.cluster.id for r in results if not r.ok]
    lines.append(
        f"criteria check: {len(results)} checked, {len(bad)} with deviations "
        f"({', '.join(bad) or 'none'}) -> {report}"
    )
    plans = _generate("handleplan", ctx, "handleplaner")
    lines.append(f"{len(plans.paths)} action-plan skeletons -> {ctx.out_dir / 'handleplaner'}")
    sheets = _generate("faktaark", ctx, "faktaark")
    lines.append(f"{len(sheets.paths)} fact sheets for parents -> {ctx.out_dir / 'faktaark'}")
    ctx.shared["review_schedule"] = workbook
    return lines


@hookimpl
def docauto_demo_steps():
    return [DemoStep(name="review", order=60, run=run)]
