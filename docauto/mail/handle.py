"""What one parsed mail means for the registry: accepted rows and position moves, or a refusal.

Pure: no file is read or written here. A mail is registered whole or not at all: if any row
is wrong (unknown cluster, another area's cluster, a missing column), the mail is refused
with every problem listed, and the sender sends a corrected form. A partly registered form
would make the corrected resend register its good rows twice.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from docauto.errors import DocautoError, Location, Problem
from docauto.mail.authorise import identify_sender
from docauto.registry import schema

if TYPE_CHECKING:
    from docauto.mail.message import Attachment, ParsedMail
    from docauto.mail.origin import OriginPolicy
    from docauto.structure.model import Structure

log = logging.getLogger(__name__)

# Attachments worth handing to the readers; logos, signatures and PDFs are ignored.
FORM_EXTENSIONS = {"xlsx", "xlsm", "xls", "csv", "txt", "docx", "doc"}
JOB_AD_EXTENSIONS = {"docx", "doc"}
MAX_PROBLEMS_IN_NOTE = 12

KIND_STATUS = {
    "job_ad": schema.OPSLAAET,
    "vacancies": schema.OPSLAAET,
    "applicants": schema.ANSOEGERE,
    "candidates": schema.KANDIDAT,
    "hires": schema.BESAT,
    "unfilled": schema.IKKE_BESAT,
}
# Registry columns of each kind's sheet that come from the form (the rest are set here).
KIND_COLUMNS = {
    "applicants": ("Ansøger", "E-mail", "Nuværende stilling", "Nuværende arbejdssted"),
    "candidates": ("Kandidat", "E-mail", "Prioritet"),
    "hires": ("Navn", "E-mail", "Tiltrædelsesdato"),
    "unfilled": ("Bemærkning",),
    "vacancies": (),
}


@dataclass
class Decision:
    """The outcome for one mail. ``status`` is an Indbakke status (Registreret or Afvist here;
    ingest turns it into Dublet/Afventer when the registry says so)."""

    status: str
    role: str | None = None
    kind: str | None = None
    round: int | None = None
    reason: str = ""  # Danish, for Indbakke.Bemærkning (problems may quote the form's values)
    headline: str = ""  # the reason without the problems: safe for logs (no personal data)
    problems: list[Problem] = field(default_factory=list)
    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (sheet, values)
    positions: list[dict[str, Any]] = field(
        default_factory=list
    )  # RegistryBook.move_position kwargs
    content_hash: str = ""
    counts: dict[str, int] = field(default_factory=dict)  # Stillingstype -> rows, for receipts
    # Why the sender gets no receipt (Danish, for the Indbakke); "" when a receipt may go.
    no_receipt: str = ""
    # Which receipt text fits: "registered", "received" (HR handles it by hand), "rejected"
    # (fix and resend), "not_submission" (a mail that is not a submission at all).
    receipt_text: str = ""

    @property
    def accepted(self) -> bool:
        return self.status == schema.REGISTERED


def received_at(parsed: ParsedMail | None, now: datetime | None = None) -> datetime:
    """The mail's date as Copenhagen wall-clock time without tzinfo (what Excel can hold)."""
    when = getattr(parsed, "date", None) or now or datetime.now().astimezone()
    if when.tzinfo is None:
        return when.replace(microsecond=0)
    try:
        from zoneinfo import ZoneInfo

        local = when.astimezone(ZoneInfo("Europe/Copenhagen"))
    except Exception:
        local = when.astimezone()
    return local.replace(tzinfo=None, microsecond=0)


def type_label(role: str | None, kind: str | None) -> str:
    if not kind:
        return "Ukendt"
    label = schema.KIND_LABEL.get(kind, kind)
    return f"{schema.ROLE_LABEL[role]} – {label}" if role in schema.ROLE_LABEL else label


def content_hash(
    role: str | None, kind: str | None, rnd: int | None, attachments: Iterable[Attachment]
) -> str:
    """Same forms sent again (new Message-ID, same files) give the same hash."""
    digests = sorted(hashlib.sha256(a.data).hexdigest() for a in attachments)
    h = hashlib.sha256(f"{role}|{kind}|{rnd}|".encode())
    for d in digests:
        h.update(d.encode())
    return h.hexdigest()


def rows_hash(
    role: str | None,
    kind: str | None,
    rnd: int | None,
    rows: list[tuple[str, dict[str, Any]]],
    positions: list[dict[str, Any]],
) -> str:
    """Same rows sent again give the same hash, even when Excel saved the form anew (its bytes
    then differ: a save stamps the time into the file)."""
    import json

    def stable(values: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in values.items() if k not in ("Modtaget", "Kilde")}

    content = sorted(
        json.dumps([sheet, stable(v)], sort_keys=True, default=str, ensure_ascii=False)
        for sheet, v in rows
    )
    content += sorted(
        json.dumps(p, sort_keys=True, default=str, ensure_ascii=False) for p in positions
    )
    h = hashlib.sha256(f"{role}|{kind}|{rnd}|rows|".encode())
    for line in content:
        h.update(line.encode("utf-8"))
    return h.hexdigest()


def _ext(att: Attachment) -> str:
    name = (att.filename or "").lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def reject(reason: str, problems: Iterable[Problem] = (), **kw: Any) -> Decision:
    problems = list(problems)
    note = reason
    if problems:
        shown = [str(p) for p in problems[:MAX_PROBLEMS_IN_NOTE]]
        more = len(problems) - len(shown)
        note += ": " + "; ".join(shown) + (f" (og {more} fejl mere)" if more > 0 else "")
    return Decision(status=schema.REJECTED, reason=note, headline=reason, problems=problems, **kw)


def _file_problem(att: Attachment, exc: DocautoError) -> Problem:
    name = att.filename or "vedhæftet fil"
    # The readers' messages usually start with the file name already.
    where = Location() if name in exc.message else Location(file=name)
    return Problem(where, exc.message)


def _value(sub: Any, column: str) -> Any:
    values = getattr(sub, "values", None) or {}
    if column in values:
        return values[column]
    return (getattr(getattr(sub, "row", None), "values", None) or {}).get(column)


NOT_SUBMISSION = "not_submission"


def _who(
    parsed: ParsedMail,
    structure: Structure,
    hr_addresses: Iterable[str],
    origin: OriginPolicy | None,
    meta: dict[str, Any],
) -> tuple[Any, Decision | None]:
    """The sender the mail system vouches for, or the refusal (which never gets a receipt:
    answering a forged or unparseable From would send mail to whoever it names)."""
    from docauto.mail.classify import is_report_subject

    if parsed.report or is_report_subject(parsed.subject or ""):
        return None, reject(
            "Mailen er en læsekvittering eller leveringsrapport, ikke en indberetning",
            no_receipt="automatisk mail (læsekvittering eller leveringsrapport)",
            receipt_text=NOT_SUBMISSION,
            **meta,
        )
    if parsed.sender_problem:
        return None, reject(
            f"Afsenderen kan ikke fastslås: {parsed.sender_problem}",
            no_receipt="afsenderen kan ikke fastslås",
            **meta,
        )
    sender = identify_sender(structure, parsed.sender, hr_addresses)
    if not sender.known:
        return None, reject(
            "Afsenderen er hverken områdechef eller souschef for et område eller en "
            "af HR's adresser",
            no_receipt="afsenderen må ikke indsende til jobbanken",
            **meta,
        )
    if origin is not None and origin.required:
        from docauto.mail.origin import check_origin

        ok, why = check_origin(parsed.headers, parsed.sender, origin)
        if not ok:
            return None, reject(
                f"Afsenderen er ikke bekræftet: {why}",
                no_receipt="afsenderen er ikke bekræftet af organisationens mailserver",
                **meta,
            )
    return sender, None


def handle_mail(
    parsed: ParsedMail,
    structure: Structure,
    hr_addresses: Iterable[str],
    origin: OriginPolicy | None = None,
) -> Decision:
    """Identify, authorise, classify, read and validate one mail (REGISTRY.md §0-§2)."""
    decision = _handle(parsed, structure, hr_addresses, origin)
    if parsed.automatic and not decision.no_receipt:
        decision.no_receipt = "automatisk mail (autosvar, liste eller robot)"
    return decision


def _handle(
    parsed: ParsedMail,
    structure: Structure,
    hr_addresses: Iterable[str],
    origin: OriginPolicy | None,
) -> Decision:
    from docauto.mail.classify import classify

    c = classify(parsed.subject or "")
    role = c.role
    if role is None and c.kind == "vacancies":
        # Vacancy reports (hiring freeze) are about pedagogical-leader positions; the subject
        # usually names no role.
        role = "pedagogical_leader"
    meta = {"role": role, "kind": c.kind, "round": c.round}
    sender, refused = _who(parsed, structure, hr_addresses, origin, meta)
    if refused is not None:
        return refused
    if parsed.over_bound:
        # Whole or nothing: what was read of a cut mail is never registered.
        return reject(
            f"Mailen er afvist i sin helhed, fordi {parsed.over_bound}; intet er registreret",
            **meta,
        )
    if c.kind is None:
        return reject(
            "Emnet kunne ikke genkendes som en indberetning til jobbanken",
            receipt_text=NOT_SUBMISSION,
            **meta,
        )
    if role is None and c.kind != "senior":
        return reject("Emnet siger ikke, om det gælder klyngeleder eller pædagogisk leder", **meta)
    when = received_at(parsed)
    if c.kind == "senior":
        return _senior(parsed, sender, when, meta)
    if c.kind == "job_ad":
        return _job_ads(parsed, structure, sender, when, meta)
    return _forms(parsed, structure, sender, when, meta)


LINK_REASON = "Skemaet er sendt som et link: vedhæft skemaet som en kopi, ikke som et link"


def _no_file(parsed: ParsedMail, reason: str, meta: dict[str, Any]) -> Decision:
    if parsed.links:
        return reject(LINK_REASON, **meta)
    return reject(reason, **meta)


def _place(structure: Structure, cluster_id: str, unit_id: str | None) -> tuple[Any, Any]:
    cluster = structure.clusters.get(cluster_id) or structure.find_cluster(cluster_id or "")
    unit = None
    if unit_id:
        unit = structure.units.get(unit_id) or structure.find_unit(unit_id, cluster)
    return cluster, unit


def _job_ad_place(
    att: Attachment, structure: Structure, sender: Any, role: str, problems: list[Problem]
) -> tuple[Any, Any] | None:
    """(cluster, unit) a job ad is for, or None with the reason added to ``problems``."""
    from docauto.mail.readers import identify_job_ad

    where = Location(file=att.filename or "vedhæftet fil")
    try:
        found = identify_job_ad(att, structure)
    except DocautoError as exc:
        problems.append(_file_problem(att, exc))
        return None
    if not found:
        problems.append(
            Problem(
                where,
                "kan ikke se, hvilken klynge eller enhed annoncen "
                "gælder (brug den annonce, der blev udarbejdet til stillingen)",
            )
        )
        return None
    problem = _job_ad_problem(found, structure, sender, role)
    if problem:
        problems.append(Problem(where, problem))
        return None
    return _place(structure, found.get("cluster_id") or "", found.get("unit_id"))


def _job_ad_problem(found: dict[str, Any], structure: Structure, sender: Any, role: str) -> str:
    """Why an identified job ad cannot be registered from this sender ("" when it can)."""
    if found.get("role") and found["role"] != role:
        return (
            f"annoncen gælder en "
            f"{schema.ROLE_LABEL.get(found['role'], found['role']).lower()}, "
            f"men emnet siger {schema.ROLE_LABEL[role].lower()}"
        )
    cluster, unit = _place(structure, found.get("cluster_id") or "", found.get("unit_id"))
    if cluster is None:
        return f"ukendt klynge '{found.get('cluster_id')}'"
    if found.get("unit_id") and unit is None:
        return f"ukendt enhed '{found.get('unit_id')}'"
    if not sender.may_submit_for(cluster.area):
        return (
            f"klyngen hører til området '{cluster.area}', som "
            "afsenderen ikke er områdechef eller souschef for"
        )
    if role == "pedagogical_leader" and unit is None:
        return "annoncen for en pædagogisk leder nævner ingen enhed"
    return ""


def _job_ads(
    parsed: ParsedMail, structure: Structure, sender: Any, when: datetime, meta: dict[str, Any]
) -> Decision:
    role = meta["role"]
    problems: list[Problem] = []
    rows: list[tuple[str, dict[str, Any]]] = []
    positions: list[dict[str, Any]] = []
    used = []
    docs = [a for a in parsed.attachments if _ext(a) in JOB_AD_EXTENSIONS]
    if not docs:
        return _no_file(parsed, "Der er ingen stillingsannonce (Word-fil) vedhæftet", meta)
    for att in docs:
        place = _job_ad_place(att, structure, sender, role, problems)
        if place is None:
            continue
        cluster, unit = place
        label = schema.ROLE_LABEL[role]
        rows.append(
            (
                schema.JOB_ADS,
                {
                    "Stillingstype": label,
                    "Område": cluster.area,
                    "Klynge": cluster.name,
                    "Enhed": unit.name if unit else "",
                    "Fil": att.filename,
                    "Modtaget": when,
                    "Kilde": parsed.message_id,
                },
            )
        )
        positions.append(
            {
                "position_id": schema.position_id(role, cluster.id, unit.id if unit else None),
                "role_label": label,
                "area": cluster.area,
                "cluster": cluster.name,
                "unit": unit.name if unit else "",
                "status": schema.OPSLAAET,
            }
        )
        used.append(att)
    if problems:
        return reject("Stillingsannoncen kunne ikke registreres", problems, **meta)
    return Decision(
        status=schema.REGISTERED,
        rows=rows,
        positions=positions,
        content_hash=content_hash(meta["role"], meta["kind"], meta["round"], used),
        counts={schema.ROLE_LABEL[role]: len(rows)},
        receipt_text="registered",
        **meta,
    )


def _senior(parsed: ParsedMail, sender: Any, when: datetime, meta: dict[str, Any]) -> Decision:
    """A senior application: the form's rows go to Seniorordninger (registry/senior.py); a
    mail without the form is still received, for HR to handle by hand."""
    from docauto.registry.senior import SHEET, read_senior_forms

    rows, problems = read_senior_forms(
        parsed.attachments, sender.may_submit_for, when, parsed.message_id
    )
    if problems:
        return reject("Ansøgningen om seniorordning kunne ikke registreres", problems, **meta)
    return Decision(
        status=schema.REGISTERED,
        rows=[(SHEET, r) for r in rows],
        reason=f"{len(rows)} ansøgninger om seniorordning registreret"
        if rows
        else "Ansøgning om seniorordning uden skema: ingen rækker i registret; HR behandler den",
        content_hash=content_hash(meta["role"], meta["kind"], meta["round"], parsed.attachments),
        counts={"Seniorordning": len(rows)} if rows else {},
        receipt_text="senior" if rows else "received",
        **meta,
    )


def _opened(
    structure: Structure, role: str, kind: str, sub: Any, move: dict[str, Any], cluster: str
) -> list[dict[str, Any]]:
    """Positions an event opens (issue 14, registry/events.py): a vacancy report keeps its
    remark as the reason; a cluster-leader hire of a unit's leader opens that unit."""
    from docauto.registry.events import hire_opens, vacancy_reason

    if kind == "vacancies":
        move["reason"] = vacancy_reason(_value(sub, "Bemærkning"))
        return []
    if role == "pedagogical_leader":  # used only if this report is the first about it
        move["reason"] = f"Første indberetning om stillingen: {schema.KIND_LABEL[kind]}"
    if kind != "hires":
        return []
    opened = hire_opens(structure, role, _value(sub, "Navn"), _value(sub, "E-mail"), cluster)
    return [opened] if opened else []


def _read_form(
    att: Attachment,
    structure: Structure,
    sender: Any,
    role: str,
    kind: str,
    problems: list[Problem],
) -> list[Any]:
    """The valid submissions of one attached form; what is wrong goes to ``problems``."""
    from docauto.mail.readers import read_submission
    from docauto.mail.validate import validate_rows

    try:
        result = read_submission(att, role, kind)
    except DocautoError as exc:
        problems.append(_file_problem(att, exc))
        return []
    problems.extend(result.problems)
    ok, bad = validate_rows(result, structure, role, kind)
    problems.extend(bad)
    for sub in ok:
        if not sender.may_submit_for(sub.area):
            row = getattr(sub, "row", None)
            problems.append(
                Problem(
                    Location(
                        file=att.filename or None,
                        sheet=getattr(row, "sheet", None) or None,
                        row=getattr(row, "number", None),
                        column="Område",
                    ),
                    f"området '{sub.area}' er ikke afsenderens område",
                )
            )
    return ok


def _form_row(
    sub: Any,
    label: str,
    cluster_name: str,
    unit_name: str,
    when: datetime,
    parsed: ParsedMail,
    meta: dict[str, Any],
) -> dict[str, Any]:
    kind = meta["kind"]
    values: dict[str, Any] = {
        "Stillingstype": label,
        "Område": sub.area,
        "Klynge": cluster_name,
        "Enhed": unit_name,
        "Modtaget": when,
        "Kilde": parsed.message_id,
    }
    if kind == "candidates":
        values["Runde"] = meta["round"] or 1
    for col in KIND_COLUMNS.get(kind, ()):
        values[col] = _value(sub, col)
    return values


def _form_move(
    sub: Any, role: str, kind: str, label: str, cluster_name: str, unit_name: str
) -> dict[str, Any]:
    leader = role == "pedagogical_leader"
    move = {
        "position_id": schema.position_id(role, sub.cluster_id, sub.unit_id if leader else None),
        "role_label": label,
        "area": sub.area,
        "cluster": cluster_name,
        "unit": unit_name if leader else "",
        "status": KIND_STATUS[kind],
    }
    if kind == "hires":
        move["hired"] = _value(sub, "Navn")
    return move


def _forms(
    parsed: ParsedMail, structure: Structure, sender: Any, when: datetime, meta: dict[str, Any]
) -> Decision:
    role, kind, rnd = meta["role"], meta["kind"], meta["round"]
    files = [a for a in parsed.attachments if _ext(a) in FORM_EXTENSIONS]
    if not files:
        return _no_file(
            parsed, "Der er intet registreringsskema (Excel, CSV eller Word-tabel) vedhæftet", meta
        )
    problems: list[Problem] = []
    subs: list[Any] = []
    for att in files:
        subs.extend(_read_form(att, structure, sender, role, kind, problems))
    if problems:
        return reject("Skemaet kunne ikke registreres", problems, **meta)
    if not subs:
        return reject("Skemaet har ingen udfyldte rækker", **meta)

    label = schema.ROLE_LABEL[role]
    rows: list[tuple[str, dict[str, Any]]] = []
    positions: list[dict[str, Any]] = []
    sheet = schema.KIND_SHEET.get(kind)
    for sub in subs:
        cluster, unit = _place(structure, sub.cluster_id, sub.unit_id)
        cluster_name = cluster.name if cluster else sub.cluster_id
        unit_name = unit.name if unit else ""
        if sheet:
            rows.append((sheet, _form_row(sub, label, cluster_name, unit_name, when, parsed, meta)))
        move = _form_move(sub, role, kind, label, cluster_name, unit_name)
        positions.append(move)
        positions.extend(_opened(structure, role, kind, sub, move, cluster_name))
    note = ""
    if kind == "vacancies":
        note = f"{len(positions)} vakante stillinger indberettet"
    return Decision(
        status=schema.REGISTERED,
        rows=rows,
        positions=positions,
        reason=note,
        content_hash=rows_hash(role, kind, rnd, rows, positions),
        counts={label: len(rows) or len(positions)},
        receipt_text="received" if kind == "vacancies" else "registered",
        **meta,
    )
