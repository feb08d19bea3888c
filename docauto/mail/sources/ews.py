"""Exchange Web Services source for Exchange Server *on premises*: ``ews:MAILBOX?options``.

Not for Microsoft 365: Microsoft blocks EWS in Exchange Online from 1 October 2026 and switches
it off for good on 1 April 2027; use ``graph:`` there. exchangelib is imported lazily (extra
``docauto[ews]``).

Options (query string):
  endpoint=URL      the EWS URL, e.g. https://mail.kommune.dk/EWS/Exchange.asmx (or server=HOST);
                    plain http only to 127.0.0.1/localhost (tests)
  auth=ntlm|basic|kerberos|sspi|oauth   default: whatever the server offers (exchangelib
                    asks it). kerberos (GSSAPI, extra docauto[ews-kerberos]) and sspi (Windows'
                    own logon of the service account, extra docauto[ews-sspi]) need no password
                    in docauto; oauth is Exchange Online's and only for hybrid set-ups
  folder=inbox      the distinguished folder to read (default inbox)
  done=PATH, rejected=PATH   folders under the mailbox root (created when missing; default
                    docauto/Registreret and docauto/Afvist)
  since=YYYY-MM-DD  ignore mail received before this day
  state=PATH        the source's state file
Credentials: DOCAUTO_EWS_USERNAME (e.g. KOMMUNE\\svc-jobbank) and DOCAUTO_EWS_PASSWORD (or the
keyring); for auth=oauth (hybrid modern auth) DOCAUTO_EWS_TENANT_ID, DOCAUTO_EWS_CLIENT_ID and
DOCAUTO_EWS_CLIENT_SECRET, with impersonation of the mailbox.
Mail is read oldest first with FindItem, its MIME with GetItem, and moved with MoveItem to
folders addressed by id; ServerBusy's BackOffMilliseconds is honoured.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from docauto.errors import ConfigError, MailError, UsageError
from docauto.mail import credentials
from docauto.mail.sources import DEFAULT_DONE, DEFAULT_REJECTED, SourceItem, spec_options
from docauto.mail.sources.retry import PermanentMailError, TransientMailError
from docauto.mail.sources.since import parse_since
from docauto.mail.sources.tls import certificate_error, certificate_problem
from docauto.mail.state import SourceState, state_path_for

LOOPBACK = ("127.0.0.1", "localhost", "::1")
PAGE_SIZE = 50
# auth= -> (exchangelib's auth type name, the extra that brings its requests plugin)
AUTH_TYPES = {
    "ntlm": ("NTLM", "ews"),
    "basic": ("BASIC", "ews"),
    "kerberos": ("GSSAPI", "ews-kerberos"),
    "sspi": ("SSPI", "ews-sspi"),
    "oauth": ("OAUTH2", "ews"),
}
# Exchange's answers that waiting does not change: a missing right, an unknown mailbox.
_PERMANENT = (
    "ErrorAccessDenied",
    "ErrorNonExistentMailbox",
    "ErrorImpersonateUserDenied",
    "ErrorImpersonationDenied",
    "ErrorImpersonationFailed",
    "ErrorSendAsDenied",
    "ErrorFolderNotFound",
    "ErrorInvalidUser",
    "ErrorMailRecipientNotFound",
)


class EwsSource:
    """One folder of one on-premises Exchange mailbox; see the module docstring."""

    def __init__(
        self, spec: str, *, max_retry_wait: float = 60.0, retries: int = 4, sleep=time.sleep
    ) -> None:
        body = spec.split(":", 1)[1] if ":" in spec else ""
        mailbox, _, query = body.partition("?")
        mailbox = mailbox.strip("/")
        if "@" not in mailbox:
            raise UsageError(
                f"EWS-angivelsen mangler en postkasseadresse: '{spec}'",
                hint="ews:jobbank@kommune.dk?endpoint=https://mail.kommune.dk/EWS/Exchange.asmx",
            )
        opts = spec_options(query)
        self.mailbox = mailbox
        endpoint = opts.get("endpoint")
        if not endpoint and opts.get("server"):
            endpoint = f"https://{opts['server']}/EWS/Exchange.asmx"
        if not endpoint:
            raise UsageError(
                "EWS-angivelsen skal have endpoint=URL eller server=VÆRT (ingen autodiscover)"
            )
        parts = urlsplit(endpoint)
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK):
            raise UsageError("EWS-adressen skal være https:// (http kun på loopback)")
        self.endpoint = endpoint
        self.auth = opts.get("auth", "").lower() or None
        if self.auth not in (None, *AUTH_TYPES):
            raise UsageError(
                f"ukendt EWS-godkendelse '{self.auth}'", hint=", ".join(sorted(AUTH_TYPES))
            )
        self.folder = opts.get("folder", "inbox").lower()
        self.done_path = opts.get("done", DEFAULT_DONE)
        self.rejected_path = opts.get("rejected", DEFAULT_REJECTED)
        self.since = parse_since(opts.get("since"))
        self.name = f"ews:{mailbox}/{self.folder}"
        self.state = SourceState(state_path_for(spec, opts.get("state")))
        self.max_retry_wait = max_retry_wait
        self.retries = retries
        self._sleep = sleep
        self._account = None
        self._source_folder = None
        self._moved: set[str] = (
            set()
        )  # moved by this process; a lagging listing may still show them

    # --- exchangelib --------------------------------------------------------------------------

    def _credentials(self) -> Any:
        import exchangelib

        if self.auth in ("kerberos", "sspi"):
            return None  # the process's own Windows / Kerberos identity

        if self.auth == "oauth":
            return exchangelib.OAuth2Credentials(
                client_id=credentials.get_setting("ews-client-id") or _missing("ews-client-id"),
                client_secret=credentials.get_secret("ews-client-secret"),
                tenant_id=credentials.get_setting("ews-tenant-id") or _missing("ews-tenant-id"),
                identity=exchangelib.Identity(primary_smtp_address=self.mailbox),
            )
        username = credentials.get_setting("ews-username") or _missing("ews-username")
        return exchangelib.Credentials(
            username, credentials.get_secret("ews-password", account=username)
        )

    def _connect(self) -> Any:
        if self._account is not None:
            return self._account
        try:
            import exchangelib
        except ImportError:
            raise ConfigError(
                "ews:-kilden kræver exchangelib: pip install 'docauto[ews]'"
            ) from None
        auth_type = _auth_type(exchangelib, self.auth)
        _use_os_trust_store()
        config = exchangelib.Configuration(
            service_endpoint=self.endpoint,
            credentials=self._credentials(),
            auth_type=auth_type,
            version=exchangelib.Version(build=exchangelib.Build(15, 0)),
            # Fail fast: waiting is watch mode's job, not a library's hidden retry loop.
            retry_policy=exchangelib.FailFast(),
        )
        access = exchangelib.IMPERSONATION if self.auth == "oauth" else exchangelib.DELEGATE
        self._account = self._call(
            lambda: exchangelib.Account(
                primary_smtp_address=self.mailbox,
                config=config,
                autodiscover=False,
                access_type=access,
            )
        )
        return self._account

    def _call(self, fn):
        """Run one EWS operation; throttling waits in place when short, else goes up."""
        from exchangelib import errors as ews_errors

        for attempt in range(self.retries + 1):
            try:
                return fn()
            except (ews_errors.ErrorServerBusy, ews_errors.RateLimitError) as exc:
                wait = getattr(exc, "back_off", None) or getattr(exc, "wait", None)
                if attempt < self.retries and (wait or 0) <= self.max_retry_wait:
                    self._sleep(wait if wait is not None else min(2**attempt, self.max_retry_wait))
                    continue
                raise TransientMailError(
                    "Exchange er optaget (ErrorServerBusy)", retry_after=wait
                ) from None
            except ews_errors.UnauthorizedError as exc:
                raise PermanentMailError(
                    f"Exchange afviste login for {self.mailbox}: {_said(exc)}",
                    hint="tjek DOCAUTO_EWS_USERNAME / DOCAUTO_EWS_PASSWORD og auth=",
                ) from None
            except ews_errors.ErrorItemNotFound:
                raise _NotFound() from None
            except ews_errors.ResponseMessageError as exc:
                raise self._refused(exc) from None
            except Exception as exc:
                raise self._unreachable(exc) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _refused(self, exc: Exception) -> MailError:
        name = type(exc).__name__
        text = f"Exchange afviste handlingen for {self.mailbox}: {name}: {_said(exc)}"
        if name in _PERMANENT:
            return PermanentMailError(
                text,
                hint="tjenestekontoen skal have FullAccess (eller ApplicationImpersonation) på "
                "postkassen; tjek adressen",
            )
        return MailError(text)

    def _unreachable(self, exc: Exception) -> Exception:
        """Network trouble is temporary; a certificate the OS store does not trust is not."""
        from exchangelib import errors as ews_errors

        problem = certificate_problem(exc)
        if problem:
            return certificate_error(urlsplit(self.endpoint).hostname or self.endpoint, problem)
        network = isinstance(exc, ews_errors.TransportError | ews_errors.CASError | OSError)
        if network or type(exc).__module__.startswith(("requests", "urllib3")):
            self._account = None
            return TransientMailError(f"Exchange kan ikke nås ({type(exc).__name__})")
        return exc

    def _inbox(self) -> Any:
        if self._source_folder is None:
            account = self._connect()
            self._source_folder = self._call(lambda: getattr(account, self.folder))
        return self._source_folder

    def _folder_id(self, path: str) -> str:
        """Id of a folder path under the mailbox root, creating what is missing.

        Goes level by level with FindFolder (shallow, by name) and CreateFolder, and never
        asks exchangelib for its whole folder tree (a deep walk of the mailbox)."""
        from exchangelib import Q
        from exchangelib.folders import SHALLOW, Folder, FolderCollection, MsgFolderRoot
        from exchangelib.services import CreateFolder

        cached = self.state.get("folders", {}).get(path)
        if cached:
            return cached
        account = self._connect()
        parent = self._call(lambda: MsgFolderRoot.get_distinguished(root=account.root))
        for part in [p for p in path.split("/") if p]:
            found = self._call(
                lambda p=parent, name=part: list(
                    FolderCollection(account=account, folders=[p]).find_folders(
                        q=Q(name=name), depth=SHALLOW
                    )
                )
            )
            found = [f for f in found if not isinstance(f, Exception)]
            if found:
                parent = Folder(
                    root=account.root, id=found[0].id, changekey=found[0].changekey, name=part
                )
                continue
            made = self._call(
                lambda p=parent, name=part: CreateFolder(account=account).get(
                    parent_folder=p, folders=[Folder(root=account.root, name=name)]
                )
            )
            parent = Folder(root=account.root, id=made.id, changekey=made.changekey, name=part)
        folders = self.state.get("folders", {})
        folders[path] = parent.id
        self.state.set("folders", folders)
        self.state.save()
        return parent.id

    # --- MailSource ---------------------------------------------------------------------------

    def fetch(self) -> Iterator[SourceItem]:
        self._retry_moves()
        inbox = self._inbox()
        account = self._connect()
        query = inbox.all()
        if self.since:
            from exchangelib import UTC, EWSDateTime

            query = query.filter(
                datetime_received__gte=EWSDateTime(
                    self.since.year, self.since.month, self.since.day, tzinfo=UTC
                )
            )
        query = query.order_by("datetime_received").only("id", "changekey")
        query.page_size = PAGE_SIZE
        ids = self._call(lambda: [(i.id, i.changekey) for i in query])
        done = self.state.get("done", {})
        for item_id, changekey in ids:
            if item_id in done or item_id in self._moved:
                continue
            try:
                (full,) = self._call(
                    lambda i=item_id, c=changekey: list(
                        account.fetch(ids=[(i, c)], only_fields=["mime_content"])
                    )
                )
            except _NotFound:
                continue  # moved or deleted by a person meanwhile
            if isinstance(full, Exception) or not getattr(full, "mime_content", None):
                continue
            raw = full.mime_content
            yield SourceItem(
                id=item_id,
                raw=raw if isinstance(raw, bytes) else raw.encode(),
                name=f"ews:{self.folder}/{item_id[-12:]}",
            )

    def done(self, item: SourceItem, outcome: str) -> None:
        target = self._folder_id(self.rejected_path if outcome == "rejected" else self.done_path)
        done = self.state.get("done", {})
        done[item.id] = target
        self.state.set("done", done)
        self.state.save()  # before the move: after a crash the move is retried, not the mail
        self._move(item.id, target)
        done.pop(item.id, None)
        self.state.save()

    def _move(self, item_id: str, target: str) -> None:
        from exchangelib.properties import FolderId

        account = self._connect()
        try:
            result = self._call(
                lambda: account.bulk_move(ids=[(item_id, None)], to_folder=FolderId(id=target))
            )
        except _NotFound:
            return
        self._moved.add(item_id)
        for r in result or []:
            if isinstance(r, Exception) and type(r).__name__ != "ErrorItemNotFound":
                raise self._refused(r)

    def _retry_moves(self) -> None:
        done = self.state.get("done", {})
        for item_id, target in list(done.items()):
            self._move(item_id, target)
            done.pop(item_id)
            self.state.save()

    def reply(self, item: SourceItem, message: EmailMessage) -> None:
        """Send the receipt from the mailbox as MIME (CreateItem, SendAndSaveCopy)."""
        from exchangelib import Message

        from docauto.mail.receipts import receipt_allowed
        from docauto.mail.state import receipt_key

        if not receipt_allowed(item.raw):
            return
        if "From" not in message:
            message["From"] = self.mailbox
        if not self.state.claim_receipt(receipt_key(item.id, message)):
            return  # at most one receipt per mail, whatever is retried
        account = self._connect()
        sent = self._call(lambda: account.sent)
        mail = Message(account=account, folder=sent, mime_content=message.as_bytes())
        self._call(mail.send_and_save)

    def close(self) -> None:
        account, self._account = self._account, None
        self._source_folder = None
        if account is not None:
            try:
                account.protocol.close()
            except Exception:
                pass


def _said(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def _auth_type(exchangelib: Any, auth: str | None) -> Any:
    if auth is None:
        return None
    name, extra = AUTH_TYPES[auth]
    from exchangelib import transport

    if auth in ("kerberos", "sspi") and getattr(exchangelib, name) not in transport.AUTH_TYPE_MAP:
        raise ConfigError(
            f"EWS auth={auth} kræver sit tilføjelsesmodul: pip install 'docauto[{extra}]'",
            hint="sspi works on Windows only",
        )
    return getattr(exchangelib, name)


def _use_os_trust_store() -> None:
    """exchangelib talks through requests, which trusts certifi's public CAs only; an
    Exchange Server certificate from the municipality's own CA is in the OS store."""
    from exchangelib.protocol import BaseProtocol

    from docauto.mail.sources.tls import requests_adapter_class

    if not getattr(BaseProtocol.HTTP_ADAPTER_CLS, "docauto_trust_store", False):
        adapter = requests_adapter_class()
        adapter.docauto_trust_store = True
        BaseProtocol.HTTP_ADAPTER_CLS = adapter


class _NotFound(MailError):
    def __init__(self) -> None:
        super().__init__("Exchange item not found")


def _missing(name: str) -> str:
    raise ConfigError(f"set {credentials.env_name(name)}")


def _factory(spec: str) -> EwsSource:
    return EwsSource(spec)
