"""validate_rows: form rows against the structure, every problem in Danish with its place."""

from __future__ import annotations

from datetime import date

import pytest

from docauto.mail.readers import ReadResult, ReadRow
from docauto.mail.validate import nearest, required_columns, validate_rows
from docauto.structure.model import Area, Cluster, Structure, Unit

CL, PL = "cluster_leader", "pedagogical_leader"


@pytest.fixture(scope="module")
def structure() -> Structure:
    units = {
        "E001": Unit("E001", "Solsikken", "K001"),
        "E002": Unit("E002", "Mælkebøtten", "K001"),
        "E003": Unit("E003", "Æblehaven", "K002"),
    }
    clusters = {
        "K001": Cluster(
            "K001",
            "Klynge Amager Strand",
            "Amager",
            "Kommunal klynge",
            units=(units["E001"], units["E002"]),
        ),
        "K002": Cluster(
            "K002", "Klynge Valby Syd", "Valby", "Kommunal klynge", units=(units["E003"],)
        ),
        "N001": Cluster("N001", "Netværk Børneringen Amager", "Amager", "Netværk"),
    }
    areas = {
        "Amager": Area("Amager", "Hanne", "hh@x.dk"),
        "Valby": Area("Valby", "Lise", "ll@x.dk"),
    }
    return Structure(areas=areas, clusters=clusters, units=units)


def result(kind: str, rows: list[dict], columns: list[str] | None = None) -> ReadResult:
    cols = columns or sorted({k for r in rows for k in r})
    return ReadResult(
        source="skema.xlsx, ark 'Registrering'",
        file="skema.xlsx",
        sheet="Registrering",
        columns=cols,
        rows=[ReadRow(i + 2, r, "Registrering") for i, r in enumerate(rows)],
    )


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_valid_hires_rows_are_resolved(structure):
    rows = [
        {
            "Område": "amager",
            "Klynge": "K001",
            "Enhed": "solsikken",
            "Navn": "Anne Ager",
            "E-mail": "anne@x.dk",
            "Tiltrædelsesdato": "01.12.2010",
        },
        {
            "Område": "Valby",
            "Klynge": "Klynge Valby Syd",
            "Enhed": "E003",
            "Navn": "Bo",
            "E-mail": "bo@x.dk",
            "Tiltrædelsesdato": 40513,
        },
    ]
    subs, problems = validate_rows(result("hires", rows), structure, PL, "hires")
    assert problems == []
    assert [(s.area, s.cluster_id, s.unit_id) for s in subs] == [
        ("Amager", "K001", "E001"),
        ("Valby", "K002", "E003"),
    ]
    assert subs[0].values == {
        "Område": "Amager",
        "Klynge": "Klynge Amager Strand",
        "Enhed": "Solsikken",
        "Navn": "Anne Ager",
        "E-mail": "anne@x.dk",
        "Tiltrædelsesdato": date(2010, 12, 1),
    }
    assert subs[1].values["Tiltrædelsesdato"] == date(2010, 12, 1)
    assert subs[0].row.number == 2


def test_unknown_cluster_names_the_nearest(structure):
    rows = [
        {
            "Område": "Amager",
            "Klynge": "Klynge Amagerstrand",
            "Kandidat": "A",
            "E-mail": "a@x.dk",
            "Prioritet": 1,
        }
    ]
    subs, problems = validate_rows(result("candidates", rows), structure, CL, "candidates")
    assert subs == []
    assert messages(problems) == [
        "skema.xlsx, ark 'Registrering', række 2, kolonne 'Klynge': ukendt klynge "
        "'Klynge Amagerstrand' — mente du 'Klynge Amager Strand'?"
    ]
    assert problems[0].location.row == 2 and problems[0].location.column == "Klynge"


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ({"Område": "Amagr"}, "Område", "ukendt område 'Amagr' — mente du 'Amager'?"),
        ({"Område": ""}, "Område", "området mangler"),
        ({"Klynge": ""}, "Klynge", "klyngen mangler"),
        ({"Klynge": "Helt Forkert"}, "Klynge", "ukendt klynge 'Helt Forkert'"),
        (
            {"Klynge": "Klynge Valby Syd", "Enhed": "Æblehaven"},
            "Klynge",
            "klyngen 'Klynge Valby Syd' hører til området 'Valby', ikke 'Amager'",
        ),
        (
            {"Enhed": "Æblehaven"},
            "Enhed",
            "enheden 'Æblehaven' hører ikke til klyngen 'Klynge Amager Strand' (men til 'Klynge Valby Syd')",
        ),
        ({"Enhed": "Solsikke"}, "Enhed", "ukendt enhed 'Solsikke' — mente du 'Solsikken'?"),
        ({"Enhed": ""}, "Enhed", "enheden mangler"),
        ({"Kandidat": " "}, "Kandidat", "navnet mangler"),
        ({"E-mail": "anne.x.dk"}, "E-mail", "ugyldig e-mailadresse 'anne.x.dk'"),
        ({"E-mail": None}, "E-mail", "e-mailadressen mangler"),
        ({"Prioritet": 0}, "Prioritet", "helt tal fra 1"),
        ({"Prioritet": "første"}, "Prioritet", "ikke 'første'"),
        ({"Prioritet": 1.5}, "Prioritet", "helt tal"),
    ],
)
def test_one_problem_per_bad_value(structure, row, column, fragment):
    base = {
        "Område": "Amager",
        "Klynge": "Klynge Amager Strand",
        "Enhed": "Solsikken",
        "Kandidat": "Anne",
        "E-mail": "anne@x.dk",
        "Prioritet": 1,
    }
    subs, problems = validate_rows(
        result("candidates", [{**base, **row}]), structure, PL, "candidates"
    )
    assert subs == []
    assert len(problems) == 1, messages(problems)
    assert problems[0].location.column == column
    assert fragment in problems[0].message


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("08.10.2010", True),
        ("8/10/2010", True),
        ("2010-10-08", True),
        (40459, True),
        (date(2010, 10, 8), True),
        ("31.02.2010", False),
        ("i morgen", False),
        (None, False),
    ],
)
def test_dates(structure, value, ok):
    row = {
        "Område": "Amager",
        "Klynge": "K001",
        "Navn": "A",
        "E-mail": "a@x.dk",
        "Tiltrædelsesdato": value,
    }
    subs, problems = validate_rows(result("hires", [row]), structure, CL, "hires")
    if ok:
        assert problems == [] and subs[0].values["Tiltrædelsesdato"] == date(2010, 10, 8)
    else:
        assert subs == [] and problems[0].location.column == "Tiltrædelsesdato"


def test_priority_may_be_blank_only_for_a_single_candidate(structure):
    one = [{"Område": "Amager", "Klynge": "K001", "Kandidat": "A", "E-mail": "a@x.dk"}]
    subs, problems = validate_rows(
        result("candidates", one, ["Område", "Klynge", "Kandidat", "E-mail", "Prioritet"]),
        structure,
        CL,
        "candidates",
    )
    assert problems == [] and subs[0].values["Prioritet"] == 1
    two = one + [
        {
            "Område": "Amager",
            "Klynge": "K001",
            "Kandidat": "B",
            "E-mail": "b@x.dk",
            "Prioritet": "2",
        }
    ]
    subs, problems = validate_rows(
        result("candidates", two, ["Område", "Klynge", "Kandidat", "E-mail", "Prioritet"]),
        structure,
        CL,
        "candidates",
    )
    assert [s.values["Kandidat"] for s in subs] == ["B"]
    assert [p.location.row for p in problems] == [2]
    assert subs[0].values["Prioritet"] == 2


def test_missing_columns_are_reported_once_each(structure):
    rows = [{"Område": "Amager", "Klynge": "K001", "Navn": "A"}]
    subs, problems = validate_rows(result("hires", rows), structure, PL, "hires")
    assert subs == []
    assert sorted(p.location.column for p in problems) == ["E-mail", "Enhed", "Tiltrædelsesdato"]
    assert all("mangler i skemaet" in p.message for p in problems)


def test_required_columns_follow_the_role():
    assert required_columns("hires", CL) == [
        "Område",
        "Klynge",
        "Navn",
        "E-mail",
        "Tiltrædelsesdato",
    ]
    assert required_columns("hires", PL) == [
        "Område",
        "Klynge",
        "Enhed",
        "Navn",
        "E-mail",
        "Tiltrædelsesdato",
    ]
    assert required_columns("applicants", CL) == ["Område", "Klynge", "Ansøger", "E-mail"]
    assert required_columns("unfilled", CL) == ["Område", "Klynge"]


def test_unfilled_cluster_leader_needs_no_unit_but_a_named_one_must_exist(structure):
    rows = [
        {"Område": "Amager", "Klynge": "K001", "Enhed": "", "Bemærkning": "ingen egnede"},
        {"Område": "Amager", "Klynge": "N001", "Enhed": "Solsikken", "Bemærkning": ""},
    ]
    subs, problems = validate_rows(result("unfilled", rows), structure, CL, "unfilled")
    assert [s.cluster_id for s in subs] == ["K001"]
    assert subs[0].unit_id is None and subs[0].values["Bemærkning"] == "ingen egnede"
    assert {p.location.row for p in problems} == {3}  # a network, and a unit not in it


def test_text_is_kept_as_written_but_without_control_characters(structure):
    rows = [
        {
            "Område": "Amager",
            "Klynge": "K001",
            "Ansøger": '=HYPERLINK("x")\x07',
            "E-mail": "a@x.dk",
            "Nuværende stilling": "+45 leder\x00 ",
            "Nuværende arbejdssted": "@Solsikken\u200b",
        }
    ]
    subs, problems = validate_rows(result("applicants", rows), structure, CL, "applicants")
    assert problems == []
    assert subs[0].values["Ansøger"] == '=HYPERLINK("x")'
    assert subs[0].values["Nuværende stilling"] == "+45 leder"
    assert subs[0].values["Nuværende arbejdssted"] == "@Solsikken"


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("anne@x.dk", "anne@x.dk"),
        ("mailto:anne@x.dk", "anne@x.dk"),
        ("Anne Ager <anne@x.dk>", "anne@x.dk"),
        (" Anne@X.dk ", "Anne@X.dk"),
    ],
)
def test_email_written_as_link_or_with_name(structure, written, stored):
    row = {
        "Område": "Amager",
        "Klynge": "K001",
        "Navn": "A",
        "E-mail": written,
        "Tiltrædelsesdato": "01.12.2010",
    }
    subs, problems = validate_rows(result("hires", [row]), structure, CL, "hires")
    assert problems == [] and subs[0].values["E-mail"] == stored


def test_reader_problems_are_not_repeated_and_an_empty_form_is_a_problem(structure):
    from docauto.errors import Location, Problem

    empty = ReadResult(source="s.xlsx", file="s.xlsx", columns=["Område", "Klynge", "Bemærkning"])
    subs, problems = validate_rows(empty, structure, CL, "unfilled")
    assert subs == [] and [p.message for p in problems] == [
        "skemaet indeholder ingen udfyldte rækker"
    ]
    reader_problem = Problem(Location(file="s.xlsx"), "ingen genkendelig overskriftsrække")
    no_header = ReadResult(source="s.xlsx", file="s.xlsx", problems=[reader_problem])
    # The caller reports the reader's problems; validation adds none of its own here.
    assert validate_rows(no_header, structure, CL, "unfilled") == ([], [])


def test_a_kind_without_a_form(structure):
    subs, problems = validate_rows(ReadResult(source="s.xlsx"), structure, CL, "senior")
    assert subs == [] and "intet registreringsskema" in problems[0].message


def test_nearest_prefers_a_spacing_only_difference():
    names = ["Klynge Amager Strand", "Klynge Øresund", "Klynge Valby Syd"]
    assert nearest("klynge amagerstrand", names) == ["Klynge Amager Strand"]
    assert nearest("Xyz", names) == []


def test_end_to_end_from_an_xlsx_attachment(structure):
    import io

    import openpyxl

    from docauto.mail.message import Attachment
    from docauto.mail.readers import read_submission

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Registrering"
    ws.append(["Område", "Klynge", "Enhed", "Kandidat", "E-mail", "Prioritet"])
    ws.append(["Amager", "Klynge Amager Strand", "Mælkebøtten", "Carl", "carl@x.dk", "1"])
    ws.append(["Amager", "Klynge Amagerstrand", "Mælkebøtten", "Dina", "dina@x.dk", 2])
    buf = io.BytesIO()
    wb.save(buf)
    read = read_submission(
        Attachment("k.xlsx", "application/octet-stream", buf.getvalue()), PL, "candidates"
    )
    subs, problems = validate_rows(read, structure, PL, "candidates")
    assert [(s.cluster_id, s.unit_id, s.values["Prioritet"]) for s in subs] == [("K001", "E002", 1)]
    assert messages(problems) == [
        "k.xlsx, ark 'Registrering', række 3, kolonne 'Klynge': ukendt klynge "
        "'Klynge Amagerstrand' — mente du 'Klynge Amager Strand'?"
    ]


def test_form_inside_a_forwarded_mail_end_to_end(structure):
    """A real .xlsx form, attached with an RFC 2231 name to a mail that is then forwarded as
    message/rfc822 with an encoded subject: parse, classify, read and validate."""
    import io
    from email.message import EmailMessage
    from email.policy import SMTP

    import openpyxl

    from docauto.mail.classify import classify
    from docauto.mail.message import parse_mail
    from docauto.mail.readers import read_submission

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Registrering"
    ws.append(["Område", "Klynge", "Enhed", "Navn", "E-mail", "Tiltrædelsesdato"])
    ws.append(["Amager", "Klynge Amager Strand", "Mælkebøtten", "Søren Ærø", "s@x.dk", "1/12/2010"])
    buf = io.BytesIO()
    wb.save(buf)
    inner = EmailMessage()
    inner["From"] = "Hanne <hh@x.dk>"
    inner["Subject"] = "Pædagogisk Leder – Ansættelser"
    inner.set_content("Hermed")
    inner.add_attachment(
        buf.getvalue(),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename="Ansættelser – Amager, pædagogiske ledere.xlsx",
    )
    outer = EmailMessage()
    outer["From"] = "Hanne Holm <hh@x.dk>"
    outer["Subject"] = "VS: Pædagogisk Leder – Ansættelser"
    outer.set_content("Videresendt igen")
    outer.add_attachment(inner)
    parsed = parse_mail(outer.as_bytes(policy=SMTP), "fwd.eml")
    c = classify(parsed.subject)
    assert (c.role, c.kind, c.round) == (PL, "hires", None)
    [form] = parsed.attachments
    assert form.filename == "Ansættelser – Amager, pædagogiske ledere.xlsx"
    assert form.origin == "vedhæftet mail"
    read = read_submission(form, c.role, c.kind)
    subs, problems = validate_rows(read, structure, c.role, c.kind)
    assert problems == []
    assert [
        (s.cluster_id, s.unit_id, s.values["Navn"], s.values["Tiltrædelsesdato"]) for s in subs
    ] == [("K001", "E002", "Søren Ærø", date(2010, 12, 1))]


@pytest.mark.parametrize("role", [CL, PL])
def test_a_network_has_no_position_to_register(structure, role):
    """Networks have coordinators and their institutions are their own employers: a form that
    names one is refused with that reason (the rule of registry init, ads and forms)."""
    row = {
        "Område": "Amager",
        "Klynge": "Netværk Børneringen Amager",
        "Enhed": "",
        "Bemærkning": "x",
    }
    subs, problems = validate_rows(result("unfilled", [row]), structure, role, "unfilled")
    assert subs == []
    text = " ".join(messages(problems))
    assert "kommunen rekrutterer ikke her" in text and "koordinator" in text
    ok = {"Område": "Amager", "Klynge": "Klynge Amager Strand", "Bemærkning": "x"}
    subs, problems = validate_rows(result("unfilled", [ok]), structure, CL, "unfilled")
    assert len(subs) == 1 and problems == []
