"""The house style of every generated document (issue 11): A4, letterhead, page numbers, da-DK,
tables that repeat their header and keep rows whole, properties, and workbook print set-up.

One demo run is shared by the module; the PDF checks convert one document of every kind with
LibreOffice and read the result with poppler's pdfinfo/pdftotext, as a recipient would see it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from lxml import etree

from docauto.cli import cli
from docauto.office import housestyle
from docauto.office.docprops import read_custom_properties
from docauto.office.docxtext import docx_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A4 = (11906, 16838)
SENDER = housestyle.sender()

# kind -> (glob in the demo output, fewest pages, most pages)
WORD_KINDS = {
    "stillingsopslag-klyngeleder": (
        "rekruttering/stillingsopslag/stillingsopslag-klyngeleder-*.docx",
        1,
        3,
    ),
    "stillingsopslag-paedagogisk-leder": (
        "rekruttering/stillingsopslag/stillingsopslag-paedagogisk-leder-*.docx",
        1,
        3,
    ),
    "udpegningsbrev": ("rekruttering/udpegningsbreve/udpegningsbrev-*.docx", 1, 1),
    "vurderingsudvalg-oversigt": ("rekruttering/udpegningsbreve/vurderingsudvalg-*.docx", 1, 3),
    "invitation": ("strukturgennemgang/invitationer/*.docx", 1, 2),
    "referatskabelon": ("strukturgennemgang/referatskabeloner/*.docx", 1, 2),
    "referat": ("strukturgennemgang/referater/*.docx", 1, 2),
    "handleplan": ("handleplaner/*.docx", 1, 3),
    "faktaark": ("faktaark/*.docx", 1, 1),
    "hr-oversigt": ("hr/oversigt.docx", 1, 20),
}
WORKBOOKS = {
    "registreringsskema": "rekruttering/registreringsskemaer/*.xlsx",
    "mødeplan": "strukturgennemgang/mødeplan.xlsx",
    "kriterietjek": "strukturgennemgang/kriterietjek.xlsx",
    "hr-oversigt": "hr/oversigt.xlsx",
    "register": "hr/register.xlsx",
    "struktur": "struktur.xlsx",
}
LETTERS_AND_OVERVIEWS = ("udpegningsbrev", "vurderingsudvalg-oversigt", "invitation", "hr-oversigt")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("house") / "demo"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _longest(paths: list[Path]) -> Path:
    """The document of a kind with the most text: the one most likely to run over."""
    return max(paths, key=lambda p: len(docx_text(p.read_bytes()).all))


def _pick(demo: Path, pattern: str) -> Path:
    found = sorted(demo.glob(pattern))
    assert found, pattern
    return _longest(found) if found[0].suffix == ".docx" else found[0]


def _xml(data: bytes, member: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read(member))


# -- the .docx XML ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(WORD_KINDS))
def test_docx_is_a4_danish_with_kept_tables_and_clean_properties(demo: Path, kind: str) -> None:
    path = _pick(demo, WORD_KINDS[kind][0])
    data = path.read_bytes()
    styles = _xml(data, "word/styles.xml")
    default_lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert default_lang.get(f"{W}val") == "da-DK"
    for style in styles.iter(f"{W}style"):
        lang = style.find(f"{W}rPr/{W}lang")
        assert lang is not None and lang.get(f"{W}val") == "da-DK", style.get(f"{W}styleId")
        fonts = style.find(f"{W}rPr/{W}rFonts")
        assert fonts.get(f"{W}ascii") == "Calibri" and fonts.get(f"{W}asciiTheme") is None

    doc = _xml(data, "word/document.xml")
    size = doc.find(f".//{W}sectPr/{W}pgSz")
    assert sorted((int(size.get(f"{W}w")), int(size.get(f"{W}h")))) == sorted(A4)
    assert doc.find(f".//{W}sectPr/{W}titlePg") is not None  # the letterhead page differs

    tables = doc.findall(f"{W}body/{W}tbl")
    data_tables = [t for t in tables if t.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None]
    if kind in LETTERS_AND_OVERVIEWS:
        assert data_tables, f"{kind}: no table with a repeated header row"
    for t in data_tables:
        rows = t.findall(f"{W}tr")
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
        assert t.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
        grid = [int(c.get(f"{W}w")) for c in t.findall(f"{W}tblGrid/{W}gridCol")]
        assert int(t.find(f"{W}tblPr/{W}tblW").get(f"{W}w")) == sum(grid)
        if kind != "referatskabelon":  # its follow-up table's columns are HR's, left equal
            assert len(set(grid)) > 1 or len(grid) == 1, "columns sized to content, not equal"

    core = _xml(data, "docProps/core.xml")
    ns = {"dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/"}
    assert core.findtext("dc:creator", namespaces=ns) == SENDER["forvaltning"]
    assert core.findtext("dc:language", namespaces=ns) == "da-DK"
    assert core.findtext("dc:title", namespaces=ns)
    created = dt.datetime.fromisoformat(core.findtext("dcterms:created", namespaces=ns))
    assert abs(dt.datetime.now(dt.UTC) - created) < dt.timedelta(hours=1)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        props = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("docProps/"))
        assert "docProps/thumbnail.jpeg" not in zf.namelist()
    assert b"python-docx" not in props and b"2013-12-23" not in props
    if kind != "referatskabelon":
        assert read_custom_properties(data).get("docauto.kind")


def test_letter_head_with_case_numbers_and_without(demo: Path, tmp_path: Path) -> None:
    """Sagsnr./Dokumentnr. appear when the data give them and leave no trace when not."""
    from docauto.office.housestyle import render_docx

    ctx = {
        "medlem": {
            "navn": "Ida Holm",
            "sæde_navn": "formand",
            "udpeget_af": "–",
            "uden_stemmeret": False,
        },
        "medlemmer": [],
        "stilling": {"titel": "Klyngeleder", "titel_lille": "klyngeleder", "klynge": "K1"},
        "formand": {"navn": "Ida Holm", "titel": "områdechef"},
        "område": {"navn": "Nord"},
        "ansøgningsfrist": dt.date(2010, 10, 8),
        "samtaleuger": "uge 42",
        "tidsplan": [],
        "brevdato": dt.date(2010, 9, 27),
        "dato": dt.date(2010, 9, 27),
        "modtager": {
            "navn": "Ida Holm",
            "stilling": "Områdechef",
            "adresse": ["Nordvej 1", "2400 Demokommune NV"],
        },
    }
    with_numbers = docx_text(
        render_docx("udpegningsbrev.docx", {**ctx, "sagsnr": "10-2010-1", "dokumentnr": "77"})
    ).all.splitlines()
    assert with_numbers[0] == (
        "Ida Holm / Områdechef / Nordvej 1 / 2400 Demokommune NV | "
        "27. september 2010 / Sagsnr. 10-2010-1 / Dokumentnr. 77"
    )
    without = docx_text(render_docx("udpegningsbrev.docx", ctx)).all.splitlines()
    assert (
        without[0] == "Ida Holm / Områdechef / Nordvej 1 / 2400 Demokommune NV | 27. september 2010"
    )


def test_letterhead_and_logo_come_from_mappings_and_templates(tmp_path: Path, monkeypatch) -> None:
    """Changing the sender or the logo is a file edit: every document follows, no rebuild."""
    from docauto.office.engine import prepare
    from docauto.resources import mappings_dir, templates_dir

    maps, tpls = tmp_path / "mappings", tmp_path / "templates"
    shutil.copytree(mappings_dir(), maps)
    shutil.copytree(templates_dir(), tpls)
    text = (maps / "afsender.yaml").read_text(encoding="utf-8")
    text = text.replace("HR og Rekruttering", "Pladsanvisningen").replace(
        'ean: "5798009800015"', 'ean: ""'
    )
    (maps / "afsender.yaml").write_text(text, encoding="utf-8")
    # A wider logo than the bundled one: 4:1 instead of about 4.4:1.
    wide = _png(400, 100)
    (tpls / "logo.png").write_bytes(wide)
    monkeypatch.setenv("DOCAUTO_MAPPINGS", str(maps))
    monkeypatch.setenv("DOCAUTO_TEMPLATES", str(tpls))

    ctx = {
        "tekst": {
            "titel": "Ny struktur",
            **{k: {"overskrift": k, "tekst": "x"} for k in ("hvad_er", "hvad_sker", "mere")},
            **{k: {"overskrift": k} for k in ("ændres", "uændret")},
        },
        "enhed": {"navn": "Dukkehuset", "leder": None},
        "klynge": {"navn": "K", "ubestemt": "en klynge", "bestemt": "klyngen", "område": "Nord"},
        "andre_enheder": [],
        "områdechef": "Ida",
        "ændres": [],
        "uændret": [],
    }
    ctx["klynge"].update(leder_rolle="Klyngeleder", leder=None)
    data = housestyle.render_docx(tpls / "faktaark.docx", ctx)
    text = docx_text(data)
    headers, footers = "\n".join(text.headers), "\n".join(text.footers)
    assert "Pladsanvisningen" in headers and "HR og Rekruttering" not in headers
    assert "EAN" not in footers and "Tlf. 33 66 33 66" in footers
    slot = housestyle._slot(prepare(tpls / "faktaark.docx"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.read(slot.media) == wide
        header = zf.read(slot.headers[0]).decode()
    assert f'cx="{round(slot.cy * 4)}"' in header  # same height, width of the new picture


def _png(width: int, height: int) -> bytes:
    import struct
    import zlib

    raw = b"".join(b"\x00" + b"\x1f\x4e\x78" * width for _ in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_a_bad_logo_is_a_clear_danish_error(tmp_path: Path, monkeypatch) -> None:
    from docauto.errors import ConfigError
    from docauto.resources import templates_dir

    tpls = tmp_path / "templates"
    shutil.copytree(templates_dir(), tpls)
    (tpls / "logo.png").write_bytes(b"GIF89a not a png")
    monkeypatch.setenv("DOCAUTO_TEMPLATES", str(tpls))
    with pytest.raises(ConfigError, match="logo.png: logoet er ikke et PNG-billede"):
        housestyle.logo()


def test_every_template_passes_the_check() -> None:
    from docauto.office.templatecheck import check_paths
    from docauto.resources import templates_dir

    files, findings = check_paths([templates_dir()])
    assert len(files) >= 10
    assert [str(f) for f in findings] == []


# -- workbooks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(WORKBOOKS))
def test_workbook_print_setup(demo: Path, kind: str) -> None:
    path = _pick(demo, WORKBOOKS[kind])
    wb = openpyxl.load_workbook(path)
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert visible
    for ws in visible:
        where = f"{path.name} / {ws.title}"
        assert int(ws.page_setup.paperSize) == 9, where
        assert ws.sheet_properties.pageSetUpPr.fitToPage, where
        assert int(ws.page_setup.fitToWidth) == 1, where
        assert ws.oddFooter.right.text == "Side &P af &N", where
        assert ws.oddHeader.left.text, where
        if ws.print_title_rows:
            assert ws.print_title_rows.endswith("$1:$1") or ws.print_title_rows == "1:1", where
            assert ws.freeze_panes == "A2", where
    assert wb.properties.language == "da-DK"


def test_meeting_plan_has_real_dates_and_times(demo: Path) -> None:
    ws = openpyxl.load_workbook(demo / "strukturgennemgang/mødeplan.xlsx")["Mødeplan"]
    header = [c.value for c in ws[1]]
    row = [c for c in ws[2]]
    start, end = row[header.index("Start")], row[header.index("Slut")]
    assert isinstance(start.value, dt.time) and isinstance(end.value, dt.time)
    assert start.number_format == "HH:MM"
    assert isinstance(row[header.index("Dato")].value, dt.datetime)


def test_a_new_kinds_workbook_gets_the_print_setup_for_free() -> None:
    from docauto.kinds import PlannedDocument

    def build() -> bytes:
        wb = openpyxl.Workbook()
        wb.active.append(["Navn", "E-mail"])
        wb.active.append(["Ida Holm", "ida.holm@buf.demokommune.dk"])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    data = PlannedDocument("ny-liste.xlsx", build=build).render()
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert int(ws.page_setup.paperSize) == 9
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width >= len("ida.holm@buf.demokommune.dk")
    assert ws.oddFooter.right.text == "Side &P af &N"


# -- as PDF ------------------------------------------------------------------------------------

needs_pdf = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdfinfo") and shutil.which("pdftotext")),
    reason="needs LibreOffice and poppler-utils (pdfinfo, pdftotext)",
)


def _pdf_pages(pdf: Path) -> tuple[int, tuple[float, float], list[str]]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info.stdout).groups())
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return pages, (w, h), text.split("\f")[:pages]


@pytest.fixture(scope="module")
def pdfs(demo: Path, tmp_path_factory) -> dict[str, Path]:
    from docauto.office.pdf import convert_to_pdf

    if not (shutil.which("soffice") and shutil.which("pdfinfo")):
        pytest.skip("needs LibreOffice and poppler-utils")
    out = tmp_path_factory.mktemp("pdf")
    sources = {k: _pick(demo, g) for k, (g, _, _) in WORD_KINDS.items()}
    sources.update({f"xlsx:{k}": _pick(demo, g) for k, g in WORKBOOKS.items()})
    staged = []
    for key, src in sources.items():
        target = out / (key.replace(":", "-") + src.suffix)
        shutil.copy(src, target)
        staged.append(target)
    converted = convert_to_pdf(staged, out)
    return {key: pdf for key, pdf in zip(sources, converted, strict=True)}


@needs_pdf
@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", sorted(WORD_KINDS))
def test_word_documents_as_pdf(pdfs: dict[str, Path], kind: str) -> None:
    pages, (w, h), text = _pdf_pages(pdfs[kind])
    _, low, high = WORD_KINDS[kind]
    assert low <= pages <= high, f"{kind}: {pages} pages"
    assert sorted((round(w), round(h))) == [595, 842], f"{kind}: not A4 ({w} x {h})"
    first = text[0]
    assert SENDER["forvaltning"] in first and SENDER["enhed"] in first
    assert SENDER["adresse"][0] in first and f"EAN {SENDER['ean']}" in first
    for n, page in enumerate(text, start=1):
        footer = "\n".join(page.rstrip().splitlines()[-3:])
        assert re.search(rf"Side {n} af {pages}\b", footer), f"{kind}, page {n}"
    if pages > 1:  # later pages: the administration and the document's label at the top
        assert text[1].lstrip().startswith(SENDER["forvaltning"])
    if kind == "udpegningsbrev":
        assert "Med venlig hilsen" in first


@needs_pdf
@pytest.mark.libreoffice
def test_e_mail_addresses_are_not_broken(demo: Path, pdfs: dict[str, Path]) -> None:
    source = _pick(demo, WORD_KINDS["vurderingsudvalg-oversigt"][0])
    emails = set(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", docx_text(source.read_bytes()).all))
    assert emails
    _, _, text = _pdf_pages(pdfs["vurderingsudvalg-oversigt"])
    words = set(" ".join(text).split())
    assert emails <= words, sorted(emails - words)


@needs_pdf
@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", sorted(WORKBOOKS))
def test_workbooks_as_pdf(pdfs: dict[str, Path], kind: str) -> None:
    pages, (w, h), text = _pdf_pages(pdfs[f"xlsx:{kind}"])
    assert sorted((round(w), round(h))) == [595, 842], f"{kind}: not A4"
    assert re.search(rf"Side 1 af {pages}", text[0]), kind
    if kind == "hr-oversigt":  # the dashboard with both charts is one page
        assert "HR-oversigt pr." in text[0] and "Side 1 af" in text[0]
