"""Parsing one raw mail into what the registry needs: who, when, what about, and the attachments.

Mail comes from many clients over many years, so the parser is lenient (stdlib ``email`` with
``policy.default``, falling back to the old ``compat32`` decoding for headers the modern policy
chokes on) and bounded (size, number of parts, nesting depth), and it never raises anything but
MailParseError, only when nothing usable is left. Attachments inside forwarded mails
(message/rfc822) and inside Outlook's winmail.dat (TNEF, optional extra ``tnef``) are collected.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import HeaderRegistry
from email.message import Message
from email.policy import EmailPolicy
from functools import lru_cache
from typing import Any

from docauto.errors import MailError

MAX_RAW_BYTES = 60 * 1024 * 1024  # a mail this large is not a registration form
MAX_PARTS = 400
MAX_DEPTH = 6  # nested forwarded mails / winmail.dat inside forwarded mails
MAX_HEADER_CHARS = 8_000  # longer headers are decoded the simple way (bounded time)
MAX_BODY_CHARS = 200_000

NESTED_ORIGIN = "vedhæftet mail"
TNEF_ORIGIN = "winmail.dat"

_KNOWN_HEADERS = (
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "received",
    "sender",
    "reply-to",
    "cc",
    "return-path",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class MailParseError(MailError):
    """Nothing usable could be read from a mail; the message says why (in Danish)."""


@dataclass(frozen=True)
class Attachment:
    filename: str  # decoded display name (RFC 2047/2231); NEVER used as a path
    content_type: str
    data: bytes
    origin: str = ""  # e.g. "winmail.dat" or "vedhæftet mail" when it came from a nested part

    @property
    def extension(self) -> str:
        name = self.filename.lower()
        return name.rsplit(".", 1)[-1] if "." in name else ""


@dataclass
class ParsedMail:
    message_id: str
    subject: str
    sender: str
    sender_name: str
    date: datetime | None
    body_text: str
    attachments: list[Attachment]
    raw: bytes
    defects: list[str] = field(default_factory=list)
    # An automatic reply, bounce or list mail (RFC 3834 Auto-Submitted, Precedence, multipart/
    # report, mailer-daemon): never answer it with a receipt, or two robots talk forever.
    automatic: bool = False
    # Why the sender cannot be told for certain (Danish), "" when From held exactly one valid
    # mailbox. ``sender`` is then "" and ``sender_name`` the header's text, for the Indbakke.
    sender_problem: str = ""
    # The bound the mail broke (Danish), "" when within every bound: such a mail is refused
    # whole, never registered from the part that was read.
    over_bound: str = ""
    # A read receipt or delivery report (multipart/report; disposition or delivery status).
    report: bool = False
    # Links to a cloud copy of a file (OneDrive/SharePoint "share a link", or a Graph
    # referenceAttachment) instead of the file itself.
    links: list[str] = field(default_factory=list)
    # The message's own header fields needed later (Authentication-Results, Exchange stamps),
    # top to bottom as the servers wrote them.
    headers: list[tuple[str, str]] = field(default_factory=list)


# --- headers ---------------------------------------------------------------------------------


class _HeaderRegistry(HeaderRegistry):
    """The standard registry, but a header name's class is made once: the standard one makes
    a new class (``type(...)``) for every header it parses."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        found = self._classes.get(key)
        if found is None:
            found = self._classes[key] = super().__getitem__(name)
        return found


class _CachingPolicy(EmailPolicy):
    """policy.default, but the parsed form of a part's MIME headers is kept: the walker asks
    for a part's Content-Type and Content-Disposition many times, the modern policy parses the
    header anew on every request (the largest cost of reading a mail), and the parts of mails
    sent from one form template carry the same headers. Only these repeating headers are kept,
    and only a few hundred: a parsed header keeps its whole parse tree (~5 KiB), and a cache of
    every mail's From, Subject and Message-ID grew a run's memory with every mail it read."""

    def header_fetch_parse(self, name, value):
        if type(value) is not str or len(value) > 2000 or name.lower() not in _CACHED_HEADERS:
            return super().header_fetch_parse(name, value)
        if name.lower() == "content-type" and "boundary" in value:
            # A multipart's boundary is new in every mail: kept, it would only push out
            # the headers that repeat.
            quick = _quick_content_type(self, name, value)
            if quick is not None:
                return quick
        return _parsed_header(self, name, value)


_CACHED_HEADERS = frozenset({"content-type", "content-disposition", "content-transfer-encoding"})


@lru_cache(maxsize=512)
def _parsed_header(policy_: EmailPolicy, name: str, value: str):
    return EmailPolicy.header_fetch_parse(policy_, name, value)


# A Content-Type of the plain shape mail programs write for a multipart, e.g.
# 'multipart/mixed; boundary="----=_Part_1"', is read without the modern policy's parser (a
# tree of some hundred objects). Anything else (comments, folding, RFC 2231 or encoded words,
# a parameter twice) goes through the parser. tests/test_mail_header_fastpath.py compares both.
_CT_TOKEN = r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*"
_CT_PARAM = re.compile(
    r';[ ]?([A-Za-z][A-Za-z0-9-]*)=(?:"([A-Za-z0-9\'()+_,./:= -]+)"|([A-Za-z0-9+_.-]+))'
)
_CT_SIMPLE = re.compile(rf"({_CT_TOKEN})/({_CT_TOKEN})((?:{_CT_PARAM.pattern})*)")


def _quick_content_type(policy_: EmailPolicy, name: str, value: str) -> Any:
    m = _CT_SIMPLE.fullmatch(value)
    if m is None:
        return None
    params: dict[str, str] = {}
    decoded = [m.group(1), "/", m.group(2)]  # as the parser gives it: "; ", values quoted
    for p in _CT_PARAM.finditer(m.group(3)):
        key = p.group(1).lower()
        if key in params:
            return None
        params[key] = p.group(2) if p.group(2) is not None else p.group(3)
        decoded += ["; ", p.group(1), '="', params[key], '"']
    cls = policy_.header_factory[name]
    header = _QUICK_CLASSES.get(cls)
    if header is None:
        header = _QUICK_CLASSES[cls] = type("_Quick" + cls.__name__, (_QuickParseTree, cls), {})
    made = str.__new__(header, "".join(decoded))
    made._name = name
    made._defects = ()
    made._params = params
    made._maintype = m.group(1).lower()
    made._subtype = m.group(2).lower()
    return made


class _QuickParseTree:
    """The parse tree of a quickly read header, made only if something asks for it (folding
    the header to write it out)."""

    @property
    def _parse_tree(self) -> Any:
        from email._header_value_parser import parse_content_type_header

        return parse_content_type_header(str(self))


_QUICK_CLASSES: dict[type, type] = {}


POLICY = _CachingPolicy(header_factory=_HeaderRegistry())


def _clean(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def _decode_words(value: str) -> str:
    """compat32-style decoding of RFC 2047 words; unknown charsets fall back to utf-8/latin-1."""
    from email.header import decode_header, make_header

    try:
        return str(make_header(decode_header(value)))
    except Exception:
        pass
    try:
        parts = decode_header(value)
    except Exception:
        return value
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            out.append(chunk)
            continue
        for cs in (charset, "utf-8", "latin-1"):
            if not cs or cs.lower() in ("unknown-8bit", "none"):
                continue
            try:
                out.append(chunk.decode(cs))
                break
            except (LookupError, UnicodeError, ValueError):
                continue
    return "".join(out)


def _raw_header(msg: Message, name: str) -> str | None:
    for key, value in msg.raw_items():
        if key.lower() == name:
            return value if isinstance(value, str) else str(value)
    return None


def _header(msg: Message, name: str, defects: list[str]) -> str:
    raw = _raw_header(msg, name)
    if raw is None:
        return ""
    if len(raw) <= MAX_HEADER_CHARS:
        text, error = _header_text(name, raw)
        if not error:
            return text
        defects.append(f"{name}: {error}")
    else:
        defects.append(f"{name}: for lang ({len(raw)} tegn), afkortet")
        raw = raw[:MAX_HEADER_CHARS]
    return _clean(_decode_words(re.sub(r"\r?\n[ \t]", " ", raw)))


# Header texts are read by the modern policy, whose parse of one value is a tree of hundreds of
# objects (most of the time spent reading a mail). What docauto keeps of a header is a pure
# function of its raw value, and the values repeat (a form's subject line, the same senders),
# so the results, never the trees, are kept for the last few hundred values.
_CACHED_VALUE_CHARS = 1_000


def _header_text(name: str, raw: str) -> tuple[str, str]:
    """(the header's text as the modern policy reads it, cleaned; the exception's name when the
    policy could not read it, else "")."""
    if len(raw) > _CACHED_VALUE_CHARS:
        return _read_header_text(name.lower(), raw)
    return _cached_header_text(name.lower(), raw)


def _read_header_text(name: str, raw: str) -> tuple[str, str]:
    try:
        value = POLICY.header_fetch_parse(name, raw)
    except Exception as exc:
        return "", type(exc).__name__
    return (_clean(str(value)) if value is not None else ""), ""


_cached_header_text = lru_cache(maxsize=512)(_read_header_text)

# A Message-ID as nearly every mail system writes it: <dot-atom@dot-atom>, nothing around it.
# The modern policy reads such a value as exactly itself (tests/test_mail_header_fastpath.py
# checks that over the mail corpus and generated values); any other value goes to the policy.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_SIMPLE_MSGID = re.compile(rf"<{_ATEXT}(?:\.{_ATEXT})*@{_ATEXT}(?:\.{_ATEXT})*>")


def _message_id(msg: Message, raw: bytes, defects: list[str]) -> str:
    value = _raw_header(msg, "message-id")
    if value is not None and _SIMPLE_MSGID.fullmatch(value):
        return value
    value = _header(msg, "message-id", defects)
    m = re.search(r"<([^<>\s]+)>", value)
    if m:
        return f"<{m.group(1)}>"
    token = value.strip().strip("<>").split()
    if token and "@" in token[0]:
        return f"<{token[0]}>"
    return f"<{hashlib.sha256(raw).hexdigest()}@docauto>"


# A mailbox the registry can trust as written: dot-atom local part, a domain of at least two
# labels. Quoted local parts and address literals are legal but no colleague has one.
_ADDR = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[^\W_](?:[\w-]{0,62}[^\W_])?(?:\.[^\W_](?:[\w-]{0,62}[^\W_])?)+"
)


def _sender(msg: Message, defects: list[str]) -> tuple[str, str, str]:
    """(address, display name, problem): the one mailbox of the one From header, read by the
    strict RFC 5322 parser. Anything else (two From headers, two addresses, a group, text the
    parser had to guess at) gives no address and a Danish problem, never a best guess: a
    lenient fallback would take ``chief@kommune.dk <evil@evil.invalid>`` as the chief."""
    raws = [v if isinstance(v, str) else str(v) for k, v in msg.raw_items() if k.lower() == "from"]
    if not raws:
        return "", "", "mailen har ingen From-linje"
    if len(raws) > 1:
        return "", _shown(raws[0]), f"mailen har {len(raws)} From-linjer"
    read = _read_from if len(raws[0]) > _CACHED_VALUE_CHARS else _cached_from
    address, name, problem, error = read(raws[0])
    if error:
        defects.append(f"from: {error}")
    return address, name, problem


def _shown(raw: str) -> str:
    """A From header's text for the Indbakke when no address can be trusted."""
    return _clean(_decode_words(raw[:MAX_HEADER_CHARS]))[:200]


def _read_from(raw: str) -> tuple[str, str, str, str]:
    """(address, display name, problem, parser error) of one From header's raw value; a pure
    function of it, so its result is kept for the senders seen last (``_cached_from``)."""
    try:
        header = POLICY.header_fetch_parse("from", raw)
        addresses = list(getattr(header, "addresses", None) or ())
        bad = [d for d in getattr(header, "defects", ()) if not _harmless(d)]
        groups = [g for g in getattr(header, "groups", ()) if g.display_name is not None]
    except Exception as exc:
        return "", _shown(raw), "afsenderadressen kan ikke læses", type(exc).__name__
    if bad or groups:
        return "", _shown(raw), "afsenderadressen kan ikke læses entydigt", ""
    if len(addresses) != 1:
        what = "ingen" if not addresses else f"{len(addresses)}"
        return "", _shown(raw), f"From-linjen har {what} afsenderadresser, ikke én", ""
    addr = (addresses[0].addr_spec or "").strip()
    if not _ADDR.fullmatch(addr):
        return "", _shown(raw), "afsenderadressen er ikke en gyldig e-mailadresse", ""
    return addr.lower(), _clean(_unescape_8bit(addresses[0].display_name or "")), "", ""


def _unescape_8bit(text: str) -> str:
    """A header written in raw UTF-8 (RFC 6532, as many mailers do) reaches the parser as
    escaped bytes; the policy decodes them for unstructured headers, not for a display name."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text


_cached_from = lru_cache(maxsize=512)(_read_from)


def strict_sender(msg: Message) -> str:
    """The one valid sender address of a message's headers, or "" (see ``_sender``)."""
    return _sender(msg, [])[0]


def _harmless(defect: Exception) -> bool:
    """Defects that leave the address exact: RFC 5322's obsolete syntax (comments inside the
    domain), 8-bit or badly spaced encoded words in the display name."""
    from email import errors

    if isinstance(defect, errors.ObsoleteHeaderDefect | errors.UndecodableBytesDefect):
        return True
    return "encoded-word" in str(defect) or "encoded word" in str(defect)


# A Date as mail systems write it (RFC 5322 3.3, no comments, no obsolete zones): the modern
# policy reads such a value with parsedate_to_datetime and nothing else, so docauto does that
# directly and leaves every other value to the policy (tests/test_mail_header_fastpath.py).
_SIMPLE_DATE = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d\d:\d\d(?::\d\d)? [+-]\d{4}"
)


def _simple_date(raw: str | None) -> datetime | None:
    from email.utils import parsedate_to_datetime

    if raw is None or not _SIMPLE_DATE.fullmatch(raw):
        return None
    try:
        return parsedate_to_datetime(raw)
    except ValueError:  # 31 Feb, hour 25: the policy's way decides
        return None


def _date(msg: Message, defects: list[str]) -> datetime | None:
    from email.utils import parsedate_to_datetime

    raw = _raw_header(msg, "date")
    value = _simple_date(raw)
    if value is None:
        try:
            header = msg["date"]
            value = getattr(header, "datetime", None)
        except Exception as exc:
            defects.append(f"date: {type(exc).__name__}")
    if value is None:
        if not raw:
            return None
        try:
            value = parsedate_to_datetime(raw.strip()[:200])
        except (TypeError, ValueError, IndexError, OverflowError):
            defects.append("date: kan ikke tolkes")
            return None
    if value.tzinfo is None:  # "-0000" or no zone: treat as UTC rather than guess local time
        value = value.replace(tzinfo=UTC)
    return value


# --- parts -----------------------------------------------------------------------------------


def _part_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
    return b""


def _part_text(part: Message) -> str:
    data = _part_bytes(part)
    charset = part.get_content_charset() or "utf-8"
    for cs in (charset, "utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(cs)
        except (LookupError, UnicodeError):
            continue
    return data.decode("latin-1", "replace")  # pragma: no cover - latin-1 always decodes


def clean_filename(name: str) -> str:
    """A display name: decoded, no control characters, no folder part."""
    if "=?" in name:
        name = _decode_words(name)
    name = unicodedata.normalize("NFC", _CONTROL.sub("", name)).strip().strip('"')
    name = re.split(r"[\\/]", name)[-1].strip()
    return name[:200]


def _filename(part: Message, index: int, defects: list[str]) -> str:
    name = None
    try:
        name = part.get_filename()
    except Exception as exc:
        defects.append(f"filnavn: {type(exc).__name__}")
    if not name:
        try:
            name = part.get_param("name")
            if isinstance(name, tuple):  # RFC 2231 triple from compat-style params
                from email.utils import collapse_rfc2231_value

                name = collapse_rfc2231_value(name)
        except Exception:
            name = None
    name = clean_filename(str(name)) if name else ""
    raw_name = _raw_filename(part)
    # Unquoted names with spaces or encoded words are cut short by the parser; the raw header
    # keeps them whole.
    if raw_name and (not name or (raw_name != name and raw_name.startswith(name))):
        name = raw_name
    if not name:
        import mimetypes

        ext = mimetypes.guess_extension(part.get_content_type()) or ".bin"
        name = f"vedhaeftning-{index}{ext}"
    return name


_RAW_NAME = re.compile(r'(?:^|;)\s*(?:file)?name\s*=\s*("([^"]*)"|([^;\r\n]+))', re.I)


def _raw_filename(part: Message) -> str:
    for header in ("content-disposition", "content-type"):
        raw = _raw_header(part, header) or ""
        m = _RAW_NAME.search(re.sub(r"\r?\n[ \t]", " ", raw)[:2000])
        if m:
            return clean_filename((m.group(2) if m.group(2) is not None else m.group(3)).strip())
    return ""


def _is_attachment(part: Message) -> bool:
    disposition = (part.get("content-disposition") or "").split(";")[0].strip().lower()
    if disposition == "attachment":
        return True
    if part.get_content_maintype() == "text" and not part.get_filename():
        return False
    if part.get_content_maintype() == "multipart":
        return False
    return bool(
        part.get_filename() or part.get_param("name")
    ) or part.get_content_maintype() not in ("text",)


def _is_tnef(part: Message, filename: str) -> bool:
    return part.get_content_type() == "application/ms-tnef" or filename.lower() == "winmail.dat"


def _tnef_attachments(data: bytes, defects: list[str]) -> list[Attachment] | None:
    try:
        from tnefparse import TNEF  # optional extra "tnef"
    except ImportError:
        defects.append("winmail.dat: tnefparse er ikke installeret (pip install docauto[tnef])")
        return None
    try:
        tnef = TNEF(data)
        out = []
        import mimetypes

        for i, att in enumerate(tnef.attachments, 1):
            name = ""
            try:
                name = att.long_filename() or att.name or ""
            except Exception:
                name = getattr(att, "name", "") or ""
            if isinstance(name, bytes):
                name = name.decode("latin-1")
            name = clean_filename(name.rstrip("\x00")) or f"vedhaeftning-{i}.bin"
            ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            out.append(Attachment(name, ctype, bytes(att.data or b""), TNEF_ORIGIN))
        return out
    except Exception as exc:
        defects.append(f"winmail.dat: kan ikke læses ({type(exc).__name__})")
        return None


class _Walker:
    def __init__(self, defects: list[str]) -> None:
        self.defects = defects
        self.parts = 0
        self.attachments: list[Attachment] = []
        self.plain: list[str] = []
        self.html: list[str] = []
        self.stopped = False
        self.over_bound = ""
        self.links: list[str] = []

    def walk(self, part: Message, depth: int, origin: str, top: bool) -> None:
        if self.stopped:
            return
        self.parts += 1
        if self.parts > MAX_PARTS:
            self.defects.append(f"mere end {MAX_PARTS} dele; resten er sprunget over")
            self.over_bound = self.over_bound or f"mailen har mere end {MAX_PARTS} MIME-dele"
            self.stopped = True
            return
        try:
            self._one(part, depth, origin, top)
        except RecursionError:
            raise
        except Exception as exc:
            self.defects.append(f"en del kunne ikke læses ({type(exc).__name__})")

    def _one(self, part: Message, depth: int, origin: str, top: bool) -> None:
        ctype = part.get_content_type()
        if part.is_multipart() and ctype != "message/rfc822":
            payload = part.get_payload()
            for sub in payload if isinstance(payload, list) else []:
                if isinstance(sub, Message):
                    self.walk(sub, depth, origin, top)
            return
        if ctype == "message/rfc822":
            self._nested(part, depth)
            return
        filename = _filename(part, len(self.attachments) + 1, self.defects)
        self._note_link(part, filename)
        if _is_attachment(part):
            self._attachment(part, ctype, filename, depth, origin)
            return
        if top and ctype == "text/plain":
            self.plain.append(_part_text(part))
        elif top and ctype == "text/html":
            self.html.append(_part_text(part))

    def _attachment(
        self, part: Message, ctype: str, filename: str, depth: int, origin: str
    ) -> None:
        """An attached file; a winmail.dat or an attached mail gives the files inside it."""
        data = _part_bytes(part)
        if _is_tnef(part, filename):
            inner = _tnef_attachments(data, self.defects)
            if inner == []:
                self.defects.append("winmail.dat: ingen vedhæftede filer fundet")
            if inner:
                self.attachments.extend(inner)
                return
        if filename.lower().endswith(".eml") and depth < MAX_DEPTH:
            before = len(self.attachments)
            self._nested_bytes(data, depth)
            if len(self.attachments) > before:
                return
        self.attachments.append(Attachment(filename, ctype, data, origin))

    def _note_link(self, part: Message, filename: str) -> None:
        # Outlook's "share a link" can come as a .url shortcut instead of the file.
        if filename.lower().endswith(_LINK_FILE_EXTENSIONS) and _is_attachment(part):
            link = _link_in(_part_text(part))
            if link:
                self.links.append(link)

    def _nested(self, part: Message, depth: int) -> None:
        if depth + 1 > MAX_DEPTH:
            self.defects.append("for dybt indlejrede videresendte mails; resten er sprunget over")
            self.over_bound = self.over_bound or (
                f"mailen har videresendte mails i mere end {MAX_DEPTH} lag"
            )
            return
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if isinstance(inner, Message):
            self.walk(inner, depth + 1, NESTED_ORIGIN, False)
        elif isinstance(payload, str | bytes):
            self._nested_bytes(_part_bytes(part), depth)

    def _nested_bytes(self, data: bytes, depth: int) -> None:
        if depth + 1 > MAX_DEPTH or not data:
            return
        from docauto.mail.feed import parse_bytes

        try:
            inner = parse_bytes(_cut_parts(data, self.defects), POLICY)
        except Exception:
            return
        self.walk(inner, depth + 1, NESTED_ORIGIN, False)


def _drop_blocks(html: str, tag: str) -> str:
    """Remove <tag>...</tag> blocks in linear time (a regex with .*? is quadratic on hostile
    input such as thousands of unclosed <script> tags)."""
    lower = html.lower()
    out, pos = [], 0
    while True:
        start = lower.find(f"<{tag}", pos)
        if start < 0:
            out.append(html[pos:])
            break
        out.append(html[pos:start])
        end = lower.find(f"</{tag}", start)
        if end < 0:
            break
        close = lower.find(">", end)
        pos = len(html) if close < 0 else close + 1
    return " ".join(out)


def _html_to_text(html: str) -> str:
    import html as html_mod

    html = html[: MAX_BODY_CHARS * 4]
    for tag in ("script", "style"):
        html = _drop_blocks(html, tag)
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>", "\n", html)
    text = re.sub(r"<[^<>]*>", " ", text)  # [^<>] keeps this linear on unclosed tags
    lines = (" ".join(line.split()) for line in html_mod.unescape(text).splitlines())
    return "\n".join(line for line in lines if line)


# --- the entry point -------------------------------------------------------------------------

# The standard parser needs ~0.3 ms per MIME part; a mail with tens of thousands of tiny parts
# is cut before parsing so it stays quick (a real submission has a handful).
MAX_BOUNDARY_LINES = 5 * MAX_PARTS


# A mail over the bound is refused whole, so only its head and first parts are parsed (for
# the Indbakke's sender and subject): parsing thousands of parts would only cost time.
PARTS_READ_WHEN_OVER = 20


def _cut_parts(raw: bytes, defects: list[str], bound: list[str] | None = None) -> bytes:
    if raw.count(b"\n--") <= MAX_BOUNDARY_LINES:
        return raw
    defects.append(f"mere end {MAX_BOUNDARY_LINES} MIME-grænser; resten er sprunget over")
    if bound is not None:
        bound.append(f"mailen har mere end {MAX_PARTS} MIME-dele")
    pos = -1
    for _ in range(PARTS_READ_WHEN_OVER if bound is not None else MAX_BOUNDARY_LINES):
        pos = raw.find(b"\n--", pos + 1)
    return raw[: pos + 1]


def _walk(msg: Message, defects: list[str], bound: list[str]) -> _Walker:
    walker = _Walker(defects)
    try:
        walker.walk(msg, 0, "", True)
    except RecursionError:
        defects.append("for mange indlejrede dele; resten er sprunget over")
        walker.over_bound = walker.over_bound or "mailen har for mange indlejrede dele"
    if bound and not walker.over_bound:
        walker.over_bound = bound[0]
    return walker


def parse_mail(raw: bytes, name: str) -> ParsedMail:
    """Parse one RFC 5322 message. Raises MailParseError only when nothing usable is left."""
    from docauto.mail.feed import parse_bytes

    if not isinstance(raw, bytes | bytearray):
        raise MailParseError(f"{name}: ingen mail-data")
    raw = bytes(raw)
    if len(raw) > MAX_RAW_BYTES:
        raise MailParseError(f"{name}: mailen er for stor ({len(raw) // (1024 * 1024)} MB)")
    if not raw.strip():
        raise MailParseError(f"{name}: filen er tom")
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise MailParseError(
            f"{name}: en Outlook-fil (.msg), der ikke kunne omsættes til en mail",
            hint="installér tilføjelsen: pip install docauto[msg]",
        )
    defects: list[str] = []
    bound: list[str] = []
    raw_for_parser = _cut_parts(raw, defects, bound)
    try:
        msg = parse_bytes(raw_for_parser, POLICY)
    except RecursionError:
        raise MailParseError(f"{name}: mailen er indlejret for dybt til at kunne læses") from None
    except Exception as exc:
        raise MailParseError(f"{name}: mailen kan ikke læses ({type(exc).__name__})") from None
    keys = {k.lower() for k, _ in msg.raw_items()}
    if not keys & set(_KNOWN_HEADERS):
        # Obsolete syntax (RFC 2822 §4.5: "Subject   : ...") is not understood by the parser;
        # try once more with the space before the colon removed.
        head, sep, rest = raw_for_parser.replace(b"\r\n", b"\n").partition(b"\n\n")
        fixed = re.sub(rb"(?m)^([!-9;-~]+)[ \t]+:", rb"\1:", head) + sep + rest
        if fixed != raw_for_parser:
            msg = parse_bytes(fixed, POLICY)
            keys = {k.lower() for k, _ in msg.raw_items()}
            defects.append("forældet brevhovedsyntaks")
    if not keys & set(_KNOWN_HEADERS):
        raise MailParseError(f"{name}: filen er ikke en e-mail (ingen kendte brevhoveder)")
    defects.extend(type(d).__name__ for d in msg.defects)

    walker = _walk(msg, defects, bound)
    body = "\n".join(walker.plain) if walker.plain else _html_to_text("\n".join(walker.html))
    body = _CONTROL.sub("", body)[:MAX_BODY_CHARS]

    sender, sender_name, sender_problem = _sender(msg, defects)
    automatic = _is_automatic(msg, sender)
    return ParsedMail(
        message_id=_message_id(msg, raw, defects),
        subject=_header(msg, "subject", defects),
        sender=sender,
        sender_name=sender_name,
        date=_date(msg, defects),
        body_text=body,
        attachments=walker.attachments,
        raw=raw,
        defects=defects,
        automatic=automatic,
        sender_problem=sender_problem,
        over_bound=walker.over_bound,
        report=_is_report(msg),
        links=walker.links + _body_links(body),
        headers=_trace_headers(msg),
    )


# Where Outlook's "share a link" points: OneDrive for Business / SharePoint, or OneDrive.
_LINK = re.compile(
    r"https://(?:[\w-]+(?:-my)?\.sharepoint\.(?:com|de|cn|us)|1drv\.ms|onedrive\.live\.com)"
    r"/[^\s<>\"')\]]*",
    re.IGNORECASE,
)
_LINK_FILE_EXTENSIONS = (".url", ".webloc")
MAX_LINKS = 10


def _link_in(text: str) -> str:
    m = _LINK.search(text[:MAX_BODY_CHARS])
    return m.group(0)[:300] if m else ""


def _body_links(body: str) -> list[str]:
    return [m.group(0)[:300] for m in _LINK.finditer(body[:MAX_BODY_CHARS])][:MAX_LINKS]


# The header fields that say who vouches for the mail; kept top to bottom (the topmost was
# added by the last server, i.e. the organisation's own).
_TRACE_HEADERS = (
    "authentication-results",
    "x-ms-exchange-organization-authas",
    "x-ms-exchange-organization-authsource",
)
MAX_TRACE_HEADERS = 50


def _trace_headers(msg: Message) -> list[tuple[str, str]]:
    out = []
    for key, value in msg.raw_items():
        if key.lower() in _TRACE_HEADERS and len(out) < MAX_TRACE_HEADERS:
            text = value if isinstance(value, str) else str(value)
            out.append((key.lower(), _clean(text[:MAX_HEADER_CHARS])))
    return out


def _is_report(msg: Message) -> bool:
    """A read receipt (RFC 8098 MDN), a delivery report (RFC 3464 DSN) or any other report:
    multipart/report, or a message/disposition-notification / delivery-status part at the top."""
    if msg.get_content_type() == "multipart/report":
        return True
    payload = msg.get_payload() if msg.is_multipart() else []
    return any(
        isinstance(p, Message)
        and p.get_content_type() in ("message/disposition-notification", "message/delivery-status")
        for p in (payload if isinstance(payload, list) else [])[:10]
    )


_ROBOT_SENDERS = ("mailer-daemon@", "postmaster@", "noreply@", "no-reply@", "donotreply@")


def _is_automatic(msg: Message, sender: str) -> bool:
    def raw(name: str) -> str:
        return (_raw_header(msg, name) or "").strip().lower()[:200]

    auto = raw("auto-submitted")
    if auto and not auto.startswith("no"):
        return True
    if raw("precedence") in ("bulk", "junk", "list", "auto_reply"):
        return True
    if any(_raw_header(msg, h) is not None for h in ("x-autoreply", "x-autorespond", "list-id")):
        return True
    if msg.get_content_type() == "multipart/report":
        return True
    return sender.startswith(_ROBOT_SENDERS)


def summary(parsed: ParsedMail) -> dict[str, Any]:
    """A log-friendly view without personal data in the body."""
    return {
        "message_id": parsed.message_id,
        "subject": parsed.subject,
        "date": parsed.date.isoformat() if parsed.date else None,
        "attachments": [a.filename for a in parsed.attachments],
        "defects": list(parsed.defects),
    }
