"""Reading one mail into a decision: the pure part of ingesting, run in the main process or in
a worker (``docauto.mail.parallel``). No file is read or written here; ``docauto.mail.ingest``
records the outcome."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docauto.mail.handle import Decision
    from docauto.mail.message import ParsedMail
    from docauto.mail.origin import OriginPolicy
    from docauto.mail.sources import SourceItem
    from docauto.structure.model import Structure

log = logging.getLogger(__name__)


def unparsable(item: SourceItem, reason: str) -> tuple[ParsedMail, Decision]:
    """A mail nothing could be read from: refused, kept in quarantine, never answered."""
    from docauto.mail.handle import reject
    from docauto.mail.message import ParsedMail

    mid = f"<{hashlib.sha256(item.raw or b'').hexdigest()}@docauto>"
    parsed = ParsedMail(
        message_id=mid,
        subject="",
        sender="",
        sender_name="",
        date=None,
        body_text="",
        attachments=[],
        raw=bytes(item.raw or b""),
        defects=[],
    )
    return parsed, reject(
        f"Mailen kan ikke læses: {reason}", no_receipt="afsenderen kan ikke fastslås"
    )


def prepare(
    item: SourceItem,
    structure: Structure,
    hr: Iterable[str],
    skip_ids: Iterable[str] | dict[str, str] = (),
    origin: OriginPolicy | None = None,
) -> tuple[ParsedMail, Decision | None]:
    """Parse a mail and decide what it means (pure; may run in a worker process). A mail whose
    Message-ID is in ``skip_ids`` is only parsed (decision None): it was seen before."""
    from docauto.mail.handle import handle_mail, reject
    from docauto.mail.message import MailParseError, parse_mail

    try:
        parsed = parse_mail(item.raw, item.name)
    except MailParseError as exc:
        return unparsable(item, exc.message)
    # Links the source found outside the MIME (a Graph referenceAttachment).
    parsed.links.extend(getattr(item, "links", ()) or ())
    if parsed.message_id in skip_ids:
        return parsed, None
    try:
        return parsed, handle_mail(parsed, structure, hr, origin)
    except Exception as exc:
        log.error(
            "%s: uventet %s under læsning af mailen",
            parsed.message_id,
            type(exc).__name__,
            exc_info=log.isEnabledFor(logging.DEBUG),
        )
        return parsed, reject(
            f"Uventet fejl under læsning af mailen ({type(exc).__name__}); "
            "kontakt den, der driver docauto"
        )
