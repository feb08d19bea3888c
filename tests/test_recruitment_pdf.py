"""PDF through LibreOffice: finding it, one run for many files, checks, and real conversions."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from docauto.cli import cli
from docauto.errors import ConfigError, OutputError
from docauto.office.pdf import convert_to_pdf, find_soffice, require_soffice

posix_only = pytest.mark.skipif(os.name != "posix", reason="the fake soffice is a shell script")

# A stand-in for soffice: logs its arguments, then writes a PDF for (at most MAX) files.
FAKE = """#!{python}
import os, sys, time
from pathlib import Path
args = sys.argv[1:]
Path(os.environ["FAKE_LOG"]).open("a").write(repr(args) + "\\n")
time.sleep(float(os.environ.get("FAKE_SLEEP", "0")))
out = Path(args[args.index("--outdir") + 1])
files = args[args.index("--outdir") + 2:]
for f in files[: int(os.environ.get("FAKE_MAX", "1000"))]:
    (out / (Path(f).stem + ".pdf")).write_bytes(b"%PDF-1.4 fake")
"""


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    path = tmp_path / "bin" / "soffice"
    path.parent.mkdir()
    path.write_text(FAKE.format(python=sys.executable), encoding="utf-8")
    path.chmod(0o755)
    log = tmp_path / "calls.log"
    monkeypatch.setenv("DOCAUTO_SOFFICE", str(path))
    monkeypatch.setenv("FAKE_LOG", str(log))
    return log


def _inputs(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"dok-{i}.docx" for i in range(n)]
    for p in paths:
        p.write_bytes(b"x")
    return paths


def test_env_override_and_missing_libreoffice(tmp_path, monkeypatch):
    exe = tmp_path / "soffice.exe"
    exe.write_bytes(b"")
    monkeypatch.setenv("DOCAUTO_SOFFICE", str(exe))
    assert find_soffice() == exe
    monkeypatch.setenv("DOCAUTO_SOFFICE", str(tmp_path / "nope"))
    assert find_soffice() is None
    with pytest.raises(ConfigError, match="LibreOffice findes ikke"):
        require_soffice()
    monkeypatch.delenv("DOCAUTO_SOFFICE")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(sys, "platform", "linux")
    assert find_soffice() is None
    with pytest.raises(ConfigError, match="LibreOffice findes ikke"):
        convert_to_pdf(_inputs(tmp_path / "in", 1), tmp_path / "out")


def test_generate_pdf_without_libreoffice_says_so_and_writes_nothing(
    rec_structure_path, tmp_path, monkeypatch
):
    monkeypatch.setenv("DOCAUTO_SOFFICE", str(tmp_path / "no-soffice"))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            "stillingsopslag",
            "--structure",
            str(rec_structure_path),
            "--out",
            str(out),
            "--pdf",
            "--set",
            "standardtekst=ja",
        ],
    )
    assert result.exit_code == 2
    assert "LibreOffice findes ikke" in result.output and "DOCAUTO_SOFFICE" in result.output
    assert not out.exists()


@posix_only
def test_one_process_with_own_profile_for_many_files(tmp_path, fake_soffice):
    src = _inputs(tmp_path / "out" / "breve", 5)
    pdfs = convert_to_pdf(src, tmp_path / "out", jobs=1)
    assert pdfs == [tmp_path / "out" / "breve" / f"dok-{i}.pdf" for i in range(5)]
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    calls = fake_soffice.read_text().splitlines()
    assert len(calls) == 1
    args = eval(calls[0])
    assert args[0].startswith("-env:UserInstallation=file:///")
    assert "--headless" in args and args[args.index("--convert-to") + 1] == "pdf"
    assert args[-5:] == [str(p) for p in src]
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".docauto-pdf")]


@posix_only
def test_files_are_shared_between_parallel_processes(tmp_path, fake_soffice):
    src = _inputs(tmp_path / "in", 7)
    pdfs = convert_to_pdf(src, tmp_path / "out", jobs=2)
    assert [p.name for p in pdfs] == [f"dok-{i}.pdf" for i in range(7)]
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    calls = [eval(line) for line in fake_soffice.read_text().splitlines()]
    assert len(calls) == 2
    profiles = {c[0] for c in calls}
    assert len(profiles) == 2  # each process its own LibreOffice profile
    converted = sorted(a for c in calls for a in c if a.endswith(".docx"))
    assert converted == sorted(str(p) for p in src)  # every file once, none twice


@posix_only
def test_a_run_that_stops_early_is_retried_once(tmp_path, fake_soffice, monkeypatch):
    monkeypatch.setenv("FAKE_MAX", "2")
    pdfs = convert_to_pdf(_inputs(tmp_path / "in", 3), tmp_path / "out", jobs=1)
    assert [p.name for p in pdfs] == ["dok-0.pdf", "dok-1.pdf", "dok-2.pdf"]
    assert len(fake_soffice.read_text().splitlines()) == 2
    monkeypatch.setenv("FAKE_MAX", "1")
    with pytest.raises(OutputError, match="LibreOffice lavede ingen PDF af dok-2.docx"):
        convert_to_pdf(_inputs(tmp_path / "in2", 3), tmp_path / "out2", jobs=1)
    assert not (tmp_path / "out2" / "dok-0.pdf").exists()  # nothing half-done


@posix_only
def test_timeout(tmp_path, fake_soffice, monkeypatch):
    monkeypatch.setenv("FAKE_SLEEP", "30")
    with pytest.raises(OutputError, match="svarede ikke inden for 1 sekunder"):
        convert_to_pdf(_inputs(tmp_path / "in", 1), tmp_path / "out", timeout=1)


def test_two_sources_one_pdf_name_is_refused(tmp_path, monkeypatch):
    exe = tmp_path / "soffice"
    exe.write_bytes(b"")
    monkeypatch.setenv("DOCAUTO_SOFFICE", str(exe))
    (tmp_path / "a.docx").write_bytes(b"x")
    (tmp_path / "a.xlsx").write_bytes(b"x")
    with pytest.raises(OutputError, match="ville begge blive til"):
        convert_to_pdf([tmp_path / "a.docx", tmp_path / "a.xlsx"], tmp_path)


@pytest.mark.libreoffice
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_opens_every_generated_docx_and_xlsx(rec_structure_path, tmp_path, monkeypatch):
    from conftest_recruitment import committee_rows, write_committees

    monkeypatch.delenv("DOCAUTO_SOFFICE", raising=False)
    data = write_committees(tmp_path / "u.yaml", committee_rows("K001"))
    out = tmp_path / "out"
    runs = [
        [
            "stillingsopslag",
            "--set",
            "rolle=begge",
            "--set",
            "standardtekst=ja",
            "--only",
            "K001",
            "--out",
            str(out / "ads"),
        ],
        ["udpegningsbreve", "--data", str(data), "--out", str(out / "letters")],
        ["registreringsskemaer", "--area", "Amager", "--out", str(out / "forms")],
    ]
    for args in runs:
        result = CliRunner().invoke(
            cli, ["generate", *args, "--structure", str(rec_structure_path)]
        )
        assert result.exit_code == 0, result.output
    sources = sorted(p for p in out.rglob("*") if p.suffix in (".docx", ".xlsx"))
    assert len(sources) == 4 + 8 + 8  # the chair gets the overview, not a letter
    pdfs = convert_to_pdf(sources, out)
    for src, pdf in zip(sources, pdfs, strict=True):
        assert pdf == src.with_suffix(".pdf")
        blob = pdf.read_bytes()
        assert blob.startswith(b"%PDF") and b"/Type /Page" in blob.replace(
            b"/Type/Page", b"/Type /Page"
        )
    # --pdf through the command as well.
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            "stillingsopslag",
            "--structure",
            str(rec_structure_path),
            "--out",
            str(tmp_path / "one"),
            "--only",
            "K002",
            "--pdf",
            "--set",
            "standardtekst=ja",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "one" / "stillingsopslag-klyngeleder-K002.pdf").read_bytes()[:4] == b"%PDF"
