"""Minutes: the form drafted, filled through python-docx the way Word saves it, read back into
finished minutes; broken forms and bad notes give a clear message and keep what was readable."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from docauto.cli import cli
from docauto.office.docxtext import docx_text
from docauto.review.minutes import read_minutes_form

NETWORK_TITLES = [
    "Status på den nuværende struktur",
    "Netværkets sammensætning og forankring",
    "Netværkets funktioner og koordinatorens rolle",
    "Bestyrelsesnetværk",
    "Det videre arbejde og tilpasninger af strukturen",
]


def _draft(structure_path: Path, out: Path, only: str = "N2") -> Path:
    res = CliRunner().invoke(
        cli,
        ["minutes", "draft", "--structure", str(structure_path), "--out", str(out), "--only", only],
    )
    assert res.exit_code == 0, res.output
    (form,) = out.glob(f"referatskabelon-{only}-*.docx")
    return form


def _heading(doc, title: str):
    for p in doc.paragraphs:
        if p.text.strip().endswith(title) and p.style.name.startswith("Heading"):
            return p
    raise AssertionError(f"no heading {title}")


def _next_paragraph(doc, para):
    paras = doc.paragraphs
    i = next(i for i, p in enumerate(paras) if p._p is para._p)
    return paras[i + 1]


def fill(
    form: Path,
    conclusions: dict[str, list[str]],
    followups: list[tuple[str, ...]],
    considerations: list[str] | None = None,
) -> None:
    """Write into the form the way a leader does in Word: over the placeholder, more paragraphs
    after it, rows of the follow-up table."""
    doc = Document(str(form))
    items = dict(conclusions)
    if considerations:
        items["Fremadrettede overvejelser"] = considerations
    for title, lines in items.items():
        placeholder = _next_paragraph(doc, _heading(doc, title))
        placeholder.text = lines[0]
        for run in placeholder.runs:
            run.italic = False
        after = _next_paragraph(doc, placeholder)
        for line in lines[1:]:
            after.insert_paragraph_before(line)
    table = doc.tables[-1]
    for row_values, row in zip(followups, table.rows[1:], strict=False):
        for value, cell in zip(row_values, row.cells, strict=False):
            cell.text = value
    doc.save(str(form))


CONCLUSIONS = {
    "Status på den nuværende struktur": ["Netværksaftalen er fulgt.", "Besparelsen er indhentet."],
    "Netværkets sammensætning og forankring": ["Klubben Lille flyttes til et andet netværk."],
    "Netværkets funktioner og koordinatorens rolle": ["Koordinatoren får en funktionsbeskrivelse."],
    "Bestyrelsesnetværk": ["Bestyrelsesnetværket mødes fire gange årligt."],
    "Det videre arbejde og tilpasninger af strukturen": ["Netværket overvejer fælles ledelse."],
}
FOLLOWUPS = [
    ("Funktionsbeskrivelse", "Lis Lille", "14.12.2012"),
    ("Forslag om klubben", "Bent Syd", "31.01.2013"),
]


def _finish(form: Path, structure_path: Path, out: Path):
    return CliRunner().invoke(
        cli, ["minutes", "finish", str(form), "--structure", str(structure_path), "--out", str(out)]
    )


def test_draft_form_holds_facts_items_and_table(review_structure_path, tmp_path):
    form = _draft(review_structure_path, tmp_path / "forms")
    text = docx_text(form.read_bytes())
    body = "\n".join(text.body)
    assert "Netværk Ringen Lille (N2)" in body and "Netværk: Netværk" not in body
    for i, title in enumerate(NETWORK_TITLES, start=1):
        assert f"{i}. {title}" in text.body
    assert "Hvad | Hvem | Hvornår" in text.body
    assert "Lis Lille, Netværkskoordinator, Netværk Ringen Lille" in text.body
    assert "Bent Syd, Områdechef, Syd" in text.body


def test_filled_form_reads_back_into_minutes(review_structure_path, review_structure, tmp_path):
    form = _draft(review_structure_path, tmp_path / "forms")
    fill(form, CONCLUSIONS, FOLLOWUPS, considerations=["Strukturen fortsætter med tilpasninger."])
    minutes = read_minutes_form(form, review_structure)
    assert minutes.problems == []
    assert {s.title: s.lines for s in minutes.items} == CONCLUSIONS
    assert [(f.what, f.who, f.when) for f in minutes.followups] == FOLLOWUPS
    assert minutes.considerations == ["Strukturen fortsætter med tilpasninger."]

    res = _finish(form, review_structure_path, tmp_path / "done")
    assert res.exit_code == 0, res.output
    (done,) = (tmp_path / "done").glob("referat-N2-*.docx")
    lines = docx_text(done.read_bytes()).body
    for lines_in in CONCLUSIONS.values():
        for line in lines_in:
            assert line in lines
    # The same columns as the form, dates in Danish.
    assert "Hvad | Hvem | Hvornår" in lines
    assert "Funktionsbeskrivelse | Lis Lille | 14. december 2012" in lines
    assert "Forslag om klubben | Bent Syd | 31. januar 2013" in lines
    assert "Strukturen fortsætter med tilpasninger." in lines
    assert "[Skriv konklusionen her]" not in "\n".join(lines)
    # The minutes end with the follow-up, not with the invitation's sentence about them.
    assert not any("samles i et referat" in ln for ln in lines)


def test_empty_form_is_an_error_naming_the_file(review_structure_path, tmp_path):
    form = _draft(review_structure_path, tmp_path / "forms")
    res = _finish(form, review_structure_path, tmp_path / "done")
    assert res.exit_code == 2, res.output
    assert form.name in res.output and "ikke udfyldt" in res.output
    assert not (tmp_path / "done").exists() or not list((tmp_path / "done").iterdir())


def test_broken_form_keeps_what_it_can(review_structure_path, review_structure, tmp_path):
    form = _draft(review_structure_path, tmp_path / "forms")
    fill(form, CONCLUSIONS, [])
    doc = Document(str(form))
    # 1) a section deleted: heading and its text
    head = _heading(doc, "Bestyrelsesnetværk")
    body_p = _next_paragraph(doc, head)
    for p in (head, body_p):
        p._p.getparent().remove(p._p)
    # 2) text pasted from a mail into a section: quoted lines, a header, non-breaking spaces
    target = _next_paragraph(doc, _heading(doc, "Netværkets funktioner og koordinatorens rolle"))
    target.insert_paragraph_before("Fra: Lis Lille\nSendt: 3. oktober 2012 10:12")
    after = _next_paragraph(doc, target)
    after.insert_paragraph_before(
        "> Vi\u00a0aftalte\u00a0at koordinatoren deltager i\u00a0alle bestyrelsesmøder."
    )
    # 3) an extra column in the follow-up table
    table = doc.tables[-1]
    new_col = table.add_column(table.columns[0].width)
    new_col.cells[0].text = "Status"
    row = table.rows[1].cells
    row[0].text, row[1].text, row[2].text, row[3].text = (
        "Mødeplan for bestyrelser",
        "Lis Lille",
        "01.12.2012",
        "I gang",
    )
    doc.save(str(form))

    minutes = read_minutes_form(form, review_structure)
    messages = "\n".join(p.message for p in minutes.problems)
    assert "'Bestyrelsesnetværk' blev ikke fundet" in messages
    assert "ekstra kolonne 'Status'" in messages
    assert "mailhoved er udeladt" in messages
    roles = minutes.item("funktioner").lines
    assert "Vi aftalte at koordinatoren deltager i alle bestyrelsesmøder." in roles
    assert "Koordinatoren får en funktionsbeskrivelse." in roles
    assert not any(line.startswith(("Fra:", "Sendt:")) for line in roles)
    assert minutes.item("status").lines == CONCLUSIONS["Status på den nuværende struktur"]
    (f,) = minutes.followups
    assert (f.what, f.who, f.when, f.note) == (
        "Mødeplan for bestyrelser",
        "Lis Lille",
        "01.12.2012",
        "Status: I gang",
    )

    res = _finish(form, review_structure_path, tmp_path / "done")
    assert res.exit_code == 1
    assert "Bestyrelsesnetværk" in res.output and "ekstra kolonne 'Status'" in res.output
    (done,) = (tmp_path / "done").glob("referat-N2-*.docx")
    lines = docx_text(done.read_bytes()).body
    assert "Netværksaftalen er fulgt." in lines
    assert "Mødeplan for bestyrelser (Status: I gang) | Lis Lille | 1. december 2012" in lines


def test_form_with_unknown_section_and_deleted_table(
    review_structure_path, review_structure, tmp_path
):
    form = _draft(review_structure_path, tmp_path / "forms", only="S1")
    fill(form, {"Kapacitet / børnetal": ["140 børn, uændret."]}, [])
    doc = Document(str(form))
    doc.tables[-1]._tbl.getparent().remove(doc.tables[-1]._tbl)
    doc.add_paragraph("Bemærkninger fra BUPL", style="Heading 2")
    doc.add_paragraph("BUPL ønsker at blive orienteret om tidsplanen.")
    doc.save(str(form))
    minutes = read_minutes_form(form, review_structure)
    messages = "\n".join(p.message for p in minutes.problems)
    assert "tabellen i 'Aftalt opfølgning' mangler" in messages
    assert "ukendt afsnit 'Bemærkninger fra BUPL'" in messages
    assert minutes.item("kapacitet").lines == ["140 børn, uændret."]
    assert minutes.extra[0].title == "Bemærkninger fra BUPL"
    assert minutes.extra[0].lines == ["BUPL ønsker at blive orienteret om tidsplanen."]


def test_not_a_minutes_form_is_refused(review_structure_path, tmp_path):
    doc = Document()
    doc.add_paragraph("Et helt andet dokument")
    path = tmp_path / "andet.docx"
    doc.save(str(path))
    res = _finish(path, review_structure_path, tmp_path / "done")
    assert res.exit_code == 2
    assert "ikke en referatskabelon" in res.output
    assert not (tmp_path / "done").exists()


NOTES = """\
klynge: N3
punkter:
  status: |
    Netværket arbejder efter model C.
    Det fortsætter ikke.
  Netværkets sammensætning og forankring: "Sammensætningen er god."
  bestyrelsesnetvaerk: "Skrevet med ae: findes ikke."
overvejelser: "Overgang til model B."
opfølgning:
  - hvad: Forslag til model B
    hvem: Frede Fri
    hvornår: 2012-12-01
"""


def test_notes_with_unknown_item_keep_the_rest(review_structure_path, tmp_path):
    notes = tmp_path / "noter.yaml"
    notes.write_text(NOTES, encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli,
        [
            "minutes",
            "from-notes",
            str(notes),
            "--structure",
            str(review_structure_path),
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 1
    assert "punktet 'bestyrelsesnetvaerk' findes ikke på dagsordenen" in res.output
    assert "bestyrelsesnetværk (Bestyrelsesnetværk)" in res.output  # the known items are listed
    (done,) = out.glob("referat-N3-*.docx")
    lines = docx_text(done.read_bytes()).body
    assert "Netværket arbejder efter model C. Det fortsætter ikke." in lines
    assert "Sammensætningen er god." in lines
    assert "Skrevet med ae: findes ikke." in lines
    assert "Overgang til model B." in lines
    assert "Forslag til model B | Frede Fri | 1. december 2012" in lines


def test_notes_from_workbook(review_structure_path, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Referat"
    ws.append(["Klynge-ID", "Punkt", "Konklusion"])
    ws.append(["S1", "Kapacitet / børnetal", "Kapaciteten udvides med 20 pladser."])
    ws.append(["S1", "ledelsesstruktur", "Én klyngeleder fortsætter."])
    ws2 = wb.create_sheet("Opfølgning")
    ws2.append(["Klynge-ID", "Hvad", "Hvem", "Hvornår"])
    ws2.append(["S1", "Plan for nye pladser", "Sofie Selv", "01.02.2013"])
    path = tmp_path / "noter.xlsx"
    wb.save(path)
    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli,
        [
            "minutes",
            "from-notes",
            str(path),
            "--structure",
            str(review_structure_path),
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    (done,) = out.glob("referat-S1-*.docx")
    lines = docx_text(done.read_bytes()).body
    assert "1. Kapacitet / børnetal" in lines and "Kapaciteten udvides med 20 pladser." in lines
    assert "Én klyngeleder fortsætter." in lines
    assert "3. Eventuelt" in lines and "Intet noteret." in lines
    assert "Plan for nye pladser | Sofie Selv | 1. februar 2013" in lines


@pytest.mark.parametrize("bad", ["klynge: X9\npunkter: {}\n", "punkter: {status: x}\n"])
def test_notes_for_unknown_cluster(review_structure_path, tmp_path, bad):
    notes = tmp_path / "noter.yaml"
    notes.write_text(bad, encoding="utf-8")
    res = CliRunner().invoke(
        cli,
        [
            "minutes",
            "from-notes",
            str(notes),
            "--structure",
            str(review_structure_path),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert res.exit_code == 2
    assert "klynge" in res.output
    assert not (tmp_path / "o").exists()


def test_form_copied_without_its_properties_is_still_read(
    review_structure_path, review_structure, tmp_path
):
    # A leader who copies everything into a new document loses the custom properties; the
    # cluster id in the subtitle is enough.
    form = _draft(review_structure_path, tmp_path / "forms")
    fill(form, CONCLUSIONS, FOLLOWUPS[:1])
    src = Document(str(form))
    copy = Document()
    body = copy.element.body
    for el in list(src.element.body):
        if not el.tag.endswith("sectPr"):
            body.insert(len(body) - 1, el)
    target = tmp_path / "kopi.docx"
    copy.save(str(target))
    minutes = read_minutes_form(target, review_structure)
    assert minutes.cluster_id == "N2"
    assert {s.title: s.lines for s in minutes.items} == CONCLUSIONS
    assert [(f.what, f.who, f.when) for f in minutes.followups] == FOLLOWUPS[:1]


def test_text_typed_next_to_the_placeholder(review_structure_path, review_structure, tmp_path):
    form = _draft(review_structure_path, tmp_path / "forms", only="S1")
    doc = Document(str(form))
    placeholder = _next_paragraph(doc, _heading(doc, "Eventuelt"))
    placeholder.add_run(" Intet under eventuelt.")
    doc.save(str(form))
    minutes = read_minutes_form(form, review_structure)
    assert minutes.item("eventuelt").lines == ["Intet under eventuelt."]
    assert minutes.item("kapacitet").lines == []


def test_followup_table_without_its_heading_and_tracked_changes(
    review_structure_path, review_structure, tmp_path
):
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    form = _draft(review_structure_path, tmp_path / "forms", only="S1")
    fill(
        form,
        {"Kapacitet / børnetal": ["Kapaciteten er 140 børn."]},
        [("Ny tælling", "Sofie Selv", "01.03.2013")],
    )
    doc = Document(str(form))
    head = _heading(doc, "Aftalt opfølgning")
    head._p.getparent().remove(head._p)
    # Word's tracked changes: an insertion counts, a deletion does not
    target = _next_paragraph(doc, _heading(doc, "Kapacitet / børnetal"))
    ins = OxmlElement("w:ins")
    ins.set(qn("w:id"), "1")
    ins.set(qn("w:author"), "Leder")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = " Ventelisten er kort."
    run.append(t)
    ins.append(run)
    dele = OxmlElement("w:del")
    dele.set(qn("w:id"), "2")
    dele.set(qn("w:author"), "Leder")
    drun = OxmlElement("w:r")
    dt_ = OxmlElement("w:delText")
    dt_.text = " SLETTET TEKST"
    drun.append(dt_)
    dele.append(drun)
    target._p.append(ins)
    target._p.append(dele)
    doc.save(str(form))
    minutes = read_minutes_form(form, review_structure)
    assert minutes.item("kapacitet").lines == ["Kapaciteten er 140 børn. Ventelisten er kort."]
    assert [(f.what, f.who, f.when) for f in minutes.followups] == [
        ("Ny tælling", "Sofie Selv", "01.03.2013")
    ]
    messages = "\n".join(p.message for p in minutes.problems)
    assert "stod ikke under 'Aftalt opfølgning'; den er læst alligevel" in messages
    assert "ingen opfølgning er læst" not in messages


@pytest.mark.libreoffice
def test_form_saved_again_by_a_real_word_processor_reads_back(
    review_structure_path, review_structure, tmp_path
):
    """Filled, then opened and saved as .docx by LibreOffice, which rewrites the whole package
    as another word processor would; the minutes must still come out whole."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed")
    form = _draft(review_structure_path, tmp_path / "forms")
    fill(form, CONCLUSIONS, FOLLOWUPS, considerations=["Strukturen fortsætter."])
    out = tmp_path / "resaved"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(form),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    (resaved,) = out.glob("*.docx")
    minutes = read_minutes_form(resaved, review_structure)
    assert minutes.cluster_id == "N2"
    assert {s.title: s.lines for s in minutes.items} == CONCLUSIONS
    assert [(f.what, f.who, f.when) for f in minutes.followups] == FOLLOWUPS
    assert minutes.considerations == ["Strukturen fortsætter."]
    assert minutes.problems == []
