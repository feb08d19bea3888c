"""IMAP source: ``imaps://USER@HOST[:PORT]/FOLDER?options`` (``imap://`` with STARTTLS).

Mail is read from FOLDER (default INBOX) oldest UID first and, once handled, moved to
``docauto/Registreret`` (registered, duplicate, pending) or ``docauto/Afvist`` (rejected); the
folders are created when missing. Options (query string):
  auth=password|xoauth2      password from DOCAUTO_IMAP_PASSWORD / the keyring (default), or an
                             OAuth token (Microsoft 365: app-only via msal, see msauth.py, or
                             DOCAUTO_IMAP_ACCESS_TOKEN)
  done=FOLDER, rejected=FOLDER   where handled mail goes (use / between levels)
  drafts=FOLDER              where receipts are stored as drafts when no smtp= is given
  smtp=HOST[:PORT]           send receipts by SMTP submission instead (587 STARTTLS, 465 TLS)
  since=YYYY-MM-DD           ignore mail that arrived before this day
  state=PATH                 the source's state file (see docauto.mail.state)
Plain, unencrypted IMAP is allowed only to 127.0.0.1 / localhost (tests); elsewhere
``imap://`` must upgrade with STARTTLS and ``imaps://`` uses TLS from the start.
"""

from __future__ import annotations

import base64
import imaplib
import re
import ssl
import time
from collections.abc import Iterator
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from docauto.errors import UsageError
from docauto.mail import credentials
from docauto.mail.sources import DEFAULT_DONE, DEFAULT_REJECTED, SourceItem, spec_options
from docauto.mail.sources.retry import PermanentMailError, TransientMailError
from docauto.mail.sources.since import parse_since
from docauto.mail.sources.tls import certificate_error, ssl_context
from docauto.mail.state import SourceState, state_path_for

LOOPBACK = ("127.0.0.1", "localhost", "::1")
DEFAULT_DRAFTS = "docauto/Kvitteringer"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TRANSIENT_CODES = ("UNAVAILABLE", "INUSE", "LIMIT", "SERVERBUG", "EXPUNGEISSUED")


def encode_folder(name: str) -> str:
    """IMAP's modified UTF-7 (RFC 3501 §5.1.3): 'Afvist/Æble' -> 'Afvist/&AMY-ble'."""
    out, buf = [], []

    def flush() -> None:
        if buf:
            b64 = base64.b64encode("".join(buf).encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + b64.replace("/", ",") + "-")
            buf.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            buf.append(ch)
    flush()
    return "".join(out)


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _response_code(data: list) -> str:
    text = b" ".join(d if isinstance(d, bytes) else str(d).encode() for d in data if d).decode(
        errors="replace"
    )
    m = re.search(r"\[([A-Z-]+)", text)
    return m.group(1) if m else ""


def _server_text(data: object) -> str:
    """The server's own words from a tagged response or an imaplib error, for IT."""
    items = data if isinstance(data, list) else [data]
    parts = []
    for d in items:
        if isinstance(d, bytes):
            parts.append(d.decode("utf-8", "replace"))
        elif d is not None:
            parts.append(str(d))
    text = " ".join(p for p in parts if p).strip()
    return re.sub(r"^b?['\"]|['\"]$", "", text)[:300]


def _hint(code: str) -> str | None:
    if code in ("NOPERM", "AUTHORIZATIONFAILED"):
        return "give the mailbox user the right to create folders and move (ACL: i, t, e, k)"
    if code in ("NONEXISTENT", "TRYCREATE"):
        return "check the folder name in the source spec"
    return None


class ImapSource:
    """A mailbox folder over IMAP; see the module docstring for the spec."""

    def __init__(self, spec: str, *, timeout: float = 60.0) -> None:
        parts = urlsplit(spec)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname:
            raise UsageError(f"ikke en IMAP-angivelse: '{spec}'", hint="imaps://bruger@vært/INBOX")
        opts = spec_options(parts.query)
        self.spec = spec
        self.tls = parts.scheme == "imaps"
        self.host = parts.hostname
        self.port = parts.port or (993 if self.tls else 143)
        self.user = unquote(parts.username or "")
        if not self.user:
            raise UsageError(
                f"IMAP-angivelsen mangler en bruger: '{spec}'",
                hint="imaps://jobbank%40buf.demokommune.dk@host/INBOX",
            )
        if parts.password:
            raise UsageError(
                "læg IMAP-adgangskoden i DOCAUTO_IMAP_PASSWORD eller nøgleringen, ikke i "
                "kildeangivelsen (den ville havne i logfiler og opgavedefinitioner)"
            )
        self.folder = unquote(parts.path.lstrip("/")) or "INBOX"
        self.auth = opts.get("auth", "password").lower()
        if self.auth not in ("password", "xoauth2"):
            raise UsageError(
                f"ukendt IMAP-godkendelse '{self.auth}'", hint="password eller xoauth2"
            )
        self.done_folder = opts.get("done", DEFAULT_DONE)
        self.rejected_folder = opts.get("rejected", DEFAULT_REJECTED)
        self.drafts_folder = opts.get("drafts", DEFAULT_DRAFTS)
        self.smtp = opts.get("smtp")
        self.since = parse_since(opts.get("since"))
        self.loopback = self.host in LOOPBACK
        self.timeout = timeout
        self.name = f"imap:{self.user}@{self.host}/{self.folder}"
        self.state = SourceState(state_path_for(spec, opts.get("state")))
        self._conn: imaplib.IMAP4 | None = None
        self._sep = "/"
        self._uidvalidity = ""
        self._caps: set[str] = set()
        self._created: set[str] = set()

    # --- connection -----------------------------------------------------------------------

    def _connect(self) -> imaplib.IMAP4:
        if self._conn is not None:
            return self._conn
        conn = self._open()
        self._login(conn)
        self._read_capabilities(conn)
        self._conn = conn
        return conn

    def _open(self) -> imaplib.IMAP4:
        """The encrypted connection (imaps, or STARTTLS; plain only on loopback)."""
        ctx = ssl_context()
        try:
            if self.tls:
                return imaplib.IMAP4_SSL(
                    self.host, self.port, ssl_context=ctx, timeout=self.timeout
                )
            conn = imaplib.IMAP4(self.host, self.port, timeout=self.timeout)
            if "STARTTLS" in conn.capabilities:
                conn.starttls(ssl_context=ctx)
            elif not self.loopback:
                conn.shutdown()
                raise PermanentMailError(
                    f"{self.host} tilbyder ikke STARTTLS; docauto sender ikke "
                    "adgangskoden ukrypteret",
                    hint="brug imaps://",
                )
            return conn
        except ssl.SSLCertVerificationError as exc:
            # Not transient: a wrong or self-signed certificate does not heal by waiting.
            raise certificate_error(self.host, exc.verify_message or str(exc)) from None
        except (OSError, imaplib.IMAP4.abort) as exc:
            raise TransientMailError(
                f"IMAP-serveren {self.host}:{self.port} kan ikke nås ({exc})"
            ) from None

    def _login(self, conn: imaplib.IMAP4) -> None:
        try:
            if self.auth == "xoauth2":
                token = self._oauth_token()
                raw = f"user={self.user}\x01auth=Bearer {token}\x01\x01".encode()
                conn.authenticate("XOAUTH2", lambda _challenge: raw)
            else:
                password = credentials.get_secret(
                    "imap-password", account=f"{self.user}@{self.host}"
                )
                conn.login(self.user, password)
        except imaplib.IMAP4.abort as exc:
            raise TransientMailError(f"IMAP connection lost while logging in ({exc})") from None
        except imaplib.IMAP4.error as exc:
            code = _response_code([str(exc)])
            if code in _TRANSIENT_CODES:
                raise TransientMailError(f"IMAP-serveren er optaget ved login ({code})") from None
            raise PermanentMailError(
                f"IMAP-serveren {self.host} afviste login som {self.user}: {_server_text(exc)}",
                hint="tjek brugernavnet og DOCAUTO_IMAP_PASSWORD / tokenet",
            ) from None

    def _read_capabilities(self, conn: imaplib.IMAP4) -> None:
        """The server's capabilities after login, and its folder separator."""
        typ, data = conn.capability()
        self._caps = (
            set(data[0].decode().upper().split()) if typ == "OK" and data and data[0] else set()
        )
        typ, data = conn.list('""', '""')
        if typ == "OK" and data and data[0]:
            m = re.match(rb'\(.*?\) (?:"(.)"|NIL)', data[0])
            if m and m.group(1):
                self._sep = m.group(1).decode()

    def _oauth_token(self) -> str:
        from docauto.mail.sources import msauth

        token = msauth.static_token_from_env("imap")
        if token:
            return token
        return msauth.AppTokenProvider(
            "https://outlook.office365.com/.default", prefix="imap"
        ).token()

    def _cmd(self, what: str, fn, *args):
        """Run one IMAP command; connection trouble is transient, a NO is an error."""
        try:
            typ, data = fn(*args)
        except (imaplib.IMAP4.abort, OSError) as exc:
            self._drop()
            raise TransientMailError(
                f"IMAP-forbindelsen blev afbrudt under {what} ({exc})"
            ) from None
        except imaplib.IMAP4.error as exc:
            raise PermanentMailError(
                f"IMAP-serveren {self.host} afviste {what} for {self.user}: {_server_text(exc)}"
            ) from None
        if typ != "OK":
            code = _response_code(data)
            if code in _TRANSIENT_CODES:
                raise TransientMailError(f"IMAP-serveren er optaget under {what} ({code})")
            # NO/BAD that waiting does not change: no right to move (ACL), an unknown folder.
            raise PermanentMailError(
                f"IMAP-serveren {self.host} afviste {what} for {self.user}: "
                f"{_server_text(data) or typ}",
                hint=_hint(code),
            )
        return data

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.shutdown()
            except Exception:
                pass

    def _mailbox(self, name: str) -> str:
        return _quote(encode_folder(name.replace("/", self._sep)))

    def _ensure_folder(self, name: str) -> str:
        conn = self._connect()
        box = self._mailbox(name)
        if name in self._created:
            return box
        typ, data = conn.list('""', box)
        if not (typ == "OK" and data and data[0]):
            typ, data = conn.create(box)
            if typ != "OK" and "ALREADYEXISTS" not in _response_code(data):
                raise PermanentMailError(
                    f"IMAP-serveren {self.host} afviste at oprette mappen '{name}' for "
                    f"{self.user}: {_server_text(data) or typ}",
                    hint=_hint(_response_code(data)),
                )
            conn.subscribe(box)  # so Outlook and webmail show it
        self._created.add(name)
        return box

    def _selected(self) -> imaplib.IMAP4:
        """The connection with the source folder selected (again, after a reconnect)."""
        if self._conn is None or self._conn.state != "SELECTED":
            self._select()
        assert self._conn is not None
        return self._conn

    def _select(self) -> None:
        conn = self._connect()
        self._cmd("SELECT", conn.select, self._mailbox(self.folder))
        uv = conn.response("UIDVALIDITY")[1]
        self._uidvalidity = uv[0].decode() if uv and uv[0] else ""
        if self.state.get("uidvalidity") != self._uidvalidity:
            # New UIDVALIDITY: the old UIDs mean nothing any more (RFC 3501 §2.3.1.1).
            # Receipts are keyed by Message-ID, which keeps its meaning.
            receipts = self.state.get("receipts", {})
            self.state.data = {"uidvalidity": self._uidvalidity, "done": {}, "receipts": receipts}
            self.state.save()

    # --- MailSource -------------------------------------------------------------------------

    def fetch(self) -> Iterator[SourceItem]:
        self._select()
        conn = self._connect()
        self._retry_moves()
        criteria = ["UNDELETED"]
        if self.since:
            # SINCE compares the server's arrival date (INTERNALDATE), day granularity.
            # English month names whatever the locale (RFC 3501 date-text).
            d = self.since
            criteria += ["SINCE", f"{d.day:02d}-{_MONTHS[d.month - 1]}-{d.year}"]
        data = self._cmd("SEARCH", conn.uid, "SEARCH", None, *criteria)
        uids = sorted(int(u) for u in (data[0] or b"").split())
        done = self.state.get("done", {})
        for uid in uids:
            if str(uid) in done:
                continue
            parts = self._cmd("FETCH", conn.uid, "FETCH", str(uid), "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple) and len(p) > 1), None)
            if raw is None:  # expunged meanwhile by another client
                continue
            yield SourceItem(
                id=f"{self._uidvalidity}:{uid}", raw=bytes(raw), name=f"imap:{self.folder}/{uid}"
            )

    def done(self, item: SourceItem, outcome: str) -> None:
        uidvalidity, uid = item.id.split(":", 1)
        self._selected()
        if uidvalidity != self._uidvalidity:
            return  # the folder was rebuilt; the registry's Message-ID check still protects us
        target = self.rejected_folder if outcome == "rejected" else self.done_folder
        done = self.state.get("done", {})
        done[uid] = target
        self.state.set("done", done)
        self.state.save()  # before the move: a crash now means "retry the move", not "ingest again"
        self._move(uid, target)
        done.pop(uid, None)
        self.state.save()

    def _move(self, uid: str, target: str) -> None:
        box = self._ensure_folder(target)
        conn = self._selected()
        if "MOVE" in self._caps:
            self._cmd("MOVE", conn.uid, "MOVE", uid, box)
        else:
            self._cmd("COPY", conn.uid, "COPY", uid, box)
            self._cmd("STORE", conn.uid, "STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
            if "UIDPLUS" in self._caps:
                self._cmd("EXPUNGE", conn.uid, "EXPUNGE", uid)
            else:
                self._cmd("EXPUNGE", conn.expunge)

    def _retry_moves(self) -> None:
        done = self.state.get("done", {})
        if not done:
            return
        conn = self._connect()
        for uid, target in list(done.items()):
            data = self._cmd("SEARCH", conn.uid, "SEARCH", None, "UID", uid, "UNDELETED")
            if (data[0] or b"").split():
                self._move(uid, target)
            done.pop(uid)
            self.state.save()

    def reply(self, item: SourceItem, message: EmailMessage) -> None:
        from docauto.mail.receipts import receipt_allowed
        from docauto.mail.state import receipt_key

        if not receipt_allowed(item.raw):
            return
        if "From" not in message:
            message["From"] = self.user if "@" in self.user else f"{self.user}@{self.host}"
        if not self.state.claim_receipt(receipt_key(item.id, message)):
            return  # sent (or tried) before: at most one receipt per mail
        if self.smtp:
            self._send_smtp(message)
            return
        conn = self._connect()
        box = self._ensure_folder(self.drafts_folder)
        self._cmd(
            "APPEND",
            conn.append,
            box,
            r"(\Draft)",
            imaplib.Time2Internaldate(time.time()),
            message.as_bytes(),
        )

    def _send_smtp(self, message: EmailMessage) -> None:
        import smtplib

        host, _, port_text = self.smtp.partition(":")
        port = int(port_text or 587)
        ctx = ssl_context()
        try:
            if port == 465:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, context=ctx, timeout=self.timeout)
            else:
                smtp = smtplib.SMTP(host, port, timeout=self.timeout)
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=ctx)
                    smtp.ehlo()
                elif host not in LOOPBACK:
                    raise PermanentMailError(f"SMTP-serveren {host} tilbyder ikke STARTTLS")
            with smtp:
                if smtp.has_extn("auth"):
                    if self.auth == "xoauth2":
                        token = self._oauth_token()
                        smtp.auth(
                            "XOAUTH2",
                            lambda challenge=None: (
                                f"user={self.user}\x01auth=Bearer {token}\x01\x01"
                            ),
                            initial_response_ok=True,
                        )
                    else:
                        smtp.login(
                            self.user,
                            credentials.get_secret(
                                "imap-password", account=f"{self.user}@{self.host}"
                            ),
                        )
                smtp.send_message(message)
        except ssl.SSLCertVerificationError as exc:
            raise certificate_error(host, exc.verify_message or str(exc)) from None
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            raise TransientMailError(f"SMTP-serveren {host} kan ikke nås ({exc})") from None
        except smtplib.SMTPException as exc:
            raise PermanentMailError(f"SMTP-serveren {host} afviste kvitteringen: {exc}") from None

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.logout()
        except Exception:
            pass


def _factory(spec: str) -> ImapSource:
    return ImapSource(spec)
