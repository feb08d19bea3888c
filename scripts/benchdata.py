"""Fixtures for scripts/bench.py's ingest benchmark: a registry that already holds many rows and
a mailbox of many registration mails from the demo municipality's area chiefs.

    from benchdata import make_ingest_fixture
    registry, mailbox, structure = make_ingest_fixture(tmp, n_mails=1000, n_rows=10000)
"""

from __future__ import annotations

import io
import sys
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = ["Område", "Klynge", "Ansøger", "E-mail", "Nuværende stilling", "Nuværende arbejdssted"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_TEMPLATE: dict[str, bytes] = {}


def _form(rows: list[list[str]]) -> bytes:
    """An area chief's form as .xlsx. Made once with openpyxl, then only the text is swapped,
    so 10,000 forms take seconds."""
    import zipfile

    if not _TEMPLATE:
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Registrering"
        ws.append(HEADER)
        for r in range(len(rows)):
            ws.append([f"@@{r}.{c}@@" for c in range(len(HEADER))])
        buf = io.BytesIO()
        wb.save(buf)
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
            _TEMPLATE.update({n: z.read(n) for n in z.namelist()})
    from xml.sax.saxutils import escape

    parts = {}
    for name, data in _TEMPLATE.items():
        if b"@@" in data:  # the shared strings, or the sheet where openpyxl wrote them inline
            text = data.decode()
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    text = text.replace(f"@@{r}.{c}@@", escape(str(value)))
            data = text.encode()
        parts[name] = data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def make_ingest_fixture(tmp: Path, n_mails: int, n_rows: int) -> tuple[Path, Path, Path]:
    """(registry.xlsx holding ~n_rows rows, mailbox folder with n_mails .eml, structure.yaml)."""
    registry, structure_path = make_registry(tmp, n_rows)
    mailbox = make_mailbox(Path(tmp) / "indbakke", n_mails)
    return registry, mailbox, structure_path


def make_registry(tmp: Path, n_rows: int) -> tuple[Path, Path]:
    """(registry.xlsx holding ~n_rows rows, one Indbakke row and memory row per 9 of them,
    structure.yaml)."""
    from docauto.registry import schema
    from docauto.registry.init import init_registry
    from docauto.registry.workbook import RegistryBook
    from docauto.structure.model import load_structure

    tmp = Path(tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    structure_path = ROOT / "docauto" / "data" / "demo" / "struktur.yaml"
    structure = load_structure(structure_path)
    registry = tmp / "register.xlsx"
    if registry.exists():
        registry.unlink()
    init_registry(structure, registry)

    clusters = [c for c in structure.clusters.values() if not c.is_network]
    start = datetime(2010, 10, 1, 8, 0)
    book = RegistryBook.open(registry)
    n_old_mails = max(1, n_rows // 10)
    for i in range(n_rows - n_old_mails):
        c = clusters[i % len(clusters)]
        book.append(
            schema.APPLICATIONS,
            {
                "Stillingstype": "Klyngeleder",
                "Område": c.area,
                "Klynge": c.name,
                "Ansøger": f"Tidligere Ansøger {i}",
                "E-mail": f"tidligere{i}@buf.demokommune.dk",
                "Nuværende stilling": "Institutionsleder",
                "Nuværende arbejdssted": "Huset",
                "Modtaget": start,
                "Kilde": f"<old-{i // 9}@bench>",
            },
        )
    for j in range(n_old_mails):
        book.append(
            schema.INBOX,
            {
                "Message-ID": f"<old-{j}@bench>",
                "Modtaget": start,
                "Afsender": "x@buf.demokommune.dk",
                "Emne": "Klyngeleder – Registrering af ansøgningerne",
                "Status": "Registreret",
                "Rækker": 9,
            },
        )
    memory = book.wb[schema.STATE_SHEET]
    for j in range(n_old_mails):
        memory.append([f"<old-{j}@bench>", None, "Registreret"])
    book.save()
    return registry, structure_path


def make_mailbox(mailbox: Path, n_mails: int) -> Path:
    """A folder of n_mails applicant registrations from the demo municipality's chiefs."""
    from docauto.structure.model import load_structure

    structure = load_structure(ROOT / "docauto" / "data" / "demo" / "struktur.yaml")
    clusters = [c for c in structure.clusters.values() if not c.is_network]
    start = datetime(2010, 10, 1, 8, 0)
    mailbox.mkdir(parents=True, exist_ok=True)
    tz = ZoneInfo("Europe/Copenhagen")
    for n in range(n_mails):
        c = clusters[n % len(clusters)]
        area = structure.areas[c.area]
        rows = [
            [
                c.area,
                c.name,
                f"Ny Ansøger {n}-{k}",
                f"ny{n}.{k}@buf.demokommune.dk",
                "Institutionsleder",
                "Huset",
            ]
            for k in range(2)
        ]
        msg = EmailMessage()
        msg["From"] = formataddr((area.chief, area.email))
        msg["To"] = "jobbank@buf.demokommune.dk"
        msg["Subject"] = "Klyngeleder – Registrering af ansøgningerne"
        msg["Date"] = format_datetime((start + timedelta(minutes=n)).replace(tzinfo=tz))
        msg["Message-ID"] = f"<bench-{n}@buf.demokommune.dk>"
        msg.set_content("Hermed ansøgerne.")
        msg.add_attachment(
            _form(rows),
            maintype="application",
            subtype=XLSX.split("/", 1)[1],
            filename="ansøgere.xlsx",
        )
        (mailbox / f"{n:05d}.eml").write_bytes(msg.as_bytes())
    return mailbox
