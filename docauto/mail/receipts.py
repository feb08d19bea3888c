"""Receipts: a Danish reply to the sender saying what was registered and what was rejected.

The wording is data HR can edit (templates/tekster/kvittering.yaml). ``build_receipt`` is
pure: it returns an EmailMessage and the source decides how to deliver it (send through the
server, or write an .eml draft in ``dir:`` mode).

``details`` (a mapping, or a ReceiptDetails) may carry:
  counts    {position label: rows registered}, e.g. {"Klyngeleder, Amager Øst, Klynge 3": 4}
  problems  [Problem or str]: each row or file that was rejected, with its reason
  reason    str: why the whole mail was rejected (unknown sender, subject not recognised, ...)
  headline  str: the reason without the problems (what the receipt shows as the reason)
  rows      int: rows accepted (for 'pending'), defaults to the sum of counts
  text      str: which text fits (Decision.receipt_text): registered, received, not_submission

The receipt is a complete draft from the one jobbank mailbox (``mailbox`` of
mappings/rekrutteringsplan.yaml, which the forms and reminders use too) with ``X-Unsent: 1``,
so Outlook opens a ``dir:`` receipt as a draft ready to send.
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from functools import cache
from typing import Any

from docauto.errors import ConfigError

RECEIPT_FILE = "tekster/kvittering.yaml"
_AUTOMATED_SENDERS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply")


@dataclass
class ReceiptDetails:
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Any] = field(default_factory=list)
    reason: str = ""
    rows: int | None = None
    headline: str = ""  # the reason without the problems listed after it
    text: str = ""  # the decision's receipt_text (see docauto.mail.handle.Decision)


@cache
def _texts(path: str) -> dict[str, str]:
    from docauto.datafiles import read_data
    from docauto.resources import template_path

    p = template_path(path)
    data = read_data(p, error=ConfigError)
    # received/not_submission fall back to registered/rejected in an older file.
    missing = [k for k in OUTCOMES if k not in (data or {})]
    if missing:
        raise ConfigError(f"{p}: kvitteringsteksterne mangler {', '.join(missing)}")
    return data


def _render(source: str, context: dict[str, Any]) -> str:
    from docauto.office.engine import render_text

    return render_text(source, context, where=RECEIPT_FILE)


def _details(details: ReceiptDetails | Mapping[str, Any] | None) -> ReceiptDetails:
    if details is None:
        return ReceiptDetails()
    if isinstance(details, ReceiptDetails):
        return details
    return ReceiptDetails(
        counts=dict(details.get("counts") or {}),
        problems=list(details.get("problems") or []),
        reason=str(details.get("reason") or ""),
        rows=details.get("rows"),
        headline=str(details.get("headline") or ""),
        text=str(details.get("text") or ""),
    )


def _header(raw: bytes, name: str) -> str:
    try:
        headers = BytesHeaderParser(policy=default_policy).parsebytes(raw[:200_000])
        return str(headers.get(name, "") or "")
    except Exception:
        return ""


def receipt_allowed(mail: Any) -> bool:
    """False for mail that must never get an automatic answer (RFC 3834): auto-replies,
    bounces, read receipts, lists, or a From that is not exactly one valid mailbox (read the
    strict way, as docauto.mail.message does). Accepts a ParsedMail or raw bytes."""
    if not isinstance(mail, bytes | bytearray):
        if getattr(mail, "automatic", False) or getattr(mail, "report", False):
            return False
        if getattr(mail, "sender_problem", ""):
            return False
        raw = getattr(mail, "raw", b"") or b""
        sender = getattr(mail, "sender", "") or ""
    else:
        raw, sender = bytes(mail), ""
    if not sender:
        sender = _strict_sender(raw)
    if not sender or "@" not in sender or sender.split("@")[0] in _AUTOMATED_SENDERS:
        return False
    auto = _header(raw, "Auto-Submitted").strip().lower()
    if auto and auto != "no":
        return False
    if _header(raw, "Precedence").strip().lower() in ("bulk", "list", "junk"):
        return False
    return not _header(raw, "List-Id")


def _strict_sender(raw: bytes) -> str:
    from docauto.mail.message import POLICY, strict_sender

    try:
        headers = BytesHeaderParser(policy=POLICY).parsebytes(raw[:200_000])
    except Exception:
        return ""
    return strict_sender(headers)


def mailbox_address() -> str:
    """The jobbank mailbox: ``mailbox`` of the recruitment plan (mappings/rekrutteringsplan.yaml),
    the one setting the forms' "Send til", the reminders and the receipts all read."""
    from docauto.recruitment.timeline import load_timeline

    return load_timeline().mailbox


OUTCOMES = ("registered", "duplicate", "pending", "rejected")
TEXTS = ("registered", "received", "not_submission", "duplicate", "pending", "rejected")


def _text_key(outcome: str, text: str) -> str:
    """Which text of kvittering.yaml fits: the decision's own choice where it has one
    (a senior application is 'received', an unknown subject 'not_submission')."""
    if outcome in ("duplicate", "pending"):
        return outcome
    if outcome == "registered":
        return text if text in ("received", "senior") else "registered"
    return "not_submission" if text == "not_submission" else "rejected"


def _reply_subject(prefix: str, subject: str) -> str:
    # "SV: SV: ..." helps nobody: one prefix, whatever the original had.
    if subject.strip().lower().startswith(prefix.strip().lower()):
        return subject.strip()
    return prefix + subject.strip()


def build_receipt(
    mail: Any,
    outcome: str,
    details: ReceiptDetails | Mapping[str, Any] | None = None,
    *,
    from_address: str | None = None,
    texts_file: str = RECEIPT_FILE,
) -> EmailMessage:
    """The Danish receipt for a mail (a ParsedMail) and its outcome (registered, duplicate,
    pending or rejected), as a complete draft: From the jobbank mailbox (``from_address``,
    default: ``mailbox_address()``), To the sender, Date, "SV:" subject, X-Unsent: 1."""
    texts = _texts(texts_file)
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    d = _details(details)
    mailbox = from_address or mailbox_address()
    counts = [{"stilling": k, "antal": int(v)} for k, v in d.counts.items()]
    total = sum(c["antal"] for c in counts) if d.rows is None else int(d.rows)
    received = ""
    when = getattr(mail, "date", None)
    if when is not None:
        received = f"{when:%d.%m.%Y} kl. {when:%H.%M}"
    subject = getattr(mail, "subject", "") or ""
    context = {
        "navn": getattr(mail, "sender_name", "") or "",
        "emne": subject,
        "modtaget": received,
        "registreret": counts,
        "i_alt": total,
        "problemer": [str(p) for p in d.problems],
        "grund": d.headline or d.reason,
        "postkasse": mailbox,
    }
    key = _text_key(outcome, d.text)
    body = "\n\n".join(
        part
        for part in (
            _render(texts.get("hilsen", ""), context).strip(),
            _render(texts.get(key) or texts[outcome], context).strip(),
            _render(texts.get("afslutning", ""), context).strip(),
        )
        if part
    )

    msg = EmailMessage()
    msg["From"] = email.utils.formataddr((texts.get("afsendernavn") or "", mailbox))
    name = getattr(mail, "sender_name", "") or ""
    msg["To"] = email.utils.formataddr((name, getattr(mail, "sender", "") or ""))
    msg["Subject"] = _reply_subject(texts.get("emne_praefiks") or "SV: ", subject)
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = email.utils.make_msgid("kvittering", domain=mailbox.rsplit("@", 1)[-1])
    original_id = getattr(mail, "message_id", "") or ""
    if original_id:
        msg["In-Reply-To"] = original_id
        refs = _header(getattr(mail, "raw", b"") or b"", "References").split()
        msg["References"] = " ".join([*refs[-10:], original_id])
    # RFC 3834: marks the receipt as automatic, so the sender's own auto-reply does not answer it.
    msg["Auto-Submitted"] = "auto-replied"
    msg["X-Auto-Response-Suppress"] = "All"
    # Outlook opens an .eml with X-Unsent: 1 as a draft ready to send (dir: mode).
    msg["X-Unsent"] = "1"
    msg.set_content(body + "\n", charset="utf-8")
    return msg
