"""The area chief's letters to applicants, made from the registry (Bilag 7: the area chief
acknowledges the applications, keeps the list of applicants for the committee, calls the
candidates to interviews and tells the others after the appointments).

Everything here reads the registry as of a date (``RegistryView.at``): a letter is only ever
addressed to a person the registry holds, under the name and e-mail address the area chief
registered. Each letter is a Word document and, when the registry has the person's e-mail,
an .eml draft from the area chief with the letter attached (Outlook opens it ready to send).

The wording is data HR edits: templates/tekster/ansoegerbreve.yaml.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import cache
from typing import TYPE_CHECKING, Any

from docauto.errors import ConfigError
from docauto.registry import schema
from docauto.registry.cells import norm, role_of, text, to_date

if TYPE_CHECKING:
    from docauto.kinds import PlannedDocument
    from docauto.registry.data import RegistryView
    from docauto.structure.model import Area, Structure

__all__ = [
    "Applicant",
    "Place",
    "applicants_by_area",
    "hires_by_place",
    "letter_documents",
    "is_formula_text",
    "letter_texts",
]

TEXTS_FILE = "tekster/ansoegerbreve.yaml"
LETTER_TEMPLATE = "brev-ansoeger.docx"
DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
LETTERS = ("kvittering", "samtale", "afslag", "ansaettelse")


@dataclass(frozen=True)
class Place:
    """One position: role, area, cluster and (pedagogical leaders) unit, as the registry names it."""

    role: str
    area: str
    cluster: str
    unit: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.role, norm(self.cluster), norm(self.unit))

    def label(self) -> str:
        return f"{self.unit}, {self.cluster}" if self.unit else self.cluster


@dataclass
class Applicant:
    """One person who applied in one area, with the positions applied for there."""

    name: str
    email: str
    title: str
    workplace: str
    area: str
    places: list[Place] = field(default_factory=list)
    received: dt.date | None = None

    @property
    def key(self) -> str:
        return person_key(self.name, self.email)

    def recipient(self) -> dict[str, Any]:
        """The ``modtager`` of a dated letter: name, position, address lines, e-mail."""
        lines = [x for x in (self.workplace,) if x]
        return {
            "navn": self.name,
            "stilling": self.title,
            "adresse": lines,
            "email": self.email,
        }


def is_formula_text(value: Any) -> bool:
    """True for a cell the mail reader stored as text because it looks like a formula
    (``=HYPERLINK(...)``): such text is never a person's name or address, so no letter is
    addressed with it and it never reaches a file name or a To header."""
    return text(value).lstrip().startswith("=")


def person_key(name: Any, mail: Any) -> str:
    """The same person across rows: by e-mail, else by name."""
    return "mail:" + norm(mail) if text(mail) else "name:" + norm(name)


def _anonymised(view: RegistryView) -> set[str]:
    from docauto.registry.config import load_privacy_settings

    return {norm(load_privacy_settings(view.path).anonymised_name), norm("Anonymiseret")}


def applicants_by_area(view: RegistryView, role: str) -> dict[str, list[Applicant]]:
    """area -> its applicants (one per person), in the order they were registered."""
    skip = _anonymised(view)
    out: dict[str, dict[str, Applicant]] = {}
    for r in view.rows(schema.APPLICATIONS):
        if role_of(r.get("Stillingstype")) != role:
            continue
        name, area = text(r.get("Ansøger")), text(r.get("Område"))
        if not name or not area or norm(name) in skip:
            continue
        key = person_key(name, r.get("E-mail"))
        a = out.setdefault(area, {}).get(key)
        if a is None:
            a = Applicant(
                name=name,
                email=text(r.get("E-mail")).lower(),
                title=text(r.get("Nuværende stilling")),
                workplace=text(r.get("Nuværende arbejdssted")),
                area=area,
                received=to_date(r.get("Modtaget")),
            )
            out[area][key] = a
        unit = text(r.get("Enhed")) if role == "pedagogical_leader" else ""
        place = Place(role, area, text(r.get("Klynge")), unit)
        if place not in a.places:
            a.places.append(place)
    return {area: list(people.values()) for area, people in out.items()}


def hires_by_place(view: RegistryView, role: str) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Position key -> the latest hire registered for it (name, e-mail, start, area)."""
    out = {}
    for r in view.rows(schema.HIRES):
        if role_of(r.get("Stillingstype")) != role:
            continue
        unit = text(r.get("Enhed")) if role == "pedagogical_leader" else ""
        place = Place(role, text(r.get("Område")), text(r.get("Klynge")), unit)
        out[place.key] = {
            "place": place,
            "name": text(r.get("Navn")),
            "email": text(r.get("E-mail")).lower(),
            "start": to_date(r.get("Tiltrædelsesdato")),
        }
    return out


# --- texts -----------------------------------------------------------------------------------


@cache
def _texts_cached(path: str, mtime: int) -> dict[str, Any]:
    from docauto.datafiles import read_data

    data = read_data(path, error=ConfigError)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: filen skal være en YAML-ordbog med brevene")
    for letter in LETTERS:
        item = data.get(letter)
        if not isinstance(item, dict) or not all(item.get(k) for k in ("titel", "emne", "mail")):
            raise ConfigError(f"{path}: brevet '{letter}' mangler titel, emne eller mail")
    return data


def letter_texts() -> dict[str, Any]:
    from docauto.resources import template_path

    path = template_path(TEXTS_FILE)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise ConfigError(f"{path}: brevenes tekster findes ikke") from None
    return _texts_cached(str(path), mtime)


def _render(source: str, context: dict[str, Any], where: str) -> str:
    from docauto.office.engine import render_text

    return render_text(str(source), context, where=where)


def _paragraphs(items: Any, context: dict[str, Any], where: str) -> list[str]:
    out = []
    for i, item in enumerate(items or [], start=1):
        s = " ".join(_render(item, context, f"{where}[{i}]").split())
        if s:  # a paragraph that renders empty is left out
            out.append(s)
    return out


# --- documents -------------------------------------------------------------------------------


def area_signer(area: Area) -> dict[str, str]:
    return {
        "navn": area.name,
        "chef": area.chief,
        "chef_email": area.email,
        "titel": f"Områdechef, område {area.name}",
    }


def letter_context(letter: str, base: dict[str, Any]) -> dict[str, Any]:
    """The template context of one letter: the base plus its rendered texts."""
    t = letter_texts()[letter]
    where = f"{TEXTS_FILE}:{letter}"
    return {
        **base,
        "titel": _render(t["titel"], base, where + ".titel"),
        "afsnit": _paragraphs(t.get("afsnit"), base, where + ".afsnit"),
        "efter": _paragraphs(t.get("efter"), base, where + ".efter"),
        "emne": " ".join(_render(t["emne"], base, where + ".emne").split()),
        "mailtekst": _render(t["mail"], base, where + ".mail").strip() + "\n",
    }


def draft(
    area: Area, to_name: str, to_email: str, subject: str, body: str, attachment: tuple[str, bytes]
) -> bytes:
    """An .eml draft from the area chief with the letter attached (opens ready to send)."""
    msg = EmailMessage()
    msg["From"] = email.utils.formataddr((area.chief, area.email))
    msg["To"] = email.utils.formataddr((to_name, to_email))
    msg["Subject"] = subject
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["X-Unsent"] = "1"
    msg.set_content(body, charset="utf-8")
    name, data = attachment
    msg.add_attachment(data, maintype=DOCX_TYPE[0], subtype=DOCX_TYPE[1], filename=name)
    return bytes(msg)


def letter_documents(
    letter: str,
    filename: str,
    area: Area,
    context: dict[str, Any],
    properties: dict[str, str],
) -> list[PlannedDocument]:
    """The .docx of one letter and, when the recipient has an e-mail, its .eml draft."""
    from docauto.kinds import PlannedDocument
    from docauto.resources import template_path

    ctx = letter_context(letter, context)
    docx = PlannedDocument(
        filename + ".docx",
        template=LETTER_TEMPLATE,
        context=ctx,
        properties={"docauto.kind": f"brev-{letter}", **properties},
    )
    out = [docx]
    to = ctx["modtager"]
    if to.get("email"):
        build: Callable[[], bytes] = lambda: draft(  # noqa: E731
            area,
            to["navn"],
            to["email"],
            ctx["emne"],
            ctx["mailtekst"],
            (docx.filename, docx.render()),
        )
        out.append(
            PlannedDocument(
                filename + ".eml",
                build=build,
                fingerprint={"letter": letter, "context": repr(sorted(ctx.items()))},
                inputs=(str(template_path(LETTER_TEMPLATE)),),
            )
        )
    return out


def find_area(structure: Structure, name: str) -> Area | None:
    return structure.find_area(name)
