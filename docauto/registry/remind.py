"""Reminder mails (Danish) to the area chiefs who owe a submission: what, by when, the exact
subject to use, and the area's registration form attached. Pure: returns EmailMessages; the
command writes them as .eml drafts or hands them to a mail source.

The wording is data HR edits: templates/tekster/paamindelse.yaml.
"""

from __future__ import annotations

import email.utils
from dataclasses import dataclass
from email.message import EmailMessage
from functools import cache
from typing import TYPE_CHECKING, Any

from docauto.errors import ConfigError
from docauto.registry import schema

if TYPE_CHECKING:
    from docauto.recruitment.timeline import RecruitmentPlan
    from docauto.registry.deadlines import Owed
    from docauto.structure.model import Structure

TEXTS_FILE = "tekster/paamindelse.yaml"
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@dataclass
class Reminder:
    owed: Owed
    to: str
    filename: str  # the .eml draft's name
    message: EmailMessage


@cache
def _texts_cached(path: str, mtime: int) -> dict[str, Any]:
    from docauto.datafiles import read_data

    data = read_data(path, error=ConfigError)
    if not isinstance(data, dict) or not data.get("emne") or not data.get("tekst"):
        raise ConfigError(f"{path}: nøglerne 'emne' og 'tekst' mangler")
    return data


def texts() -> dict[str, Any]:
    from docauto.resources import template_path

    path = template_path(TEXTS_FILE)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise ConfigError(f"{path}: påmindelsens tekster findes ikke") from None
    return _texts_cached(str(path), mtime)


def _render(source: str, context: dict[str, Any]) -> str:
    from docauto.office.engine import render_text

    return render_text(source, context, where=TEXTS_FILE)


def reminder_filename(o: Owed) -> str:
    from docauto.output import slug
    from docauto.recruitment.kinds.forms import KIND_SLUGS
    from docauto.recruitment.roles import SLUGS

    part = {**KIND_SLUGS, "job_ad": "stillingsannoncer", "senior": "seniorordning"}.get(
        o.kind, o.kind
    ) + (f"-runde-{o.round}" if o.kind == "candidates" else "")
    return f"paamindelse-{slug(o.area)}-{SLUGS.get(o.role, o.role)}-{part}.eml"


def build_reminder(
    o: Owed, structure: Structure, plan: RecruitmentPlan, today: Any = None
) -> Reminder:
    """The reminder for one owed submission of one area (form attached when there is one)."""
    from docauto.errors import UsageError
    from docauto.office.filters import dato_ugedag
    from docauto.recruitment.kinds.forms import FORM_KINDS, build_form, form_filename

    area = structure.find_area(o.area)
    if area is None or not area.email:
        raise UsageError(
            f"området '{o.area}' står ikke i strukturen med en e-mail til områdechefen",
            hint="tilføj det i strukturens ark Områder",
        )
    t = texts()
    jobs = t.get("opgaver") or {}
    job_key = "candidates_2" if o.kind == "candidates" and o.round == 2 else o.kind
    form_name = form_filename(area.name, o.role, o.kind, o.round) if o.kind in FORM_KINDS else ""
    context = {
        "omraade": area.name,
        "omraadechef": area.chief or "områdechef",
        "stillingstype": schema.ROLE_LABEL.get(o.role, o.role),
        "opgave": jobs.get(job_key) or jobs.get(o.kind) or schema.KIND_LABEL.get(o.kind, o.kind),
        "emne": o.subject,
        "frist": dato_ugedag(o.deadline),
        "overskredet": o.days_left < 0,
        "dage": o.days_left,
        "stillinger": list(o.positions),
        "skema": form_name,
        "postkasse": plan.mailbox,
    }
    msg = EmailMessage()
    msg["From"] = email.utils.formataddr(("HR-gruppen", plan.mailbox))
    msg["To"] = email.utils.formataddr((area.chief, area.email))
    if area.deputy_email:
        msg["Cc"] = email.utils.formataddr((area.deputy, area.deputy_email))
    msg["Subject"] = " ".join(_render(t["emne"], context).split())
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = email.utils.make_msgid(
        "paamindelse", domain=plan.mailbox.rsplit("@", 1)[-1]
    )
    # A draft that Outlook opens ready to send; automatic, so auto-replies do not answer it.
    msg["X-Unsent"] = "1"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(_render(t["tekst"], context).strip() + "\n", charset="utf-8")
    if form_name:
        data = build_form(
            structure,
            area.name,
            o.role,
            o.kind,
            o.round,
            plan=plan,
            only_units=_units(o, structure),
        )
        msg.add_attachment(data, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=form_name)
    return Reminder(o, area.email, reminder_filename(o), msg)


def _units(o: Owed, structure: Structure) -> set[str] | None:
    """A pedagogical-leader form lists the units of the positions the reminder is about (the
    registry's open positions), not every unit of the area."""
    if o.role != "pedagogical_leader" or not o.positions or o.kind == "vacancies":
        return None
    labels = set(o.positions)
    return {
        u.id
        for c in structure.clusters_in(o.area)
        for u in c.units
        if f"{c.name}, {u.name}" in labels
    } or None


def build_reminders(
    owed: list[Owed],
    structure: Structure,
    plan: RecruitmentPlan,
    states: tuple[str, ...] = ("overdue", "due"),
) -> list[Reminder]:
    """One reminder per area and owed submission in the given states, in deadline order."""
    return [build_reminder(o, structure, plan) for o in owed if o.state in states]


def send_reminders(spec: str, reminders: list[Reminder]) -> int:
    """Send through a mail source. A source with a plain ``send(message)`` uses it; else its
    ``reply`` is given a stand-in for a mail from the area chief (the sources' only way out)."""
    from docauto.mail.sources import SourceItem, open_source

    source = open_source(spec)
    sent = 0
    try:
        for r in reminders:
            send = getattr(source, "send", None)
            if callable(send):
                send(r.message)
            else:
                stand_in = (
                    f"From: {r.to}\r\nSubject: {r.message['Subject']}\r\n"
                    f"Message-ID: <{r.filename}@docauto>\r\n\r\n"
                ).encode()
                source.reply(SourceItem(id=r.filename, raw=stand_in, name=r.filename), r.message)
            sent += 1
    finally:
        source.close()
    return sent
