"""Microsoft Graph source: ``graph:MAILBOX[/FOLDER]?options`` for Microsoft 365 mailboxes.

App-only access with msal's client-credentials flow (see msauth.py for the settings); the app
needs the Mail.ReadWrite application permission (plus Mail.Send for receipts), scoped to the one
mailbox by an Exchange Online application access policy / RBAC for Applications (README).

Reading is incremental: ``GET /users/{mbx}/mailFolders/{id}/messages/delta`` pages through
``@odata.nextLink`` and ends with an ``@odata.deltaLink``, which is saved and used next time
(410 Gone = expired: start over; the registry drops what it has seen). The ids found are queued
in the state file together with the new delta link, so a stop in the middle of a batch resumes
with the rest. Each mail's MIME comes from ``/$value``; handled mail is moved
(``POST .../move``) to folders addressed by id, since display names are localised ("Indbakke").
Immutable ids (``Prefer: IdType="ImmutableId"``) keep a message's id stable across moves.
429 and 503 answers are retried after their Retry-After; paging links are only followed on the
Graph host itself, so the token never goes elsewhere.

Errors: 401/403 (a missing permission such as Mail.Send, a refused app), an unknown mailbox,
``MailboxNotEnabledForRESTAPI`` (on-premises or inactive mailbox) and certificate failures are
permanent (exit 1 with Graph's own code and message; watch mode stops); 429/503/504 are
waited out. A receipt is recorded before ``sendMail`` and that call is never repeated after a
503/504, so no mail gets two receipts. TLS verifies against the OS trust store (truststore).
The token's scope is the Graph host's own (national clouds: set DOCAUTO_GRAPH_BASE_URL and
DOCAUTO_GRAPH_LOGIN_URL, e.g. https://graph.microsoft.us/v1.0 and
https://login.microsoftonline.us).

Options: done=PATH, rejected=PATH (folder paths under the mailbox root, created when missing;
default docauto/Registreret and docauto/Afvist), done_id=ID, rejected_id=ID (folder ids
instead), since=YYYY-MM-DD (ignore older mail), state=PATH. DOCAUTO_GRAPH_BASE_URL overrides https://graph.microsoft.com/v1.0.
"""

from __future__ import annotations

import base64
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

from docauto.errors import MailError, UsageError
from docauto.mail import credentials
from docauto.mail.sources import DEFAULT_DONE, DEFAULT_REJECTED, SourceItem, spec_options
from docauto.mail.sources.retry import PermanentMailError, TransientMailError, parse_retry_after
from docauto.mail.sources.since import parse_since
from docauto.mail.sources.tls import certificate_error, certificate_problem, ssl_context
from docauto.mail.state import SourceState, state_path_for

DEFAULT_BASE = "https://graph.microsoft.com/v1.0"
PAGE_SIZE = 50
# A form-like attachment in the MIME; without one, the attachment list is asked for links.
_FORM_NAME = re.compile(rb"(?i)name\*?=[^\r\n;]*\.(?:xlsx|xlsm|xls|csv|txt|docx|doc)\b")
REFERENCE = "#microsoft.graph.referenceAttachment"
# What each kind of request needs, for the message when Graph answers 403.
_PERMISSION = (
    ("/sendMail", "Mail.Send"),
    ("/send", "Mail.Send"),
    ("/move", "Mail.ReadWrite"),
    ("/childFolders", "Mail.ReadWrite"),
)
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def graph_scope(base: str) -> str:
    """The ``.default`` scope of the Graph host in use: a national cloud's own host
    (graph.microsoft.us, dod-graph.microsoft.us, microsoftgraph.chinacloudapi.cn), since a
    token for the global host gets 401 there. A loopback test server stands for the global."""
    parts = urllib.parse.urlsplit(base)
    if not parts.hostname or parts.hostname in _LOOPBACK:
        return "https://graph.microsoft.com/.default"
    return f"https://{parts.hostname}/.default"


class GraphSource:
    """One folder of one mailbox through Microsoft Graph; see the module docstring."""

    def __init__(
        self, spec: str, *, max_retry_wait: float = 60.0, retries: int = 4, sleep=time.sleep
    ) -> None:
        body = spec.split(":", 1)[1] if ":" in spec else ""
        body, _, query = body.partition("?")
        mailbox, _, folder = body.strip("/").partition("/")
        if "@" not in mailbox:
            raise UsageError(
                f"Graph-angivelsen mangler en postkasseadresse: '{spec}'",
                hint="graph:jobbank@buf.demokommune.dk",
            )
        opts = spec_options(query)
        self.mailbox = mailbox
        self.folder = folder or "inbox"  # a well-known name, a folder id, or a path
        self.done_path = opts.get("done", DEFAULT_DONE)
        self.rejected_path = opts.get("rejected", DEFAULT_REJECTED)
        self.done_id = opts.get("done_id")
        self.rejected_id = opts.get("rejected_id")
        self.since = parse_since(opts.get("since"))
        self.base = (credentials.get_setting("graph-base-url") or DEFAULT_BASE).rstrip("/")
        self.name = f"graph:{mailbox}/{self.folder}"
        self.state = SourceState(state_path_for(spec, opts.get("state")))
        self.max_retry_wait = max_retry_wait
        self.retries = retries
        self._sleep = sleep
        self._token_provider = None
        self._folder_id: str | None = None

    # --- HTTP -------------------------------------------------------------------------------

    def _token(self) -> str:
        from docauto.mail.sources import msauth

        static = msauth.static_token_from_env("graph")
        if static:
            return static
        if self._token_provider is None:
            self._token_provider = msauth.AppTokenProvider(graph_scope(self.base))
        return self._token_provider.token()

    def _url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            mine = urllib.parse.urlsplit(self.base)
            theirs = urllib.parse.urlsplit(path_or_url)
            if (theirs.scheme, theirs.netloc) != (mine.scheme, mine.netloc):
                raise MailError(
                    f"Graph sendte et link til en anden vært ({theirs.netloc}); det følges ikke"
                )
            return path_or_url
        return self.base + path_or_url

    def _request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        raw_body: bytes | None = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        expect_json: bool = True,
        retry: bool = True,
    ) -> tuple[int, Any]:
        """One Graph call. ``retry=False`` for what must not happen twice (sending a receipt):
        a 503/504 there may still have been carried out, so it is not repeated."""
        url = self._url(path)
        data = (
            raw_body
            if raw_body is not None
            else (json.dumps(body).encode() if body is not None else None)
        )
        for attempt in range(self.retries + 1):
            req = self._build(url, method, data, headers, content_type)
            try:
                with urllib.request.urlopen(req, timeout=120, context=self._ssl()) as resp:
                    payload = resp.read()
                    status = resp.status
            except urllib.error.HTTPError as exc:
                status, payload = exc.code, exc.read()
                if status not in (429, 503, 504):
                    raise self._error(method, path, status, payload) from None
                wait = parse_retry_after(exc.headers.get("Retry-After"))
                again = retry or status == 429  # 429: refused before doing anything
                if again and attempt < self.retries and (wait or 0) <= self.max_retry_wait:
                    # Graph asks for exactly this pause; without a header, back off ourselves.
                    self._sleep(wait if wait is not None else min(2**attempt, self.max_retry_wait))
                    continue
                raise TransientMailError(
                    f"Graph beder om en pause: {method} (HTTP {status} {_code(payload)})",
                    retry_after=wait,
                ) from None
            except (urllib.error.URLError, OSError) as exc:
                raise _unreachable(url, exc) from None
            if not expect_json:
                return status, payload
            return status, (json.loads(payload) if payload else {})
        raise AssertionError("unreachable")  # pragma: no cover

    def _build(
        self,
        url: str,
        method: str,
        data: bytes | None,
        headers: dict[str, str] | None,
        content_type: str,
    ) -> urllib.request.Request:
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self._token()}")
        prefer = ['IdType="ImmutableId"']
        for k, v in (headers or {}).items():
            if k.lower() == "prefer":
                prefer.append(v)  # one Prefer header, comma-separated (RFC 7240)
            else:
                req.add_header(k, v)
        req.add_header("Prefer", ", ".join(prefer))
        if data is not None:
            req.add_header("Content-Type", content_type)
        return req

    def _ssl(self):
        if getattr(self, "_context", None) is None:
            self._context = ssl_context()
        return self._context

    def _error(self, method: str, path: str, status: int, payload: bytes) -> MailError:
        """Graph's answer as an error: its own code and message, for IT."""
        code, text = _code(payload), _message(payload)
        said = f"HTTP {status} {code}" + (f": {text}" if text else "")
        if status == 410:
            return _DeltaExpired(code)
        if status in (500, 502):
            return TransientMailError(f"Graph-serverfejl ved {method} ({said})")
        if status == 404 and code in ("ErrorItemNotFound", ""):
            return _NotFound(code)
        if status in (401, 403):
            need = next((perm for part, perm in _PERMISSION if part in path), "Mail.ReadWrite")
            return PermanentMailError(
                f"Graph afviste adgangen til {self.mailbox} ({method} {_short(path)}; {said})",
                hint=f"programmet skal have applikationstilladelsen {need} med administratorsamtykke, "
                "og postkassen i sin adgangspolitik / RBAC-afgrænsning",
            )
        if code == "MailboxNotEnabledForRESTAPI":
            return PermanentMailError(
                f"Postkassen {self.mailbox} kan ikke læses gennem Graph ({said})",
                hint="en lokal, inaktiv eller slettet postkasse: brug ews: til Exchange Server, "
                "eller tjek adressen",
            )
        return PermanentMailError(f"Graph {method} {_short(path)} mislykkedes ({said})")

    # --- folders ----------------------------------------------------------------------------

    def _mbx(self) -> str:
        return "/users/" + urllib.parse.quote(self.mailbox)

    def _source_folder_id(self) -> str:
        if self._folder_id:
            return self._folder_id
        cached = self.state.get("folders", {}).get("@source")
        if cached:
            self._folder_id = cached
            return cached
        if "/" in self.folder:
            fid = self._resolve_path(self.folder, create=False)
        else:
            _, folder = self._request(
                "GET", f"{self._mbx()}/mailFolders/{urllib.parse.quote(self.folder)}?$select=id"
            )
            fid = folder["id"]
        self._remember_folder("@source", fid)
        self._folder_id = fid
        return fid

    def _remember_folder(self, key: str, fid: str) -> None:
        folders = self.state.get("folders", {})
        folders[key] = fid
        self.state.set("folders", folders)
        self.state.save()

    def _resolve_path(self, path: str, *, create: bool = True) -> str:
        """The id of a folder path under the mailbox root, creating missing levels. Our own
        folder names are ours (not localised), so matching them by display name is safe."""
        cached = self.state.get("folders", {}).get(path)
        if cached:
            return cached
        parent = "msgfolderroot"
        for part in [p for p in path.split("/") if p]:
            escaped = part.replace("'", "''")
            flt = urllib.parse.quote(f"displayName eq '{escaped}'")
            _, found = self._request(
                "GET",
                f"{self._mbx()}/mailFolders/{parent}/childFolders?$filter={flt}&$select=id,displayName",
            )
            match = [f for f in found.get("value", []) if f.get("displayName") == part]
            if match:
                parent = match[0]["id"]
            elif create:
                _, made = self._request(
                    "POST",
                    f"{self._mbx()}/mailFolders/{parent}/childFolders",
                    body={"displayName": part},
                )
                parent = made["id"]
            else:
                raise PermanentMailError(f"Graph-mappen '{path}' findes ikke i {self.mailbox}")
        self._remember_folder(path, parent)
        return parent

    def _target(self, outcome: str) -> str:
        if outcome == "rejected":
            return self.rejected_id or self._resolve_path(self.rejected_path)
        return self.done_id or self._resolve_path(self.done_path)

    # --- MailSource -------------------------------------------------------------------------

    def _delta_round(self) -> None:
        """Run one delta round and add what it finds to the queue, saved with the new link."""
        fid = self._source_folder_id()
        link = self.state.get("delta_link")
        url = link or (
            f"{self._mbx()}/mailFolders/{urllib.parse.quote(fid)}/messages/delta"
            "?$select=id,receivedDateTime"
        )
        if not link and self.since:
            # The one filter delta supports; it is carried inside the links Graph returns.
            url += "&$filter=" + urllib.parse.quote(
                f"receivedDateTime ge {self.since.isoformat()}T00:00:00Z"
            )
        queue: dict[str, str] = dict(self.state.get("queue", {}))
        while True:
            try:
                _, page = self._request(
                    "GET", url, headers={"Prefer": f"odata.maxpagesize={PAGE_SIZE}"}
                )
            except _DeltaExpired:
                if not link:
                    raise PermanentMailError(
                        "Graph afviste den første delta-forespørgsel (410)"
                    ) from None
                # The sync state expired: start a full round; handled mail is no longer in
                # the folder, and the registry drops anything it has already seen.
                self.state.set("delta_link", None)
                self.state.save()
                return self._delta_round()
            for msg in page.get("value", []):
                if "@removed" in msg:
                    queue.pop(msg["id"], None)
                elif msg.get("id"):
                    queue[msg["id"]] = msg.get("receivedDateTime") or ""
            if page.get("@odata.nextLink"):
                url = page["@odata.nextLink"]
                continue
            self.state.set("queue", queue)
            self.state.set("delta_link", page.get("@odata.deltaLink"))
            self.state.save()
            return None

    def fetch(self) -> Iterator[SourceItem]:
        self._retry_moves()
        self._delta_round()
        done = self.state.get("done", {})
        queue = self.state.get("queue", {})
        for mid in sorted(queue, key=lambda k: (queue[k], k)):
            if mid in done:
                continue
            try:
                _, raw = self._request(
                    "GET",
                    f"{self._mbx()}/messages/{urllib.parse.quote(mid)}/$value",
                    expect_json=False,
                )
            except _NotFound:
                self._dequeue(mid)  # deleted or moved away by a person meanwhile
                continue
            yield SourceItem(
                id=mid,
                raw=raw,
                name=f"graph:{self.folder}/{mid[-12:]}",
                links=self._reference_attachments(mid, raw),
            )

    def _reference_attachments(self, mid: str, raw: bytes) -> tuple[str, ...]:
        """Names of cloud links attached instead of files (Outlook's "share a link"): they are
        not in the MIME, so a mail without a form attachment has its attachment list read."""
        if _FORM_NAME.search(raw[:2_000_000]):
            return ()
        try:
            _, found = self._request(
                "GET", f"{self._mbx()}/messages/{urllib.parse.quote(mid)}/attachments?$select=name"
            )
        except _NotFound:
            return ()
        return tuple(
            str(a.get("name") or "link")[:200]
            for a in found.get("value", [])
            if a.get("@odata.type") == REFERENCE
        )

    def _dequeue(self, mid: str) -> None:
        queue = self.state.get("queue", {})
        queue.pop(mid, None)
        self.state.set("queue", queue)
        self.state.save()

    def done(self, item: SourceItem, outcome: str) -> None:
        target = self._target(outcome)
        done = self.state.get("done", {})
        done[item.id] = target
        self.state.set("done", done)
        self.state.save()  # before the move: after a crash the move is retried, not the mail
        self._move(item.id, target)
        done.pop(item.id, None)
        self._dequeue(item.id)

    def _move(self, mid: str, target: str) -> None:
        try:
            self._request(
                "POST",
                f"{self._mbx()}/messages/{urllib.parse.quote(mid)}/move",
                body={"destinationId": target},
            )
        except _NotFound:
            pass  # already moved or deleted

    def _retry_moves(self) -> None:
        done = self.state.get("done", {})
        for mid, target in list(done.items()):
            self._move(mid, target)
            done.pop(mid)
            self._dequeue(mid)

    def reply(self, item: SourceItem, message: EmailMessage) -> None:
        """Send the receipt from the mailbox (needs Mail.Send): Graph takes MIME, base64."""
        from docauto.mail.receipts import receipt_allowed
        from docauto.mail.state import receipt_key

        if not receipt_allowed(item.raw):
            return
        if "From" not in message:
            message["From"] = self.mailbox
        # Recorded before sending and never retried after a 503/504 (Graph may have sent it):
        # at most one receipt per mail.
        if not self.state.claim_receipt(receipt_key(item.id, message)):
            return
        self._request(
            "POST",
            f"{self._mbx()}/sendMail",
            raw_body=base64.b64encode(message.as_bytes()),
            content_type="text/plain",
            expect_json=False,
            retry=False,
        )

    def close(self) -> None:
        pass


def _unreachable(url: str, exc: Exception) -> MailError:
    """Network trouble is temporary; a certificate the OS store does not trust is not."""
    problem = certificate_problem(exc)
    if problem:
        return certificate_error(urllib.parse.urlsplit(url).netloc, problem)
    return TransientMailError(f"Graph kan ikke nås ({getattr(exc, 'reason', exc)})")


def _json_error(payload: bytes) -> dict:
    try:
        err = json.loads(payload).get("error", {})
    except (ValueError, AttributeError):
        return {}
    return err if isinstance(err, dict) else {}


def _code(payload: bytes) -> str:
    return str(_json_error(payload).get("code", ""))[:100]


def _message(payload: bytes) -> str:
    return " ".join(str(_json_error(payload).get("message", "")).split())[:300]


def _short(path: str) -> str:
    # The request without ids and query: "/users/…/messages/…/move".
    path = urllib.parse.urlsplit(path).path
    return re.sub(r"/(messages|mailFolders|childFolders|users)/[^/]+", r"/\1/…", path)


class _DeltaExpired(MailError):
    def __init__(self, code: str) -> None:
        super().__init__(f"Graph delta link expired ({code})")


class _NotFound(MailError):
    def __init__(self, code: str) -> None:
        super().__init__(f"Graph item not found ({code})")


def _factory(spec: str) -> GraphSource:
    return GraphSource(spec)
