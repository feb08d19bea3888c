"""Write the demo mailbox: ~50 .eml mails to the jobbank mailbox (the recruitment plan's)
across the recruitment of autumn 2010, from the demo municipality's area chiefs and deputies.

The recruitment is a plausible one, as in the seed: the areas register applicants for all
their cluster-leader positions (current institution leaders of the cluster), most positions
are filled in round 1, seven go to round 2 (re-advertised on 25.10: two without applicants,
five without a suitable candidate), and two areas are late with their hires on 2.12.

    python scripts/make_demo_mailbox.py            # -> docauto/data/demo/indbakke/
    python scripts/make_demo_mailbox.py --out DIR

The mails have what real mail has: SV:/VS:/RE: prefixes, en dash or hyphen, "Paedagogisk",
a resend of the same form with a new Message-ID, a mail from a private address, a form naming
a cluster that does not exist, a form with rows for another area, one candidate recommended by
two areas in the same round, a form with a title above the header and synonym columns, a CSV,
a Word table, a damaged attachment, a name that looks like an Excel formula, a senior
application, a mail about something else entirely, and a forged mail from outside with an area
chief's address in From. Each mail carries the headers Exchange Online writes on delivery
(Authentication-Results, X-MS-Exchange-Organization-AuthAs), so the demo's authenticated-origin
setting (docs/mail-authentication.md) takes the chiefs' mails and refuses the forged one. All
people are made up.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import shutil
import sys
import zipfile
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docauto.recruitment.timeline import load_timeline  # noqa: E402
from docauto.structure.model import Structure, load_structure  # noqa: E402

# The one jobbank address: the recruitment plan's mailbox (forms, reminders, receipts).
JOBBANK = load_timeline().mailbox
DOMAIN = "buf.demokommune.dk"
# What Exchange Online writes on top of each mail as it delivers it (docs/mail-authentication.md):
# mail from inside the organisation is stamped Internal; mail from outside carries the result of
# Exchange Online Protection's SPF/DKIM/DMARC checks.
EXO_SOURCE = "AM0PR07MB4321.eurprd07.prod.outlook.com"


def internal_trace(sender_domain: str) -> list[tuple[str, str]]:
    return [
        (
            "Authentication-Results",
            f"dkim=none (message not signed) header.d=none;dmarc=none action=none "
            f"header.from={sender_domain};",
        ),
        ("X-MS-Exchange-Organization-AuthSource", EXO_SOURCE),
        ("X-MS-Exchange-Organization-AuthAs", "Internal"),
    ]


def external_trace(sender_domain: str, passed: bool, ip: str) -> list[tuple[str, str]]:
    if passed:
        results = (
            f"spf=pass (sender IP is {ip}) smtp.mailfrom={sender_domain}; dkim=pass (signature "
            f"was verified) header.d={sender_domain};dmarc=pass action=none "
            f"header.from={sender_domain};compauth=pass reason=100"
        )
    else:
        results = (
            f"spf=fail (sender IP is {ip}) smtp.mailfrom=nyhedsbrev-mailer.example; dkim=none "
            f"(message not signed) header.d=none;dmarc=fail action=oreject "
            f"header.from={sender_domain};compauth=fail reason=000"
        )
    return [
        ("Authentication-Results", results),
        ("X-MS-Exchange-Organization-AuthSource", EXO_SOURCE),
        ("X-MS-Exchange-Organization-AuthAs", "Anonymous"),
    ]


TZ = ZoneInfo("Europe/Copenhagen")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

CL, PL = "cluster_leader", "pedagogical_leader"

# Made-up applicants: (name, e-mail, current position, current workplace).
PEOPLE = [
    (
        "Mette Kjær Andersen",
        "mette.andersen@buf.demokommune.dk",
        "Institutionsleder",
        "Børnehuset Solsikken",
    ),
    (
        "Lars Holm Nielsen",
        "lars.nielsen@buf.demokommune.dk",
        "Institutionsleder",
        "Vuggestuen Mælkebøtten",
    ),
    (
        "Pia Lund Sørensen",
        "pia.soerensen@buf.demokommune.dk",
        "Institutionsleder",
        "Børnehaven Kastanjen",
    ),
    (
        "Jens Otto Pedersen",
        "jens.pedersen@buf.demokommune.dk",
        "Institutionsleder",
        "Fritidshjemmet Ørnen",
    ),
    (
        "Hanne Bruun",
        "hanne.bruun@buf.demokommune.dk",
        "Institutionsleder",
        "Integreret institution Regnbuen",
    ),
    (
        "Søren Vestergaard",
        "soeren.vestergaard@buf.demokommune.dk",
        "Institutionsleder",
        "Børnehuset Mariehønen",
    ),
    (
        "Anne-Marie Kristiansen",
        "annemarie.kristiansen@buf.demokommune.dk",
        "Institutionsleder",
        "Vuggestuen Spiren",
    ),
    (
        "Bo Christensen",
        "bo.christensen@buf.demokommune.dk",
        "Institutionsleder",
        "Børnehaven Bakketoppen",
    ),
    (
        "Lone Mikkelsen",
        "lone.mikkelsen@buf.demokommune.dk",
        "Institutionsleder",
        "Børnehuset Havblik",
    ),
    (
        "Karsten Juhl",
        "karsten.juhl@buf.demokommune.dk",
        "Institutionsleder",
        "Fritidshjemmet Lærken",
    ),
    ("Rikke Dahl", "rikke.dahl@buf.demokommune.dk", "Souschef", "Børnehuset Solsikken"),
    ("Thomas Egholm", "thomas.egholm@buf.demokommune.dk", "Souschef", "Vuggestuen Mælkebøtten"),
    ("Camilla Friis", "camilla.friis@buf.demokommune.dk", "Souschef", "Børnehaven Kastanjen"),
    (
        "Mads Kofoed",
        "mads.kofoed@buf.demokommune.dk",
        "Souschef",
        "Integreret institution Regnbuen",
    ),
    ("Gitte Winther", "gitte.winther@buf.demokommune.dk", "Souschef", "Børnehaven Bakketoppen"),
]
FORMULA_NAME = '=HYPERLINK("http://eksempel.invalid/cv","Se mit CV")'


# --- attachments -----------------------------------------------------------------------------


def form_xlsx(
    structure: Structure,
    area: str,
    role: str,
    kind: str,
    rows: list[dict],
    round: int | None = None,
) -> bytes:
    """The area's registration form (docauto's own, if the forms kind is installed), filled in."""
    import openpyxl

    try:
        from docauto.recruitment.kinds.forms import build_form

        blob = build_form(structure, area, role, kind, round=round)
        wb = openpyxl.load_workbook(io.BytesIO(blob))
    except ImportError:  # pragma: no cover - the forms kind is part of docauto
        wb = openpyxl.Workbook()
        wb.active.title = "Registrering"
        wb.active.append(list(rows[0]))
    ws = wb["Registrering"]
    header = [c.value for c in ws[1]]
    for i, row in enumerate(rows, start=2):
        for j, name in enumerate(header, start=1):
            value = row.get(name)
            if value is None:
                continue
            cell = ws.cell(row=i, column=j, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # a name like '=HYPERLINK(...)' stays text, as typed
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def titled_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    """A form someone made themselves: a title, a blank row, the header on row 3."""
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ark1"
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def form_csv(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")  # Danish Excel's CSV
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def form_docx_table(title: str, header: list[str], rows: list[list]) -> bytes:
    import docx

    d = docx.Document()
    d.add_heading(title, level=1)
    d.add_paragraph("Hermed registreringen fra området.")
    t = d.add_table(rows=1, cols=len(header))
    for cell, text in zip(t.rows[0].cells, header, strict=True):
        cell.text = text
    for r in rows:
        cells = t.add_row().cells
        for cell, text in zip(cells, r, strict=True):
            cell.text = str(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def job_ad_docx(
    structure: Structure, role: str, cluster_id: str, unit_id: str | None = None
) -> bytes:
    """A job ad as docauto's job-ad kind writes it: Word text plus custom properties that
    name the position (docauto.rolle, docauto.klynge_id, docauto.enheds_id)."""
    import docx

    from docauto.office.docprops import with_custom_properties

    cluster = structure.clusters[cluster_id]
    unit = structure.units[unit_id] if unit_id else None
    title = (
        f"Klyngeleder til {cluster.name}"
        if role == CL
        else f"Pædagogisk leder til {unit.name if unit else cluster.name}"
    )
    d = docx.Document()
    d.add_heading(title, level=1)
    d.add_paragraph(
        f"{cluster.name} i område {cluster.area} søger en "
        f"{'klyngeleder' if role == CL else 'pædagogisk leder'} pr. 1. januar 2011."
    )
    d.add_heading("Klyngens særlige udfordringer", level=2)
    d.add_paragraph(
        "Klyngen samler institutioner med forskellige traditioner; den nye leder skal "
        "skabe en fælles pædagogisk retning og en god overgang til den nye struktur."
    )
    d.add_paragraph("Ansøgningsfrist: 8. oktober 2010.")
    buf = io.BytesIO()
    d.save(buf)
    props = {
        "docauto.kind": "stillingsannonce",
        "docauto.rolle": role,
        "docauto.klynge_id": cluster_id,
    }
    if unit_id:
        props["docauto.enheds_id"] = unit_id
    real = _real_job_ad(structure, role, unit if unit else cluster)
    if real is not None:
        return real
    zin = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    members = [(i, zin.read(i.filename)) for i in zin.infolist()]
    replaced: dict[str, bytes] = {}
    members = with_custom_properties(members, replaced, props)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in members:
            zout.writestr(info.filename, replaced.get(info.filename, data))
    return out.getvalue()


def _real_job_ad(structure: Structure, role: str, position: object) -> bytes | None:
    """The ad exactly as 'docauto generate stillingsopslag' writes it, when that kind exists."""
    try:
        from docauto.office.housestyle import render_docx
        from docauto.recruitment.kinds.jobad import TEMPLATES, build_ad_context
        from docauto.recruitment.profiles import load_profile
        from docauto.recruitment.timeline import load_timeline
        from docauto.resources import template_path
    except ImportError:
        return None
    context, props = build_ad_context(
        structure, role, position, load_profile(role), load_timeline(), {}, {}
    )
    # The letterhead as 'generate' puts it in; dated in September 2010, not on the day the
    # script runs, so the mailbox stays the same from run to run.
    context["dato"] = date(2010, 9, 20)
    return render_docx(template_path(TEMPLATES[role]), context, properties=props)


# --- mails -----------------------------------------------------------------------------------


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _stable(data: bytes) -> bytes:
    """An Office file with fixed zip and document timestamps, so running the script again
    gives the same files (no churn in git)."""
    if data[:4] != b"PK\x03\x04":
        return data
    try:
        zipfile.ZipFile(io.BytesIO(data)).close()
    except zipfile.BadZipFile:  # the deliberately damaged attachment
        return data
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            blob = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = _STAMP.sub(rb"\g<1>2010-09-01T08:00:00Z\g<2>", blob)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2010, 9, 1, 8, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, blob)
    return out.getvalue()


class Mailbox:
    def __init__(self, structure: Structure) -> None:
        self.s = structure
        self.mails: list[tuple[str, bytes]] = []

    def chief(self, area: str, deputy: bool = False) -> tuple[str, str]:
        a = self.s.areas[area]
        return (a.deputy, a.deputy_email) if deputy else (a.chief, a.email)

    def add(
        self,
        slug: str,
        when: datetime,
        sender: tuple[str, str],
        subject: str,
        body: str,
        attachments: list = (),
        message_id: str | None = None,
        trace: list[tuple[str, str]] | None = None,
    ) -> None:
        n = len(self.mails) + 1
        random.seed(n)  # MIME boundaries come from random: keep the files stable
        msg = EmailMessage()
        msg["From"] = formataddr(sender)
        msg["To"] = formataddr(("Jobbank BUF", JOBBANK))
        msg["Subject"] = subject
        msg["Date"] = format_datetime(when)
        msg["Message-ID"] = message_id or f"<demo-{n:03d}-{slug}@buf.demokommune.dk>"
        msg.set_content(body)
        for att in attachments:
            if isinstance(att, EmailMessage):  # a forwarded mail, as message/rfc822
                msg.add_attachment(att)
                continue
            filename, ctype, data = att
            maintype, subtype = ctype.split("/", 1)
            msg.add_attachment(_stable(data), maintype=maintype, subtype=subtype, filename=filename)
        if trace is None:
            trace = internal_trace(sender[1].rsplit("@", 1)[-1])
        # The receiving server writes its headers on top of what the sender wrote.
        top = "".join(f"{k}: {v}\n" for k, v in trace).encode()
        self.mails.append((f"{n:03d}-{slug}.eml", top + msg.as_bytes()))


def at(day: date, hh: int, mm: int) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


def person_row(area: str, cluster: str, p: tuple, unit: str | None = None) -> dict:
    row = {
        "Område": area,
        "Klynge": cluster,
        "Ansøger": p[0],
        "E-mail": p[1],
        "Nuværende stilling": p[2],
        "Nuværende arbejdssted": p[3],
    }
    if unit:
        row["Enhed"] = unit
    return row


class Round:
    """The rest of each area's cluster-leader positions, beside the hand-written mails above
    them: most are filled in round 1 by one of the current institution leaders of the
    cluster (the seed recruits among them), so only a handful go to round 2 (re-advertised
    on 25.10). The positions left out below are those, each with its reason."""

    # (area index, cluster index) -> why it is not filled in round 1. The hand-written mails
    # make the others: Amager Øst's third and Bispebjerg's second cluster have no applicants;
    # the first clusters of Indre By/Østerbro and Nørrebro and the second of Brønshøj-Husum and
    # Vesterbro/Kongens Enghave have applicants but no suitable candidate.
    NO_APPLICANTS: dict[tuple[int, int], str] = {}
    NO_CANDIDATE = {(6, 2): "ingen egnet kandidat"}

    def __init__(self, structure: Structure, hand_written: dict[int, set[int]]) -> None:
        from docauto.recruitment.scope import load_scope

        self.s = structure
        self.areas = list(structure.areas)
        recruited = {c.id for c in load_scope().clusters(structure)}
        self.cl = {a: [c for c in structure.clusters_in(a) if not c.is_network] for a in self.areas}
        self.extra: dict[int, list[int]] = {
            i: [
                k
                for k, c in enumerate(self.cl[a])
                if c.id in recruited and k not in hand_written.get(i, set())
            ]
            for i, a in enumerate(self.areas)
        }

    def leaders(self, i: int, k: int) -> list[tuple[str, str, str, str]]:
        """Up to two of the cluster's current institution leaders, as applicants."""
        c = self.cl[self.areas[i]][k]
        return [
            (u.leader, u.email, "Institutionsleder", u.name)
            for u in c.units
            if u.leader and u.email
        ][:2]

    def applicants(self, i: int) -> list[dict]:
        area = self.areas[i]
        return [
            person_row(area, self.cl[area][k].name, p)
            for k in self.extra[i]
            if (i, k) not in self.NO_APPLICANTS
            for p in self.leaders(i, k)
        ]

    def filled(self, i: int) -> list[tuple[str, tuple]]:
        """(cluster name, person) for each extra position filled in round 1."""
        area = self.areas[i]
        return [
            (self.cl[area][k].name, self.leaders(i, k)[0])
            for k in self.extra[i]
            if (i, k) not in self.NO_APPLICANTS
            and (i, k) not in self.NO_CANDIDATE
            and self.leaders(i, k)
        ]


def build(structure: Structure) -> list[tuple[str, bytes]]:
    s = structure
    mb = Mailbox(s)
    areas = list(s.areas)
    cl = {a: [c for c in s.clusters_in(a) if not c.is_network] for a in areas}
    # The clusters the hand-written mails below are about, per area index.
    rest = Round(
        s, {0: {0, 1, 2}, 1: {0, 1}, 2: {0, 1}, 3: {0, 1}, 4: {0}, 5: {0}, 6: {0}, 7: {0, 1}}
    )
    sign = "\n\nVenlig hilsen\n{name}\nOmrådechef\n"

    def body(text: str, sender: tuple[str, str]) -> str:
        return f"Kære HR\n\n{text}" + sign.format(name=sender[0])

    # -- cluster leaders: job ads (September) ------------------------------------------------
    a0, a1, a2, a5, a6 = areas[0], areas[1], areas[2], areas[5], areas[6]
    for i, area in enumerate([a0, a1, a2, a5, a6]):
        who = mb.chief(area, deputy=(i == 3))
        clusters = cl[area][:2] if i < 2 else cl[area][:1]
        subject = [
            "Klyngeleder - Stillingsannonce",
            "Klyngeleder – Stillingsannonce",
            "SV: Klyngeleder - stillingsannonce",
            f"Klyngeleder – Stillingsannonce {clusters[0].name}",
            "klyngeleder stillingsannonce",
        ][i]
        mb.add(
            f"klyngeleder-annonce-{i + 1}",
            at(date(2010, 9, 20 + i), 10, 5 + i),
            who,
            subject,
            body("Hermed stillingsannoncerne for klyngelederstillingerne i området.", who),
            [(f"Stillingsannonce {c.name}.docx", DOCX, job_ad_docx(s, CL, c.id)) for c in clusters],
        )

    # -- cluster leaders: applicants (week 41) -----------------------------------------------
    P = PEOPLE
    app = {
        a0: [
            person_row(a0, cl[a0][0].name, P[0]),
            person_row(a0, cl[a0][0].name, P[1]),
            person_row(a0, cl[a0][1].name, P[2]),
        ],
        a1: [
            person_row(a1, cl[a1][0].name, P[0]),
            person_row(a1, cl[a1][0].name, P[3]),
            person_row(a1, cl[a1][1].name, P[4]),
        ],
        a2: [person_row(a2, cl[a2][0].name, P[5]), person_row(a2, cl[a2][0].name, P[6])],
        a6: [
            person_row(a6, cl[a6][0].name, P[8]),
            person_row(
                a6,
                cl[a6][0].name,
                (
                    FORMULA_NAME,
                    "ukendt.ansoeger@buf.demokommune.dk",
                    "Institutionsleder",
                    "Børnehuset Lunden",
                ),
            ),
        ],
    }
    app[a0] += rest.applicants(0)
    app[a1] += rest.applicants(1)
    app[a2] += rest.applicants(2)
    app[a6] += rest.applicants(6)
    who = mb.chief(a0)
    form_a0 = _stable(form_xlsx(s, a0, CL, "applicants", app[a0]))
    mb.add(
        "klyngeleder-ansoegere-1",
        at(date(2010, 10, 11), 9, 12),
        who,
        "Klyngeleder – Registrering af ansøgningerne",
        body("Vedhæftet skemaet med ansøgerne i vores område.", who),
        [("Registreringsskema ansøgere.xlsx", XLSX, form_a0)],
    )
    who = mb.chief(a1, deputy=True)
    mb.add(
        "klyngeleder-ansoegere-2",
        at(date(2010, 10, 12), 14, 40),
        who,
        "SV: Klyngeleder - Registrering af ansøgningerne",
        body("Hermed vores ansøgere.", who),
        [("ansoegere.xlsx", XLSX, form_xlsx(s, a1, CL, "applicants", app[a1]))],
    )
    # A form made by hand: title above the header on row 3, synonyms, an extra column.
    who = mb.chief(a2)
    rows = [
        [
            r["Område"],
            r["Klynge"],
            r["Ansøger"],
            r["E-mail"],
            r["Nuværende stilling"],
            r["Nuværende arbejdssted"],
            "Ringet op",
        ]
        for r in app[a2]
    ]
    mb.add(
        "klyngeleder-ansoegere-3",
        at(date(2010, 10, 13), 8, 55),
        who,
        "Klyngeleder – registrering af ansøgningerne (eget skema)",
        body("Jeg har lavet mit eget skema; håber det er ok.", who),
        [
            (
                "Ansøgere Bispebjerg.xlsx",
                XLSX,
                titled_xlsx(
                    f"Ansøgere til klyngelederstillinger – {a2}",
                    [
                        "Områdenavn",
                        "Klyngenavn",
                        "Navn på ansøger",
                        "E-mail",
                        "Nuværende stilling",
                        "Nuværende arbejdssted",
                        "Noter",
                    ],
                    rows,
                ),
            )
        ],
    )
    # A CSV, exported from another system.
    a3 = areas[3]
    who = mb.chief(a3)
    mb.add(
        "klyngeleder-ansoegere-4",
        at(date(2010, 10, 14), 16, 2),
        who,
        "RE: Klyngeleder – Registrering af ansøgningerne",
        body("Vores ansøgere som CSV fra vores eget system.", who),
        [
            (
                "ansoegere.csv",
                "text/csv",
                form_csv(
                    [
                        "Område",
                        "Klynge",
                        "Ansøger",
                        "E-mail",
                        "Nuværende stilling",
                        "Nuværende arbejdssted",
                    ],
                    [
                        [a3, cl[a3][0].name, P[9][0], P[9][1], P[9][2], P[9][3]],
                        [a3, cl[a3][1].name, P[7][0], P[7][1], P[7][2], P[7][3]],
                        *[list(r.values()) for r in rest.applicants(3)],
                    ],
                ),
            )
        ],
    )
    # A Word table.
    a4 = areas[4]
    who = mb.chief(a4, deputy=True)
    mb.add(
        "klyngeleder-ansoegere-5",
        at(date(2010, 10, 15), 11, 30),
        who,
        "Klyngeleder – Registrering af ansøgningerne",
        body("Ansøgerne står i tabellen i det vedhæftede dokument.", who),
        [
            (
                "Ansøgere.docx",
                DOCX,
                form_docx_table(
                    "Ansøgere – klyngeledere",
                    [
                        "Område",
                        "Klynge",
                        "Ansøger",
                        "E-mail",
                        "Nuværende stilling",
                        "Nuværende arbejdssted",
                    ],
                    [
                        [a4, cl[a4][0].name, P[2][0], P[2][1], P[2][2], P[2][3]],
                        *[list(r.values()) for r in rest.applicants(4)],
                    ],
                ),
            )
        ],
    )
    # The formula-looking name, and a resend of the very same form (new Message-ID).
    who = mb.chief(a6)
    form_a6 = form_xlsx(s, a6, CL, "applicants", app[a6])
    mb.add(
        "klyngeleder-ansoegere-6",
        at(date(2010, 10, 15), 13, 45),
        who,
        "Klyngeleder – Registrering af ansøgningerne",
        body("Hermed ansøgerne.", who),
        [("Ansøgere Valby.xlsx", XLSX, form_a6)],
    )
    mb.add(
        "klyngeleder-ansoegere-6-gensendt",
        at(date(2010, 10, 15), 15, 10),
        who,
        "VS: Klyngeleder – Registrering af ansøgningerne",
        body("Jeg er ikke sikker på, at den kom frem, så her er den igen.", who),
        [("Ansøgere Valby.xlsx", XLSX, form_a6)],
    )
    # From a private address: refused.
    mb.add(
        "uautoriseret-afsender",
        at(date(2010, 10, 15), 22, 13),
        ("Ayse J.", "ayse.j1970@gmail.example"),
        "Klyngeleder – Registrering af ansøgningerne",
        "Sendt fra min private mail, da jeg ikke kunne komme på arbejdsmailen.\n",
        [("ansøgere.xlsx", XLSX, form_xlsx(s, a0, CL, "applicants", app[a0][:1]))],
        trace=external_trace("gmail.example", True, "209.85.128.41"),
    )
    # A cluster that does not exist (a typo).
    a7 = areas[7]
    who = mb.chief(a7)
    bad = person_row(a7, cl[a7][0].name.replace("Klynge ", "Klynge Nye "), P[4])
    mb.add(
        "ukendt-klynge",
        at(date(2010, 10, 15), 12, 0),
        who,
        "Klyngeleder – Registrering af ansøgningerne",
        body("Vores ansøgere.", who),
        [("ansøgere.xlsx", XLSX, form_xlsx(s, a7, CL, "applicants", [bad]))],
    )
    # A row for another area's cluster.
    who = mb.chief(a5)
    mb.add(
        "andet-omraade",
        at(date(2010, 10, 14), 10, 10),
        who,
        "Klyngeleder – Registrering af ansøgningerne",
        body("Hermed ansøgerne.", who),
        [
            (
                "ansøgere.xlsx",
                XLSX,
                form_xlsx(
                    s,
                    a5,
                    CL,
                    "applicants",
                    [person_row(a5, cl[a5][0].name, P[5]), person_row(a0, cl[a0][2].name, P[6])],
                ),
            )
        ],
    )
    # A damaged attachment.
    mb.add(
        "beskadiget-bilag",
        at(date(2010, 10, 15), 9, 0),
        mb.chief(a5, deputy=True),
        "Klyngeleder – Registrering af ansøgningerne",
        body("Vedhæftet (håber filen virker).", mb.chief(a5, deputy=True)),
        [("ansøgere.xlsx", XLSX, form_a0[: len(form_a0) // 3])],
    )
    # The area sends its form again, whole, after HR's reply about the damaged file.
    who = mb.chief(a5, deputy=True)
    mb.add(
        "klyngeleder-ansoegere-7",
        at(date(2010, 10, 15), 14, 20),
        who,
        "SV: Klyngeleder – Registrering af ansøgningerne",
        body("Her er skemaet igen; nu skulle det kunne åbnes.", who),
        [
            (
                "ansøgere.xlsx",
                XLSX,
                form_xlsx(
                    s,
                    a5,
                    CL,
                    "applicants",
                    [person_row(a5, cl[a5][0].name, P[5])] + rest.applicants(5),
                ),
            )
        ],
    )

    # -- cluster leaders: candidates, round 1 (week 42) -------------------------------------
    def cand(area: str, cluster: str, p: tuple, prio: int) -> dict:
        return {
            "Område": area,
            "Klynge": cluster,
            "Kandidat": p[0],
            "E-mail": p[1],
            "Prioritet": prio,
        }

    # Mette Kjær Andersen is wanted by two areas in the same round: a conflict for HR.
    for i, (area, rows_) in enumerate(
        [
            (
                a0,
                [
                    cand(a0, cl[a0][0].name, P[0], 1),
                    cand(a0, cl[a0][0].name, P[1], 2),
                    cand(a0, cl[a0][1].name, P[2], 1),
                ],
            ),
            (a1, [cand(a1, cl[a1][0].name, P[0], 1), cand(a1, cl[a1][1].name, P[4], 1)]),
            (a2, [cand(a2, cl[a2][0].name, P[5], 1)]),
            (a6, [cand(a6, cl[a6][0].name, P[8], 1)]),
            (a3, [cand(a3, cl[a3][0].name, P[9], 1)]),
            (a4, []),
            (a5, []),
            (a7, [cand(a7, cl[a7][0].name, rest.leaders(7, 0)[0], 1)]),
        ]
    ):
        index = areas.index(area)
        rows_ = rows_ + [cand(area, c, p, 1) for c, p in rest.filled(index)]
        who = mb.chief(area, deputy=(i == 1))
        subject = [
            "Klyngeleder – Registrering af kandidaten",
            "SV: Klyngeleder - Registrering af kandidaten",
            "Klyngeleder – Registrering af kandidaterne",
            "klyngeleder – registrering af kandidaten",
            "Klyngeleder – Registrering af kandidaten",
            "Klyngeleder - Registrering af kandidaten",
            "SV: Klyngeleder – Registrering af kandidaten",
            "Klyngeleder – Registrering af kandidaten",
        ][i]
        mb.add(
            f"klyngeleder-kandidat-r1-{i + 1}",
            at(date(2010, 10, 20 + (i % 3)), 9 + i, 15),
            who,
            subject,
            body("Udvalget har indstillet følgende.", who),
            [("kandidater.xlsx", XLSX, form_xlsx(s, area, CL, "candidates", rows_, round=1))],
        )

    # -- round 2 (week 45): the positions without a suitable candidate ----------------------
    for i, (area, rows_) in enumerate(
        [
            (a1, [cand(a1, cl[a1][0].name, P[3], 1)]),
            (a2, [cand(a2, cl[a2][1].name if len(cl[a2]) > 1 else cl[a2][0].name, P[6], 1)]),
            # Brønshøj's re-advertised position: a leader of the cluster applied in round 2.
            (a3, [cand(a3, cl[a3][1].name, rest.leaders(3, 1)[0], 1)]),
        ]
    ):
        who = mb.chief(area)
        subject = [
            "Klyngeleder – Registrering af kandidaten 2. runde",
            "SV: Klyngeleder - Registrering af kandidaten, runde 2",
            "Klyngeleder – Registrering af kandidaten 2. runde",
        ][i]
        mb.add(
            f"klyngeleder-kandidat-r2-{i + 1}",
            at(date(2010, 11, 10 + i), 13, 20),
            who,
            subject,
            body("Indstilling efter 2. samtalerunde.", who),
            [
                (
                    "kandidater 2. runde.xlsx",
                    XLSX,
                    form_xlsx(s, area, CL, "candidates", rows_, round=2),
                )
            ],
        )

    # -- cluster-leader hires (1 December) --------------------------------------------------
    def hire(area: str, cluster: str, p: tuple, unit: str | None = None) -> dict:
        row = {
            "Område": area,
            "Klynge": cluster,
            "Navn": p[0],
            "E-mail": p[1],
            "Tiltrædelsesdato": date(2011, 1, 1),
        }
        if unit:
            row["Enhed"] = unit
        return row

    for i, (area, rows_) in enumerate(
        [
            (
                a0,
                [
                    hire(a0, cl[a0][0].name, P[0]),
                    hire(a0, cl[a0][1].name, P[2]),
                    hire(a0, cl[a0][2].name, P[6]),
                ],
            ),
            (a1, [hire(a1, cl[a1][0].name, P[3]), hire(a1, cl[a1][1].name, P[4])]),
            (a2, [hire(a2, cl[a2][0].name, P[5])]),
            (
                a3,
                [hire(a3, cl[a3][0].name, P[9]), hire(a3, cl[a3][1].name, rest.leaders(3, 1)[0])],
            ),
            (a5, []),
        ]
    ):
        # Indre By/Østerbro and Vesterbro/Kongens Enghave have not sent theirs by 2.12.
        rows_ = rows_ + [hire(area, c, p) for c, p in rest.filled(areas.index(area))]
        who = mb.chief(area)
        mb.add(
            f"klyngeleder-ansaettelser-{i + 1}",
            at(date(2010, 12, 1), 10 + i, 0),
            who,
            [
                "Klyngeleder – Ansættelser",
                "Klyngeleder - ansættelser",
                "SV: Klyngeleder – Ansættelser",
                "Klyngeleder – Ansættelser",
                "Klyngeleder – ansættelser",
            ][i],
            body("Hermed oversigten over ansættelserne.", who),
            [("ansættelser.xlsx", XLSX, form_xlsx(s, area, CL, "hires", rows_))],
        )

    # -- pedagogical leaders ----------------------------------------------------------------
    def unit_of(area: str, k: int = 0, j: int = 0) -> tuple[str, str, str]:
        c = cl[area][k]
        u = c.units[j]
        return c.name, u.name, u.id

    # Vacancies from the hiring freeze (the subject names no role).
    for i, area in enumerate([a0, a5]):
        who = mb.chief(area)
        c1, u1, _ = unit_of(area, 0, 1)
        c2, u2, _ = unit_of(area, 1, 0)
        mb.add(
            f"vakante-{i + 1}",
            at(date(2010, 11, 3 + i), 9, 30),
            who,
            ["Indberetning af vakante stillinger", "SV: indberetning af vakante stillinger"][i],
            body("Her er de vakante pædagogiske lederstillinger fra ansættelsesstoppet.", who),
            [
                (
                    "vakante.xlsx",
                    XLSX,
                    form_xlsx(
                        s,
                        area,
                        PL,
                        "vacancies",
                        [
                            {
                                "Område": area,
                                "Klynge": c1,
                                "Enhed": u1,
                                "Bemærkning": "Leder gået på pension",
                            },
                            {
                                "Område": area,
                                "Klynge": c2,
                                "Enhed": u2,
                                "Bemærkning": "Vakant siden august",
                            },
                        ],
                    ),
                )
            ],
        )
    # Job ads for pedagogical leaders (with unit ids).
    for i, area in enumerate([a0, a5]):
        who = mb.chief(area, deputy=(i == 1))
        _, _, uid1 = unit_of(area, 0, 1)
        _, _, uid2 = unit_of(area, 1, 0)
        mb.add(
            f"paed-annonce-{i + 1}",
            at(date(2010, 11, 8 + i), 11, 0),
            who,
            ["Pædagogisk Leder - Stillingsannonce", "Paedagogisk leder – stillingsannonce"][i],
            body("Annoncerne for de vakante stillinger.", who),
            [
                (f"Annonce {n}.docx", DOCX, job_ad_docx(s, PL, s.units[uid].cluster_id, uid))
                for n, uid in ((1, uid1), (2, uid2))
            ],
        )
    # Applicants (week 47).
    for i, area in enumerate([a0, a5]):
        who = mb.chief(area)
        c1, u1, _ = unit_of(area, 0, 1)
        c2, u2, _ = unit_of(area, 1, 0)
        mb.add(
            f"paed-ansoegere-{i + 1}",
            at(date(2010, 11, 24 + i), 10, 0),
            who,
            [
                "Pædagogisk Leder – Registrering af ansøgningerne",
                "Pædagogiske Leder - Registrering af ansøgningerne",
            ][i],
            body("Ansøgerne til de pædagogiske lederstillinger.", who),
            [
                (
                    "ansøgere.xlsx",
                    XLSX,
                    form_xlsx(
                        s,
                        area,
                        PL,
                        "applicants",
                        [
                            person_row(area, c1, P[10 + 2 * i], unit=u1),
                            person_row(area, c1, P[11 + 2 * i], unit=u1),
                            person_row(area, c2, P[14 - i], unit=u2),
                        ],
                    ),
                )
            ],
        )
    # Not filled (week 48).
    who = mb.chief(a5)
    c2, u2, _ = unit_of(a5, 1, 0)
    mb.add(
        "paed-ikke-besatte",
        at(date(2010, 12, 2), 14, 0),
        who,
        "Pædagogisk Leder – Registrering af IKKE besatte stillinger",
        body("Denne stilling blev ikke besat.", who),
        [
            (
                "ikke besatte.xlsx",
                XLSX,
                form_xlsx(
                    s,
                    a5,
                    PL,
                    "unfilled",
                    [
                        {
                            "Område": a5,
                            "Klynge": c2,
                            "Enhed": u2,
                            "Bemærkning": "Ingen kvalificerede ansøgere; genopslås i januar",
                        }
                    ],
                ),
            )
        ],
    )
    # Hires (week 50).
    for i, area in enumerate([a0, a5]):
        who = mb.chief(area)
        c1, u1, _ = unit_of(area, 0, 1)
        mb.add(
            f"paed-ansaettelser-{i + 1}",
            at(date(2010, 12, 13 + i), 9, 45),
            who,
            ["Pædagogiske Leder – Ansættelser", "SV: Pæd. leder - Ansættelser"][i],
            body("Hermed ansættelserne.", who),
            [
                (
                    "ansættelser.xlsx",
                    XLSX,
                    form_xlsx(s, area, PL, "hires", [hire(area, c1, P[10 + 2 * i], unit=u1)]),
                )
            ],
        )

    # Candidates for pedagogical leaders, abbreviated subject.
    who = mb.chief(a0, deputy=True)
    c1, u1, _ = unit_of(a0, 0, 1)
    mb.add(
        "paed-kandidat",
        at(date(2010, 12, 3), 13, 5),
        who,
        "Pæd. leder - registrering af kandidaten",
        body("Udvalget indstiller følgende.", who),
        [
            (
                "kandidater.xlsx",
                XLSX,
                form_xlsx(
                    s,
                    a0,
                    PL,
                    "candidates",
                    [
                        {
                            "Område": a0,
                            "Klynge": c1,
                            "Enhed": u1,
                            "Kandidat": P[10][0],
                            "E-mail": P[10][1],
                            "Prioritet": 1,
                        },
                        {
                            "Område": a0,
                            "Klynge": c1,
                            "Enhed": u1,
                            "Kandidat": P[11][0],
                            "E-mail": P[11][1],
                            "Prioritet": 2,
                        },
                    ],
                ),
            )
        ],
    )
    # Valby's hire, with the area's logo attached too (ignored).
    who = mb.chief(a6)
    mb.add(
        "klyngeleder-ansaettelser-4",
        at(date(2010, 12, 2), 8, 40),
        who,
        "Klyngeleder – Ansættelser",
        body("Hermed vores ansættelse.", who),
        [
            ("logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
            (
                "ansættelser.xlsx",
                XLSX,
                form_xlsx(
                    s,
                    a6,
                    CL,
                    "hires",
                    [hire(a6, cl[a6][0].name, P[8])] + [hire(a6, c, p) for c, p in rest.filled(6)],
                ),
            ),
        ],
    )
    # HR forwards an area's mail (the form inside the forwarded mail) on the area's behalf.
    inner = EmailMessage()
    inner["From"] = formataddr(mb.chief(a7))
    inner["To"] = "hr-konsulent@buf.demokommune.dk"
    inner["Subject"] = "Ansøgere"
    inner.set_content("Kan du sende den videre til jobbanken?")
    inner.add_attachment(
        _stable(
            form_xlsx(
                s,
                a7,
                CL,
                "applicants",
                [
                    person_row(a7, cl[a7][0].name, P[1]),
                    *[person_row(a7, cl[a7][0].name, p) for p in rest.leaders(7, 0)],
                    person_row(a7, cl[a7][1].name, P[9]),
                    *rest.applicants(7),
                ],
            )
        ),
        maintype="application",
        subtype=XLSX.split("/", 1)[1],
        filename="ansøgere.xlsx",
    )
    hr = ("Jobbank BUF", JOBBANK)
    mb.add(
        "hr-videresender",
        at(date(2010, 10, 15), 16, 45),
        hr,
        "VS: Klyngeleder – Registrering af ansøgningerne",
        "Videresendt på vegne af området.\n\nHR-gruppen\n",
        [inner],
    )
    # A cluster-leader unfilled position in round 1 goes on to round 2: nothing to report; a
    # second candidate round for Amager Øst's last cluster instead.
    who = mb.chief(a0)
    mb.add(
        "klyngeleder-kandidat-r2-3",
        at(date(2010, 11, 12), 9, 5),
        who,
        "SV: SV: Klyngeleder – Registrering af kandidaten anden runde",
        body("Indstilling efter 2. runde.", who),
        [
            (
                "kandidat.xlsx",
                XLSX,
                form_xlsx(s, a0, CL, "candidates", [cand(a0, cl[a0][2].name, P[6], 1)], round=2),
            )
        ],
    )

    # -- other mail that reaches the mailbox ------------------------------------------------
    who = mb.chief(a3)
    mb.add(
        "seniorordning",
        at(date(2010, 9, 28), 15, 0),
        who,
        "VS: Ansøgning om seniorordning",
        body("Videresender en ansøgning om seniorordning fra en af vores ledere.", who),
        [("ansøgning.pdf", "application/pdf", b"%PDF-1.4\n% demo\n")],
    )
    who = mb.chief(a4)
    mb.add(
        "andet-emne",
        at(date(2010, 10, 6), 8, 30),
        who,
        "Spørgsmål til kick-off mødet d. 7. oktober",
        body("Skal vi selv medbringe forplejning til mødet i morgen?", who),
    )
    # A forged mail from outside with an area chief's address in From (and a made-up
    # "dmarc=pass" of its own below the server's header): the server's check failed, so the
    # mail is refused and no receipt goes to the chief it names.
    who = mb.chief(a0)
    mb.add(
        "forfalsket-afsender",
        at(date(2010, 12, 3), 3, 17),
        who,
        "Klyngeleder – Ansættelser",
        body("Hermed ansættelsen.", who),
        [
            (
                "ansættelser.xlsx",
                XLSX,
                form_xlsx(s, a0, CL, "hires", [hire(a0, cl[a0][0].name, P[2])]),
            )
        ],
        trace=[
            *external_trace(DOMAIN, False, "203.0.113.66"),
            ("Authentication-Results", f"mx.{DOMAIN}; dmarc=pass header.from={DOMAIN}"),
        ],
    )
    return mb.mails


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docauto" / "data" / "demo" / "indbakke")
    ap.add_argument(
        "--structure", type=Path, default=ROOT / "docauto" / "data" / "demo" / "struktur.yaml"
    )
    args = ap.parse_args(argv)
    structure = load_structure(args.structure)
    mails = build(structure)
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    for name, data in mails:
        (args.out / name).write_bytes(data)
    print(f"{len(mails)} mails -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
