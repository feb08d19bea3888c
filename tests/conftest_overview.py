"""Fixtures for the overview tests: registries built the real way, through `mail ingest`
from .eml files carrying registration forms (REGISTRY.md §2)."""

from __future__ import annotations

import datetime as dt
import io
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

STRUCTURE = Path(__file__).parent / "data" / "struktur-lille.yaml"
# Area chiefs of the small structure (tests/data/struktur-lille.yaml).
CHIEF = {"Amager": "hh@buf.test.dk", "Valby": "ll@buf.test.dk", "Nørrebro": "nn@buf.test.dk"}
PREFIX = {"cluster_leader": "Klyngeleder", "pedagogical_leader": "Pædagogisk Leder"}
KIND_TEXT = {
    "applicants": "Registrering af ansøgningerne",
    "candidates": "Registrering af kandidaten",
    "unfilled": "Registrering af IKKE besatte stillinger",
    "hires": "Ansættelser",
    "vacancies": "Indberetning af vakante stillinger",
}


def form_xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Registrering"
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


class Mailbox:
    """A folder of .eml files, each a submission from an area chief with a form attached."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def send(
        self,
        area: str,
        role: str,
        kind: str,
        rows: list[list[Any]],
        when: dt.date,
        round: int | None = None,
        subject: str | None = None,
    ) -> str:
        from docauto.recruitment.kinds.forms import form_columns

        headers = form_columns(role, kind)
        if subject is None:
            subject = f"{PREFIX[role]} – {KIND_TEXT[kind]}" + (" 2. runde" if round == 2 else "")
        msg = EmailMessage()
        msg["From"] = f"Områdechef <{CHIEF[area]}>"
        msg["To"] = "jobbank@buf.kk.dk"
        msg["Subject"] = subject
        msg["Date"] = format_datetime(dt.datetime.combine(when, dt.time(10, 0)).astimezone())
        mid = make_msgid(domain="test.dk")
        msg["Message-ID"] = mid
        msg.set_content("Hermed skemaet.\n\nVenlig hilsen\nOmrådechefen\n")
        msg.add_attachment(
            form_xlsx(headers, rows),
            maintype="application",
            subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename=f"skema-{kind}.xlsx",
        )
        self.n += 1
        (self.folder / f"{self.n:03d}.eml").write_bytes(bytes(msg))
        return mid

    def send_job_ad(
        self, area: str, role: str, cluster_id: str, when: dt.date, unit_id: str | None = None
    ) -> None:
        """A job ad as docauto's generator marks it: custom properties with role and ids."""
        from docx import Document

        from docauto.office.engine import prepare

        doc = Document()
        doc.add_paragraph("Stillingsannonce")
        template = self.folder.parent / f"annonce-{self.n}.docx"
        doc.save(template)
        props = {
            "docauto.rolle": role,
            "docauto.klynge_id": cluster_id,
            "docauto.kind": "stillingsopslag",
        }
        if unit_id:
            props["docauto.enheds_id"] = unit_id
        data = prepare(template).render({}, properties=props)
        msg = EmailMessage()
        msg["From"] = f"Områdechef <{CHIEF[area]}>"
        msg["To"] = "jobbank@buf.kk.dk"
        msg["Subject"] = f"{PREFIX[role]} - Stillingsannonce"
        msg["Date"] = format_datetime(dt.datetime.combine(when, dt.time(10, 0)).astimezone())
        msg["Message-ID"] = make_msgid(domain="test.dk")
        msg.set_content("Annoncen er vedhæftet.\n")
        msg.add_attachment(
            data,
            maintype="application",
            subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
            filename=f"annonce-{cluster_id}.docx",
        )
        self.send_raw(msg)

    def send_raw(self, msg: EmailMessage) -> None:
        self.n += 1
        (self.folder / f"{self.n:03d}.eml").write_bytes(bytes(msg))


def run_cli(args: list[str]) -> Any:
    from docauto.cli import cli

    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result


class RegistryFixture:
    def __init__(self, tmp: Path, structure: Path = STRUCTURE) -> None:
        self.dir = tmp / "register"
        self.dir.mkdir(parents=True)
        self.path = self.dir / "register.xlsx"
        self.mailbox = Mailbox(tmp / "indbakke")
        self.structure = structure
        r = run_cli(
            ["registry", "init", "--structure", str(structure), "--registry", str(self.path)]
        )
        assert r.exit_code == 0, r.output

    def ingest(self) -> dict[str, Any]:
        import json

        r = run_cli(
            [
                "mail",
                "ingest",
                "--source",
                f"dir:{self.mailbox.folder}",
                "--structure",
                str(self.structure),
                "--registry",
                str(self.path),
                "--json",
            ]
        )
        assert r.exit_code == 0, r.output
        return json.loads(r.output.strip().splitlines()[-1])

    def cli(self, *args: str) -> Any:
        return run_cli([*args])


@pytest.fixture
def registry(tmp_path: Path) -> RegistryFixture:
    return RegistryFixture(tmp_path)
