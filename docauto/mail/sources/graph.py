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

Options: done=PATH, rejected=PATH (folder paths under the mailbox root, created when missing;
default docauto/Registreret and docauto/Afvist), done_id=ID, rejected_id=ID (folder ids
instead), since=YYYY-MM-DD (ignore older mail), state=PATH. DOCAUTO_GRAPH_BASE_URL overrides https://graph.microsoft.com/v1.0.
"""

from __future__ import annotations

import base64
import json
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
from docauto.mail.sources.retry import TransientMailError, parse_retry_after
from docauto.mail.sources.since import parse_since
from docauto.mail.state import SourceState, state_path_for

DEFAULT_BASE = "https://graph.microsoft.com/v1.0"
PAGE_SIZE = 50


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
                hint="graph:jobbank@buf.kk.dk",
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
            self._token_provider = msauth.AppTokenProvider("https://graph.microsoft.com/.default")
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
    ) -> tuple[int, Any]:
        url = self._url(path)
        data = (
            raw_body
            if raw_body is not None
            else (json.dumps(body).encode() if body is not None else None)
        )
        for attempt in range(self.retries + 1):
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
            try:
                with urllib.request.urlopen(req, timeout=120) as resp:
                    payload = resp.read()
                    status = resp.status
            except urllib.error.HTTPError as exc:
                status, payload = exc.code, exc.read()
                if status in (429, 503, 504):
                    wait = parse_retry_after(exc.headers.get("Retry-After"))
                    if attempt < self.retries and (wait or 0) <= self.max_retry_wait:
                        # Graph asks for exactly this pause; without a header, back off ourselves.
                        self._sleep(
                            wait if wait is not None else min(2**attempt, self.max_retry_wait)
                        )
                        continue
                    raise TransientMailError(
                        f"Graph throttled {method} (HTTP {status})", retry_after=wait
                    ) from None
                raise self._error(method, status, payload) from None
            except (urllib.error.URLError, OSError) as exc:
                raise TransientMailError(
                    f"Graph unreachable ({getattr(exc, 'reason', exc)})"
                ) from None
            if not expect_json:
                return status, payload
            return status, (json.loads(payload) if payload else {})
        raise AssertionError("unreachable")  # pragma: no cover

    def _error(self, method: str, status: int, payload: bytes) -> MailError:
        try:
            err = json.loads(payload).get("error", {})
        except (ValueError, AttributeError):
            err = {}
        code = err.get("code", "")
        if status == 410:
            return _DeltaExpired(code)
        if status in (500, 502):
            return TransientMailError(f"Graph server error on {method} (HTTP {status} {code})")
        if status in (401, 403):
            return MailError(
                f"Graph refused access to {self.mailbox} (HTTP {status} {code})",
                hint="tjek samtykket til Mail.ReadWrite og programmets adgangspolitik",
            )
        if status == 404:
            return _NotFound(code)
        return MailError(f"Graph {method} fejlede (HTTP {status} {code})")

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
                raise MailError(f"Graph-mappen '{path}' findes ikke i {self.mailbox}")
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
                    raise MailError("Graph afviste den første delta-forespørgsel (410)") from None
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
            yield SourceItem(id=mid, raw=raw, name=f"graph:{self.folder}/{mid[-12:]}")

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

        if not receipt_allowed(item.raw):
            return
        if "From" not in message:
            message["From"] = self.mailbox
        self._request(
            "POST",
            f"{self._mbx()}/sendMail",
            raw_body=base64.b64encode(message.as_bytes()),
            content_type="text/plain",
            expect_json=False,
        )

    def close(self) -> None:
        pass


class _DeltaExpired(MailError):
    def __init__(self, code: str) -> None:
        super().__init__(f"Graph delta link expired ({code})")


class _NotFound(MailError):
    def __init__(self, code: str) -> None:
        super().__init__(f"Graph item not found ({code})")


def _factory(spec: str) -> GraphSource:
    return GraphSource(spec)
