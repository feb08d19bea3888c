"""The review's part of ``docauto demo``: schedule and .ics files, the information meetings per
area, the administration's proposals and the joint-input forms, invitations, minutes forms,
an example of finished minutes from notes, the criteria report, and the 2010 action plans and
fact sheets (dated, naming only the leaders the demo registry had hired by their date)."""

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
    info = _generate("informationsmøde", ctx, f"{review}/informationsmøder")
    lines.append(
        f"{len(info.paths)} information-meeting invitations (one per area) -> "
        f"{ctx.out_dir / review / 'informationsmøder'}"
    )
    proposals = _generate("udspil", ctx, f"{review}/udspil")
    lines.append(f"{len(proposals.paths)} proposals (udspil) -> {ctx.out_dir / review / 'udspil'}")
    joint = _generate("fællesoplæg", ctx, f"{review}/fælles-oplæg")
    lines.append(f"{len(joint.paths)} joint-input forms -> {ctx.out_dir / review / 'fælles-oplæg'}")
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
    bad = [r.cluster.id for r in results if r.deviations]
    talk = [r.cluster.id for r in results if not r.deviations and not r.ok]
    lines.append(
        f"criteria check: {len(results)} checked, {len(bad)} with deviations "
        f"({', '.join(bad) or 'none'}), {len(talk)} needing discussion "
        f"({', '.join(talk) or 'none'}) -> {report}"
    )
    # The 2010 documents name a leader only when the registry has the hire by their date.
    dated = {"register": str(ctx.shared["registry"])} if ctx.shared.get("registry") else {}
    plans = _generate("handleplan", ctx, "handleplaner", options=dated)
    lines.append(f"{len(plans.paths)} action-plan skeletons -> {ctx.out_dir / 'handleplaner'}")
    sheets = _generate("faktaark", ctx, "faktaark", options=dated)
    lines.append(f"{len(sheets.paths)} fact sheets for parents -> {ctx.out_dir / 'faktaark'}")
    ctx.shared["review_schedule"] = workbook
    return lines


@hookimpl
def docauto_demo_steps():
    # After the registry step (60): the 2010 documents read its hires.
    return [DemoStep(name="review", order=62, run=run)]
