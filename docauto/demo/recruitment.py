"""The recruitment's part of ``docauto demo``: job ads, committee letters (one committee breaks
the rule on purpose and is reported), registration forms, and PDFs when asked."""

from __future__ import annotations

from pathlib import Path

from docauto.demo.municipality import DemoContext, DemoStep
from docauto.hookspecs import hookimpl

FOLDER = "rekruttering"


def _generate(kind_name: str, ctx: DemoContext, folder: Path, **request_args):
    from docauto.generate import generate_documents
    from docauto.kinds import GenerateRequest
    from docauto.plugins import get_kind

    request = GenerateRequest(structure=ctx.structure, **request_args)
    # PDFs are made once at the end, in one LibreOffice process for everything.
    return generate_documents(get_kind(kind_name), request, folder, pdf=False)


def run(ctx: DemoContext) -> list[str]:
    from docauto.datafiles import read_data
    from docauto.errors import ConfigError
    from docauto.resources import data_dir

    demo = data_dir() / "demo"
    out = ctx.out_dir / FOLDER
    lines: list[str] = []
    written: list[Path] = []

    ads = _generate(
        "stillingsopslag",
        ctx,
        out / "stillingsopslag",
        data=demo / "udfordringer.yaml",
        options={"rolle": "klyngeleder"},
    )
    vacant = read_data(demo / "rekruttering.yaml", error=ConfigError)["vakante_enheder"]
    ped = _generate(
        "stillingsopslag",
        ctx,
        out / "stillingsopslag",
        only=tuple(vacant),
        data=demo / "udfordringer.yaml",
        options={"rolle": "paedagogisk_leder"},
    )
    written += ads.paths + ped.paths
    lines.append(
        f"{len(ads.paths)} cluster-leader and {len(ped.paths)} pedagogical-leader job ads "
        f"-> {out / 'stillingsopslag'}"
    )

    letters = _generate(
        "udpegningsbreve",
        ctx,
        out / "udpegningsbreve",
        data=demo / "vurderingsudvalg.yaml",
    )  # dated by the plan for each role
    written += letters.paths
    overviews = sum(1 for p in letters.paths if p.name.endswith("-oversigt.docx"))
    lines.append(
        f"{len(letters.paths) - overviews} appointment letters and {overviews} committee "
        f"overviews -> {out / 'udpegningsbreve'}"
    )
    if letters.report:
        lines.append("refused on purpose (the demo file has one committee that breaks the rule):")
        lines.extend(f"  {line}" for line in letters.report)

    forms = _generate("registreringsskemaer", ctx, out / "registreringsskemaer")
    written += forms.paths
    lines.append(f"{len(forms.paths)} registration forms (.xlsx) -> {out / 'registreringsskemaer'}")

    if ctx.pdf:
        from docauto.office.pdf import convert_to_pdf

        pdfs = convert_to_pdf(written, out)
        lines.append(f"{len(pdfs)} PDFs beside the documents (LibreOffice, many files per run)")
    ctx.shared["recruitment"] = {
        "ads": ads.paths + ped.paths,
        "letters": letters.paths,
        "forms": forms.paths,
        "folder": out,
    }
    return lines


@hookimpl
def docauto_demo_steps() -> list[DemoStep]:
    return [DemoStep(name="recruitment", order=20, run=run)]
