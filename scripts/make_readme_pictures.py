"""Make the README's pictures: the first page of a job ad and of an appointment letter.

    .venv/bin/python scripts/make_readme_pictures.py

Runs the demo's recruitment step into a temporary folder, converts one job ad and one
appointment letter to PDF with LibreOffice and renders their first pages to PNG in docs/img/
with pdftoppm (poppler-utils). Run it again after changing the house style.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from docauto.cli import cli
from docauto.office.pdf import convert_to_pdf

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"
PICTURES = {  # picture name -> document of the demo
    "stillingsopslag": "rekruttering/stillingsopslag/stillingsopslag-klyngeleder-K001.docx",
    "udpegningsbrev": "rekruttering/udpegningsbreve/udpegningsbrev-K001-medarbejderrepraesentant-1.docx",
}
DPI = 70


def main() -> int:
    if not shutil.which("pdftoppm"):
        print("pdftoppm not found: install poppler-utils", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "demo"
        result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--only", "recruitment"])
        if result.exit_code != 0:
            print(result.output, file=sys.stderr)
            return 1
        stage = Path(tmp) / "pdf"
        stage.mkdir()
        sources = []
        for name, rel in PICTURES.items():
            target = stage / f"{name}.docx"
            shutil.copy(out / rel, target)
            sources.append(target)
        IMG.mkdir(parents=True, exist_ok=True)
        for pdf in convert_to_pdf(sources, stage):
            png = IMG / pdf.stem  # pdftoppm adds .png
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile",
                 str(pdf), str(png)],
                check=True,
            )  # fmt: skip
            print(png.with_suffix(".png").relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
