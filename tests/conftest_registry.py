"""Fixtures for the registry and ingest tests: a small municipality, and builders for the mails
area chiefs send (forms as .xlsx in REGISTRY.md §2 shape, CSV, Word tables, job ads)."""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

STRUCTURE = {
    "Områder": [
        {
            "Område": "Nord",
            "Områdechef": "Nora Nielsen",
            "E-mail": "nora@buf.test.dk",
            "Souschef": "Niels Dahl",
            "Souschef e-mail": "niels@buf.test.dk",
        },
        {
            "Område": "Syd",
            "Områdechef": "Sara Sørensen",
            "E-mail": "sara@buf.test.dk",
            "Souschef": "Svend Bo",
            "Souschef e-mail": "svend@buf.test.dk",
        },
    ],
    "Klynger": [
        {
            "Klynge-ID": "K01",
            "Klynge": "Klynge Nordhavn",
            "Område": "Nord",
            "Type": "Kommunal klynge",
        },
        {
            "Klynge-ID": "K02",
            "Klynge": "Klynge Nordvest",
            "Område": "Nord",
            "Type": "Selvejende klynge",
            "Paraplyorganisation": "SBBU",
            "Model": "1",
        },
        {
            "Klynge-ID": "K03",
            "Klynge": "Klynge Sydhavn",
            "Område": "Syd",
            "Type": "Kommunal klynge",
        },
        {
            "Klynge-ID": "N01",
            "Klynge": "Netværk Syd",
            "Område": "Syd",
            "Type": "Netværk",
            "Paraplyorganisation": "Børneringen",
        },
    ],
    "Enheder": [
        {
            "Enheds-ID": "E01",
            "Enhed": "Børnehuset Anemonen",
            "Klynge-ID": "K01",
            "Antal børn": 60,
            "Aldersgruppe": "0-6",
        },
        {
            "Enheds-ID": "E02",
            "Enhed": "Vuggestuen Bøgen",
            "Klynge-ID": "K01",
            "Antal børn": 40,
            "Aldersgruppe": "0-3",
        },
        {
            "Enheds-ID": "E03",
            "Enhed": "Børnehaven Cikorie",
            "Klynge-ID": "K02",
            "Antal børn": 50,
            "Aldersgruppe": "3-6",
        },
        {
            "Enheds-ID": "E04",
            "Enhed": "Børnehuset Delfinen",
            "Klynge-ID": "K03",
            "Antal børn": 70,
            "Aldersgruppe": "0-6",
        },
        {
            "Enheds-ID": "E05",
            "Enhed": "Fritids Egern",
            "Klynge-ID": "N01",
            "Antal børn": 90,
            "Aldersgruppe": "6-10",
        },
    ],
}
HR = "jobbank@buf.test.dk"
NORD = ("Nora Nielsen", "nora@buf.test.dk")
NORD_DEPUTY = ("Niels Dahl", "niels@buf.test.dk")
SYD = ("Sara Sørensen", "sara@buf.test.dk")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FORM_HEADERS = {
    ("cluster_leader", "applicants"): [
        "Område",
        "Klynge",
        "Ansøger",
        "E-mail",
        "Nuværende stilling",
        "Nuværende arbejdssted",
    ],
    ("pedagogical_leader", "applicants"): [
        "Område",
        "Klynge",
        "Enhed",
        "Ansøger",
        "E-mail",
        "Nuværende stilling",
        "Nuværende arbejdssted",
    ],
    ("cluster_leader", "candidates"): ["Område", "Klynge", "Kandidat", "E-mail", "Prioritet"],
    ("pedagogical_leader", "candidates"): [
        "Område",
        "Klynge",
        "Enhed",
        "Kandidat",
        "E-mail",
        "Prioritet",
    ],
    ("cluster_leader", "hires"): ["Område", "Klynge", "Navn", "E-mail", "Tiltrædelsesdato"],
    ("pedagogical_leader", "hires"): [
        "Område",
        "Klynge",
        "Enhed",
        "Navn",
        "E-mail",
        "Tiltrædelsesdato",
    ],
    ("pedagogical_leader", "unfilled"): ["Område", "Klynge", "Enhed", "Bemærkning"],
    ("pedagogical_leader", "vacancies"): ["Område", "Klynge", "Enhed", "Bemærkning"],
}


@pytest.fixture
def hr_structure_file(tmp_path: Path) -> Path:
    path = tmp_path / "struktur.yaml"
    path.write_text(
        yaml.safe_dump(STRUCTURE, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return path


@pytest.fixture
def hr_structure(hr_structure_file: Path):
    from docauto.structure.model import load_structure

    return load_structure(hr_structure_file)


def xlsx_form(
    header: list[str], rows: list[list[Any]], *, title_rows: int = 0, sheet: str = "Registrering"
) -> bytes:
    """A form: optional title rows, the header, then rows; text stays text (as typed)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for i in range(title_rows):
        ws.cell(row=i + 1, column=1, value="Registreringsskema" if i == 0 else None)
    for r, values in enumerate([header, *rows], start=title_rows + 1):
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            if isinstance(v, str):
                cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_form(header: list[str], rows: list[list[Any]]) -> bytes:
    lines = [";".join(header)] + [";".join(str(v) for v in r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def docx_table_form(header: list[str], rows: list[list[Any]]) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("Hermed registreringen.")
    t = d.add_table(rows=1, cols=len(header))
    for cell, text in zip(t.rows[0].cells, header, strict=True):
        cell.text = text
    for r in rows:
        for cell, text in zip(t.add_row().cells, r, strict=True):
            cell.text = str(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def job_ad(
    role: str, cluster_id: str, unit_id: str | None = None, text: str = "Stillingsannonce"
) -> bytes:
    """A .docx carrying the custom properties docauto's job-ad generator writes."""
    import docx

    from docauto.office.docprops import with_custom_properties

    d = docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    props = {"docauto.kind": "job_ad", "docauto.rolle": role, "docauto.klynge_id": cluster_id}
    if unit_id:
        props["docauto.enheds_id"] = unit_id
    zin = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    members = [(i, zin.read(i.filename)) for i in zin.infolist()]
    replaced: dict[str, bytes] = {}
    members = with_custom_properties(members, replaced, props)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            z.writestr(info.filename, replaced.get(info.filename, data))
    return out.getvalue()


_counter = itertools.count(1)


def mail(
    subject: str,
    sender: tuple[str, str],
    attachments: list[tuple[str, str, bytes]] = (),
    *,
    message_id: str | None = None,
    when: datetime | None = None,
    body: str = "Hermed registreringen.",
) -> bytes:
    n = next(_counter)
    msg = EmailMessage()
    msg["From"] = formataddr(sender)
    msg["To"] = HR
    msg["Subject"] = subject
    when = when or datetime(2010, 10, 14, 9, 30)
    if when.tzinfo is None:  # a test's wall-clock time is Copenhagen time, as the registry's
        when = when.replace(tzinfo=ZoneInfo("Europe/Copenhagen"))
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = message_id or f"<test-{n}@buf.test.dk>"
    msg.set_content(body)
    for filename, ctype, data in attachments:
        main, sub = ctype.split("/", 1)
        msg.add_attachment(data, maintype=main, subtype=sub, filename=filename)
    return msg.as_bytes()


class Mailbox:
    """A dir: mailbox in tmp_path; files are numbered so they are read in order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def add(self, raw: bytes, name: str = "mail") -> Path:
        self.n += 1
        path = self.folder / f"{self.n:04d}-{name}.eml"
        path.write_bytes(raw)
        return path

    @property
    def spec(self) -> str:
        return f"dir:{self.folder}"


@pytest.fixture
def hr_mailbox(tmp_path: Path) -> Mailbox:
    return Mailbox(tmp_path / "indbakke")


@pytest.fixture
def hr_registry(tmp_path: Path, hr_structure_file: Path) -> Path:
    """An initialised registry in its own folder (so the folder's contents can be checked)."""
    from click.testing import CliRunner

    from docauto.cli import cli

    path = tmp_path / "hr" / "register.xlsx"
    path.parent.mkdir()
    result = CliRunner().invoke(
        cli, ["registry", "init", "--structure", str(hr_structure_file), "--registry", str(path)]
    )
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def hr_ingest(
    hr_structure_file: Path, hr_mailbox: Mailbox, hr_registry: Path
) -> Callable[..., dict]:
    """Run 'docauto mail ingest --json' (CliRunner) and return the parsed summary."""
    import json

    from click.testing import CliRunner

    from docauto.cli import cli

    def run(*extra: str, registry_path: Path | None = None, expect_exit: int = 0) -> dict:
        result = CliRunner().invoke(
            cli,
            [
                "mail",
                "ingest",
                "--source",
                hr_mailbox.spec,
                "--structure",
                str(hr_structure_file),
                "--registry",
                str(registry_path or hr_registry),
                "--hr-address",
                HR,
                "--json",
                *extra,
            ],
        )
        assert result.exit_code == expect_exit, (result.output, result.exception)
        return json.loads(result.stdout.strip().splitlines()[-1]) if expect_exit == 0 else {}

    return run


def sheet(path: Path, name: str) -> list[dict[str, Any]]:
    from docauto.registry import read_sheet

    return read_sheet(path, name)


def inbox_by_id(path: Path) -> dict[str, dict[str, Any]]:
    return {r["Message-ID"]: r for r in sheet(path, "Indbakke")}


def stream_sheets(monkeypatch: Any, window: int) -> None:
    """Make the writer stream every sheet (as it does those over 4 MB), in odd small pieces,
    keeping only ``window`` bytes of a sheet's last rows."""
    from docauto.registry import sheetedit

    monkeypatch.setattr(sheetedit, "STREAM_MIN", 0)
    monkeypatch.setattr(sheetedit, "_CHUNK", 97)
    monkeypatch.setattr(sheetedit, "_PREFIX", 600)
    monkeypatch.setattr(sheetedit, "_WINDOW", window)


def big_inbox(path: Path, rows: int, *, totals: bool) -> None:
    """A registry whose Indbakke has ``rows`` rows HR typed, and maybe a SUM row under them."""
    import openpyxl

    from docauto.registry import schema
    from docauto.registry.writer import RegistryWriter

    w = RegistryWriter.open(path)
    for i in range(rows):
        w.append(schema.INBOX, {"Message-ID": f"<old-{i}@x>", "Emne": f"emne {i}", "Rækker": i})
    w.save()
    if totals:
        wb = openpyxl.load_workbook(path)
        ws = wb[schema.INBOX]
        ws.cell(rows + 2, 1, "I alt")
        ws.cell(rows + 2, 8, f"=SUM(H2:H{rows + 1})")
        wb.save(path)
