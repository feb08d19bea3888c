"""Attachment readers: real .xlsx/.docx/.csv files built here, in all the shapes people send."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import pytest

from docauto.errors import InputError
from docauto.mail.message import Attachment
from docauto.mail.readers import identify_job_ad, read_submission

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CL, PL = "cluster_leader", "pedagogical_leader"


def xlsx_bytes(build) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    build(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def att(name: str, data: bytes, ctype: str = "application/octet-stream") -> Attachment:
    return Attachment(name, ctype, data)


def replace_member(data: bytes, member: str, fn) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            blob = src.read(info.filename)
            z.writestr(info.filename, fn(blob) if info.filename == member else blob)
    return out.getvalue()


def values(result, *cols):
    return [tuple(r.values.get(c) for c in cols) for r in result.rows]


# --- .xlsx -----------------------------------------------------------------------------------


def test_the_generated_form_filled_in(tmp_path):
    """The form docauto itself sends out (sheet Registrering, hidden Lister, Vejledning)."""
    import openpyxl

    forms = pytest.importorskip("docauto.recruitment.kinds.forms")
    from docauto.resources import data_dir
    from docauto.structure.model import load_structure

    structure = load_structure(data_dir() / "demo" / "struktur.yaml")
    area = next(iter(structure.areas))
    cluster = structure.clusters_in(area)[0]
    data = forms.build_form(structure, area, PL, "hires")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Registrering"]
    ws.append(
        [area, cluster.name, cluster.units[0].name, "Anne Ager", "anne@x.dk", datetime(2011, 1, 1)]
    )
    buf = io.BytesIO()
    wb.save(buf)
    result = read_submission(att("skema.xlsx", buf.getvalue(), XLSX), PL, "hires")
    assert result.problems == []
    assert result.columns == ["Område", "Klynge", "Enhed", "Navn", "E-mail", "Tiltrædelsesdato"]
    [row] = result.rows  # the 50 pre-formatted empty rows are not rows
    assert row.sheet == "Registrering"
    assert row.values == {
        "Område": area,
        "Klynge": cluster.name,
        "Enhed": cluster.units[0].name,
        "Navn": "Anne Ager",
        "E-mail": "anne@x.dk",
        "Tiltrædelsesdato": date(2011, 1, 1),
    }


def test_title_rows_synonyms_shuffled_extra_columns_blank_rows():
    def build(wb):
        ws = wb.active
        ws.title = "Ark1"
        ws["A1"] = "Indstilling af kandidater – Amager"
        ws.merge_cells("A1:F1")
        ws["A2"] = "Udfyldt af områdechefen"
        ws.append([])  # row 3 blank
        ws.append(["E-mailadresse", "Kandidatens navn", "Noter", "Klyngenavn", "Prio", "Område"])
        ws.append(["anne@x.dk", "Anne Ager", "god", "Klynge Amager Strand", 1, "Amager"])
        ws.append([None, None, None, None, None, None])
        ws.append([" bent@x.dk ", "Bent\u00a0Bak", None, "Klynge Amager Strand", "2", "Amager"])
        ws.append(["", "   ", None, None, None, None])

    result = read_submission(att("indstilling.xlsx", xlsx_bytes(build)), CL, "candidates")
    assert result.problems == []
    assert set(result.columns) == {"E-mail", "Kandidat", "Klynge", "Prioritet", "Område"}
    assert [r.number for r in result.rows] == [5, 7]
    assert values(result, "Kandidat", "E-mail", "Klynge", "Prioritet", "Område") == [
        ("Anne Ager", "anne@x.dk", "Klynge Amager Strand", 1, "Amager"),
        ("Bent Bak", "bent@x.dk", "Klynge Amager Strand", 2, "Amager"),
    ]
    assert "Noter" not in result.rows[0].values and "Bemærkning" not in result.rows[0].values


def test_merged_cells_give_the_top_left_value():
    def build(wb):
        ws = wb.active
        ws.append(["Område", "Klynge", "Kandidat", "E-mail", "Prioritet"])
        ws.append(["Amager", "Klynge Amager Strand", "Anne", "a@x.dk", 1])
        ws.append([None, None, "Bent", "b@x.dk", 2])
        ws.append([None, None, None, None, None])  # inside the merge only: not a row
        ws.merge_cells("A2:A4")
        ws.merge_cells("B2:B4")

    result = read_submission(att("k.xlsx", xlsx_bytes(build)), CL, "candidates")
    assert values(result, "Område", "Klynge", "Kandidat") == [
        ("Amager", "Klynge Amager Strand", "Anne"),
        ("Amager", "Klynge Amager Strand", "Bent"),
    ]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (datetime(2010, 10, 8), date(2010, 10, 8)),
        (date(2010, 10, 8), date(2010, 10, 8)),
        ("08.10.2010", date(2010, 10, 8)),
        ("8/10/2010", date(2010, 10, 8)),
        ("8-10-2010", date(2010, 10, 8)),
        ("2010-10-08", date(2010, 10, 8)),
        ("8. oktober 2010", date(2010, 10, 8)),
        (40459, date(2010, 10, 8)),  # an Excel serial number in a cell without date format
        ("40459", date(2010, 10, 8)),
        ("31.02.2010", "31.02.2010"),  # not a date: kept as written, validation reports it
        ("snart", "snart"),
    ],
)
def test_date_variants(cell, expected):
    def build(wb):
        ws = wb.active
        ws.append(["Område", "Klynge", "Navn", "E-mail", "Tiltrædelsesdato"])
        ws.append(["Amager", "Klynge Amager Strand", "Anne", "a@x.dk", cell])

    result = read_submission(att("a.xlsx", xlsx_bytes(build)), CL, "hires")
    assert result.rows[0].values["Tiltrædelsesdato"] == expected


def test_formulas_are_read_as_their_cached_values_or_their_text():
    """Excel's cached result where there is one; a formula nothing has computed (a form a
    program wrote) gives its formula text, which the registry keeps as text (issue 16)."""

    def build(wb):
        ws = wb.active
        ws.append(["Område", "Klynge", "Kandidat", "E-mail", "Prioritet"])
        ws.append(["Amager", "Klynge Amager Strand", '=UPPER("anne")', "a@x.dk", "=1+1"])
        ws.append(["Amager", "Klynge Amager Strand", '=HYPERLINK("x")', "b@x.dk", "=3"])

    data = xlsx_bytes(build)

    def cache(xml: bytes) -> bytes:
        # What Excel writes: the formula and its last result. Row 3 keeps no cached value.
        xml = xml.replace(
            b'<c r="C2"><f>UPPER("anne")</f><v></v></c>',
            b'<c r="C2" t="str"><f>UPPER("anne")</f><v>ANNE</v></c>',
        )
        return xml.replace(b'<c r="E2"><f>1+1</f><v></v></c>', b'<c r="E2"><f>1+1</f><v>2</v></c>')

    data = replace_member(data, "xl/worksheets/sheet1.xml", cache)
    result = read_submission(att("f.xlsx", data), CL, "candidates")
    assert values(result, "Kandidat", "Prioritet")[0] == ("ANNE", 2)
    assert values(result, "Kandidat", "Prioritet")[1][0] == '=HYPERLINK("x")'


def test_text_that_starts_with_equals_is_kept_as_text():
    def build(wb):
        ws = wb.active
        ws.append(["Område", "Klynge", "Enhed", "Bemærkning"])
        ws.append(["Amager", "Klynge Amager Strand", "Solsikken", "x"])
        ws["D2"].value = "=ingen ansøgere"
        ws["D2"].data_type = "s"

    result = read_submission(att("u.xlsx", xlsx_bytes(build)), PL, "unfilled")
    assert result.rows[0].values["Bemærkning"] == "=ingen ansøgere"


def test_registrering_sheet_is_preferred_and_other_sheets_are_searched():
    def with_registrering(wb):
        wb.active.title = "Vejledning"
        wb.active.append(["Område", "Klynge", "Bemærkning"])  # looks like a header, is not the form
        ws = wb.create_sheet("Registrering")
        ws.append(["Område", "Klynge", "Enhed", "Bemærkning"])
        ws.append(["Amager", "Klynge Amager Strand", "", "ingen egnede"])

    result = read_submission(att("u.xlsx", xlsx_bytes(with_registrering)), CL, "unfilled")
    assert result.rows[0].sheet == "Registrering"
    assert result.source == "u.xlsx, ark 'Registrering'"

    def second_sheet(wb):
        wb.active.title = "Forside"
        wb.active["A1"] = "Hej HR"
        ws = wb.create_sheet("Ark2")
        ws.append([None, None, "Område", "Klynge", "Bemærkning"])  # starts in column C
        ws.append([None, None, "Amager", "Klynge Amager Strand", "genopslag"])

    result = read_submission(att("u.xlsx", xlsx_bytes(second_sheet)), CL, "unfilled")
    assert values(result, "Område", "Bemærkning") == [("Amager", "genopslag")]
    assert result.rows[0].sheet == "Ark2"


def test_no_recognisable_header_is_a_problem_not_an_error():
    def build(wb):
        wb.active.append(["Hej", "med", "dig"])
        wb.active.append([1, 2, 3])

    result = read_submission(att("x.xlsx", xlsx_bytes(build)), CL, "hires")
    assert result.rows == []
    assert len(result.problems) == 1
    assert "overskriftsrække" in result.problems[0].message
    assert result.problems[0].location.file == "x.xlsx"


# --- .docx -----------------------------------------------------------------------------------


def docx_form(rows, *, title_row: bool = True, decoy: bool = True) -> bytes:
    import docx

    doc = docx.Document()
    doc.add_heading("Registrering af ansøgerne", 1)
    if decoy:
        t = doc.add_table(rows=1, cols=2)
        t.cell(0, 0).text, t.cell(0, 1).text = "Dato", "1.10.2010"
    ncols = len(rows[0])
    table = doc.add_table(rows=0, cols=ncols)
    if title_row:
        cells = table.add_row().cells
        cells[0].merge(cells[-1]).text = "Ansøgere til klyngelederstillinger"
    for r in rows:
        cells = table.add_row().cells
        for c, v in zip(cells, r, strict=True):
            c.text = v
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_docx_table_with_title_row_and_synonyms():
    rows = [
        ["Navn", "Mail", "Klynge", "Område", "Stilling", "Arbejdssted"],
        ["Anne Ager", "anne@x.dk", "Klynge Amager Strand", "Amager", "Leder", "Solsikken"],
        ["", "", "", "", "", ""],
        ["Bent Bak", "bent@x.dk", "Klynge Valby Syd", "Valby", "Souschef", "Æblehaven"],
    ]
    result = read_submission(att("ansøgere.docx", docx_form(rows), DOCX), CL, "applicants")
    assert result.problems == []
    assert [r.number for r in result.rows] == [3, 5]  # table rows as Word shows them
    assert values(
        result, "Ansøger", "E-mail", "Klynge", "Nuværende stilling", "Nuværende arbejdssted"
    ) == [
        ("Anne Ager", "anne@x.dk", "Klynge Amager Strand", "Leder", "Solsikken"),
        ("Bent Bak", "bent@x.dk", "Klynge Valby Syd", "Souschef", "Æblehaven"),
    ]


def test_docx_vertically_merged_cluster():
    import docx

    doc = docx.Document()
    table = doc.add_table(rows=4, cols=4)
    for j, h in enumerate(["Område", "Klynge", "Kandidat", "E-mail"]):
        table.cell(0, j).text = h
    table.cell(1, 0).merge(table.cell(3, 0)).text = "Amager"
    table.cell(1, 1).merge(table.cell(3, 1)).text = "Klynge Amager Strand"
    table.cell(1, 2).text, table.cell(1, 3).text = "Anne", "a@x.dk"
    table.cell(2, 2).text, table.cell(2, 3).text = "Bent", "b@x.dk"
    buf = io.BytesIO()
    doc.save(buf)
    result = read_submission(att("k.docx", buf.getvalue()), CL, "candidates")
    assert values(result, "Område", "Klynge", "Kandidat") == [
        ("Amager", "Klynge Amager Strand", "Anne"),
        ("Amager", "Klynge Amager Strand", "Bent"),
    ]


def test_docx_tall_vertical_merge():
    """3,000 rows under one vertically merged cell: python-docx's own cell lookup recurses
    once per row (RecursionError); the reader walks the XML instead."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = docx.Document()
    n = 3000
    table = doc.add_table(rows=n, cols=4)
    for j, h in enumerate(["Område", "Klynge", "Kandidat", "E-mail"]):
        table.rows[0].cells[j].text = h
    for i, row in enumerate(table.rows[1:], start=1):
        v = OxmlElement("w:vMerge")
        if i == 1:
            v.set(qn("w:val"), "restart")
        row._tr.tc_lst[0].get_or_add_tcPr().append(v)
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = f"Person {i}"
        run.append(text)
        row._tr.tc_lst[2].p_lst[0].append(run)
    table.rows[1]._tr.tc_lst[0].p_lst[0].append(OxmlElement("w:r"))
    table.rows[1]._tr.tc_lst[0].p_lst[0][-1].append(OxmlElement("w:t"))
    table.rows[1]._tr.tc_lst[0].p_lst[0][-1][-1].text = "Amager"
    buf = io.BytesIO()
    doc.save(buf)
    result = read_submission(att("lang.docx", buf.getvalue()), CL, "candidates")
    assert len(result.rows) == n - 1
    assert result.rows[-1].number == n
    assert result.rows[-1].values["Område"] == "Amager"
    assert result.rows[-1].values["Kandidat"] == f"Person {n - 1}"


# --- .csv ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "sep"), [("utf-8-sig", ";"), ("cp1252", ";"), ("utf-8", ","), ("cp1252", ",")]
)
def test_csv_separator_and_encoding(encoding, sep):
    lines = [
        f"Område{sep}Klynge{sep}Navn{sep}E-mail{sep}Tiltrædelsesdato",
        f"Amager{sep}Klynge Amager Strand{sep}Søren Ærø{sep}s@x.dk{sep}01.12.2010",
        sep * 4,
        f'Valby{sep}"Klynge Valby{sep} Syd"{sep}Åse{sep}a@x.dk{sep}2010-12-01',
    ]
    data = "\r\n".join(lines).encode(encoding)
    result = read_submission(att("ansættelser.csv", data, "text/csv"), CL, "hires")
    assert [r.number for r in result.rows] == [2, 4]
    assert values(result, "Område", "Klynge", "Navn", "Tiltrædelsesdato") == [
        ("Amager", "Klynge Amager Strand", "Søren Ærø", date(2010, 12, 1)),
        ("Valby", f"Klynge Valby{sep} Syd", "Åse", date(2010, 12, 1)),
    ]


def test_csv_with_excels_sep_line_and_annotated_headers():
    data = (
        "sep=,\r\nOmråde,Klynge,Kandidat*,E-mail (arbejde),Prioritet (1 = højest)\r\n"
        "Amager,Klynge Amager Strand,Anne,a@x.dk,1\r\n"
    ).encode()
    result = read_submission(att("k.csv", data), CL, "candidates")
    assert [r.number for r in result.rows] == [3]
    assert values(result, "Kandidat", "E-mail", "Prioritet") == [("Anne", "a@x.dk", 1)]


# --- hostile and broken files ----------------------------------------------------------------


def _form_xlsx() -> bytes:
    def build(wb):
        wb.active.append(["Område", "Klynge", "Navn", "E-mail", "Tiltrædelsesdato"])
        wb.active.append(["Amager", "Klynge Amager Strand", "Anne", "a@x.dk", "01.12.2010"])

    return xlsx_bytes(build)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


def _xml_bomb(xml: bytes) -> bytes:
    body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
    return BILLION_LAUGHS + body.replace(b"<v>", b"<v>&lol9;", 1)


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    return out.getvalue()


def _merged_form() -> bytes:
    def build(wb):
        wb.active.append(["Område", "Klynge", "Navn", "E-mail", "Tiltrædelsesdato"])
        wb.active.append(["Amager", "Klynge Amager Strand", "Anne", "a@x.dk", "01.12.2010"])
        wb.active.merge_cells("A2:A3")

    return xlsx_bytes(build)


def _future_zip() -> bytes:
    data = bytearray(_form_xlsx())
    cd = data.find(b"PK\x01\x02")
    data[cd + 6] = 243  # "version needed to extract": 24.3, which zipfile refuses to read
    return bytes(data)


def _encrypted_flag() -> bytes:
    data = bytearray(_form_xlsx())
    # Set the "encrypted" flag bit of the first local header and its central directory entry.
    data[6] |= 1
    cd = data.find(b"PK\x01\x02")
    data[cd + 8] |= 1
    return bytes(data)


HOSTILE = {
    "encrypted (OLE container)": (
        "skema.xlsx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000,
        "krypteret",
    ),
    "zip with password": ("skema.xlsx", _encrypted_flag(), "krypteret"),
    "old .xls": ("skema.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000, "binære"),
    "not a zip": ("skema.xlsx", b"this is not a spreadsheet", "ikke en gyldig"),
    "truncated": ("skema.xlsx", _form_xlsx()[:900], "beskadiget|ikke en gyldig|kan ikke åbnes"),
    "zip bomb": ("skema.xlsx", _zip_bomb(), "for stor|zip-bombe"),
    "xml bomb in sheet1": (
        "skema.xlsx",
        replace_member(_form_xlsx(), "xl/worksheets/sheet1.xml", _xml_bomb),
        "XML-bombe",
    ),
    "docx xml bomb": (
        "skema.docx",
        replace_member(docx_form([["Område", "Klynge", "Navn"]]), "word/document.xml", _xml_bomb),
        "XML-bombe",
    ),
    "merged range over the whole sheet": (
        "skema.xlsx",
        replace_member(
            _merged_form(),
            "xl/worksheets/sheet1.xml",
            lambda x: x.replace(b'ref="A2:A3"', b'ref="A2:XFD1048576"'),
        ),
        "flettede celler",
    ),
    "hyperlink over the whole sheet": (
        "skema.xlsx",
        replace_member(
            _form_xlsx(),
            "xl/worksheets/sheet1.xml",
            lambda x: x.replace(
                b"</sheetData>",
                b"</sheetData><hyperlinks>"
                b'<hyperlink ref="A1:XFD1048576" '
                b'location="A1"/></hyperlinks>',
            ),
        ),
        "links dækker urimeligt mange",
    ),
    "docx cell spanning 10^8 columns": (
        "skema.docx",
        replace_member(
            docx_form([["Område", "Klynge", "Navn"]]),
            "word/document.xml",
            lambda x: re.sub(rb'w:gridSpan w:val="\d+"', b'w:gridSpan w:val="100000000"', x),
        ),
        "urimeligt mange kolonner",
    ),
    "zip version from the future": ("skema.xlsx", _future_zip(), "beskadiget"),
    "pdf": ("skema.pdf", b"%PDF-1.4 ...", "filtypen"),
    "csv with binary": ("skema.csv", b"\x00\x01\x02" * 100, "ikke tekst"),
    "empty": ("skema.xlsx", b"", "tom"),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_attachments_are_refused_in_danish(case):
    name, data, reason = HOSTILE[case]
    with pytest.raises(InputError, match=reason) as info:
        read_submission(att(name, data), CL, "hires")
    assert name in str(info.value)


def test_a_part_is_checked_when_a_reader_parses_it():
    """The lean reader unpacks only the parts it reads, each checked as it is read; a file
    openpyxl has to read is checked whole first, since openpyxl parses every part."""
    from docauto.office.safezip import AttachmentZip, check_attachment_zip

    bomb_in_props = replace_member(_form_xlsx(), "docProps/core.xml", _xml_bomb_anywhere)
    with AttachmentZip(bomb_in_props, "skema.xlsx") as package:
        assert package.read("xl/workbook.xml").startswith(b"<")
        with pytest.raises(InputError, match="XML-bombe"):
            package.read("docProps/core.xml")
    with pytest.raises(InputError, match="XML-bombe"):
        check_attachment_zip(bomb_in_props, "skema.xlsx")
    # No reader parses the document properties of a form the lean reader reads.
    result = read_submission(att("skema.xlsx", bomb_in_props), CL, "hires")
    assert result.rows
    # A form only openpyxl can read (cells without references): checked whole, refused.
    no_refs = replace_member(bomb_in_props, "xl/worksheets/sheet1.xml", _without_refs)
    with pytest.raises(InputError, match="XML-bombe"):
        read_submission(att("skema.xlsx", no_refs), CL, "hires")


def _xml_bomb_anywhere(xml: bytes) -> bytes:
    return BILLION_LAUGHS + re.sub(rb"^<\?xml[^>]*\?>", b"", xml)


def _without_refs(xml: bytes) -> bytes:
    return re.sub(rb'(<c\b[^>]*?) r="[A-Z]+\d+"', rb"\1", xml)


def test_oversized_attachment(monkeypatch):
    import docauto.mail.readers as readers

    monkeypatch.setattr(readers, "MAX_ATTACHMENT_BYTES", 1000)
    with pytest.raises(InputError, match="for stor"):
        read_submission(att("skema.xlsx", _form_xlsx()), CL, "hires")


def test_a_kind_without_a_form_is_a_usage_error():
    from docauto.errors import UsageError

    with pytest.raises(UsageError):
        read_submission(att("skema.xlsx", _form_xlsx()), CL, "job_ad")


def test_synonyms_come_from_the_mappings_folder(tmp_path, monkeypatch):
    import shutil

    from docauto.resources import mappings_dir

    def build(wb):
        wb.active.append(["Område", "Klynge", "Medarbejder", "E-mail", "Tiltrædelsesdato"])
        wb.active.append(["Amager", "Klynge Amager Strand", "Anne", "a@x.dk", "01.12.2010"])

    data = xlsx_bytes(build)
    assert "Navn" not in read_submission(att("a.xlsx", data), CL, "hires").columns
    folder = tmp_path / "mappings"
    shutil.copytree(mappings_dir(), folder)
    path = folder / "kolonner.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "    - Ansat\n", "    - Ansat\n    - Medarbejder\n", 1
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("DOCAUTO_MAPPINGS", str(folder))
    result = read_submission(att("a.xlsx", data), CL, "hires")
    assert values(result, "Navn") == [("Anne",)]


# --- job ads ---------------------------------------------------------------------------------


def _ad(text: str, properties: dict[str, str] | None = None) -> bytes:
    import docx

    from docauto.office.docprops import with_custom_properties

    doc = docx.Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    data = buf.getvalue()
    if not properties:
        return data
    src = zipfile.ZipFile(io.BytesIO(data))
    members = [(i, src.read(i.filename)) for i in src.infolist()]
    replaced: dict[str, bytes] = {}
    members = with_custom_properties(members, replaced, properties)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, blob in members:
            z.writestr(info.filename, replaced.get(info.filename, blob))
    return out.getvalue()


def test_identify_job_ad_from_properties():
    data = _ad(
        "Stillingsannonce",
        {
            "docauto.kind": "stillingsopslag",
            "docauto.rolle": PL,
            "docauto.klynge_id": "K001",
            "docauto.enheds_id": "E002",
        },
    )
    assert identify_job_ad(att("annonce.docx", data, DOCX)) == {
        "role": PL,
        "cluster_id": "K001",
        "unit_id": "E002",
        "how": "properties",
    }


def test_our_other_documents_are_not_job_ads():
    data = _ad(
        "Klyngeleder til Klynge Amager Strand (K001)",
        {"docauto.kind": "committee_letter", "docauto.rolle": CL, "docauto.klynge_id": "K001"},
    )
    assert identify_job_ad(att("udpegning.docx", data, DOCX)) is None


def test_identify_job_ad_from_text():
    from docauto.structure.model import Area, Cluster, Structure, Unit

    unit = Unit("E001", "Solsikken", "K001")
    cluster = Cluster("K001", "Klynge Amager Strand", "Amager", "Kommunal klynge", units=(unit,))
    structure = Structure(
        areas={"Amager": Area("Amager", "H", "h@x.dk")},
        clusters={"K001": cluster},
        units={"E001": unit},
    )
    data = _ad("Klyngeleder til Klynge Amager Strand\nVi søger en klyngeleder.")
    assert identify_job_ad(att("a.docx", data, DOCX), structure) == {
        "role": CL,
        "cluster_id": "K001",
        "unit_id": None,
        "how": "text",
    }
    assert identify_job_ad(att("a.docx", _ad("Klyngeleder (K001)"), DOCX)) == {
        "role": CL,
        "cluster_id": "K001",
        "unit_id": None,
        "how": "text",
    }


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.docx", b"not a zip"),
        ("a.pdf", b"%PDF"),
    ],
)
def test_identify_job_ad_unsure_or_unreadable_is_none(name, data):
    assert identify_job_ad(att(name, data)) is None


def test_identify_job_ad_without_position_is_none():
    assert identify_job_ad(att("a.docx", _ad("Stillingsannonce\nKlyngeleder"), DOCX)) is None
    both = _ad("Klyngeleder og pædagogisk leder, K001")
    assert identify_job_ad(att("a.docx", both, DOCX)) is None


def test_identify_the_job_ad_docauto_generates(tmp_path):
    """The real generator's output, as an area chief mails it back."""
    from click.testing import CliRunner

    from docauto.cli import cli
    from docauto.resources import data_dir

    out = tmp_path / "ads"
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            "stillingsopslag",
            "--structure",
            str(data_dir() / "demo" / "struktur.yaml"),
            "--out",
            str(out),
            "--only",
            "K001",
            "--data",
            str(data_dir() / "demo" / "udfordringer.yaml"),
        ],
    )
    assert result.exit_code == 0, result.output
    [ad] = list(out.glob("*.docx"))
    assert identify_job_ad(att(ad.name, ad.read_bytes(), DOCX)) == {
        "role": CL,
        "cluster_id": "K001",
        "unit_id": None,
        "how": "properties",
    }
