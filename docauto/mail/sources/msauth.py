"""App-only tokens from Microsoft Entra ID (msal client credentials) for Graph and IMAP XOAUTH2.

Settings (environment; secrets may also come from the OS keyring, see docauto.mail.credentials):
  DOCAUTO_GRAPH_TENANT_ID      the tenant (directory) id
  DOCAUTO_GRAPH_CLIENT_ID      the app registration's application (client) id
  DOCAUTO_GRAPH_CLIENT_SECRET  a client secret, or instead
  DOCAUTO_GRAPH_CERT_PATH      a certificate with its private key (.pfx or .pem) outside the
                               repository and the registry folder, readable by its owner only
  DOCAUTO_GRAPH_CERT_PASSPHRASE  its passphrase, if any
  DOCAUTO_GRAPH_LOGIN_URL      the login host (default https://login.microsoftonline.com;
                               national clouds, or a loopback server in tests)

msal talks HTTP through a small urllib client here, so docauto needs no HTTP library of its own;
the token cache is kept in a per-user file only its owner can read.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from docauto.errors import ConfigError, MailError
from docauto.mail import credentials
from docauto.mail.sources.retry import PermanentMailError, TransientMailError, parse_retry_after

DEFAULT_LOGIN = "https://login.microsoftonline.com"


class _Response:
    def __init__(self, status: int, text: str, headers: dict[str, str]) -> None:
        self.status_code = status
        self.text = text
        self.headers = headers

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise MailError(f"Microsoft login answered HTTP {self.status_code}")


class UrllibHttpClient:
    """The two calls msal needs (its documented HttpClient shape), over urllib.

    ``rewrite`` maps the public login host to another base URL (tests, national clouds)."""

    def __init__(self, rewrite: tuple[str, str] | None = None, timeout: float = 30.0) -> None:
        self.rewrite = rewrite
        self.timeout = timeout

    def _url(self, url: str, params: dict | None) -> str:
        if self.rewrite and url.startswith(self.rewrite[0]):
            url = self.rewrite[1] + url[len(self.rewrite[0]) :]
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        return url

    def _send(self, req: urllib.request.Request) -> _Response:
        from docauto.mail.sources.tls import certificate_error, certificate_problem, ssl_context

        try:
            with urllib.request.urlopen(req, timeout=self.timeout, context=ssl_context()) as resp:
                return _Response(
                    resp.status, resp.read().decode("utf-8", "replace"), dict(resp.headers)
                )
        except urllib.error.HTTPError as exc:
            return _Response(
                exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers or {})
            )
        except (urllib.error.URLError, OSError) as exc:
            problem = certificate_problem(exc)
            if problem:
                host = urllib.parse.urlsplit(req.full_url).netloc
                raise certificate_error(host, problem) from None
            raise TransientMailError(
                f"Microsoft-login kan ikke nås ({getattr(exc, 'reason', exc)})"
            ) from None

    def post(
        self,
        url: str,
        params: dict | None = None,
        data: Any = None,
        headers: dict | None = None,
        **kwargs: Any,
    ) -> _Response:
        body = (
            urllib.parse.urlencode(data).encode()
            if isinstance(data, dict)
            else (data or "").encode()
            if isinstance(data, str)
            else (data or b"")
        )
        req = urllib.request.Request(
            self._url(url, params), data=body, method="POST", headers=dict(headers or {})
        )
        if isinstance(data, dict):
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        return self._send(req)

    def get(
        self, url: str, params: dict | None = None, headers: dict | None = None, **kwargs: Any
    ) -> _Response:
        return self._send(
            urllib.request.Request(self._url(url, params), headers=dict(headers or {}))
        )

    def close(self) -> None:  # msal may call it
        pass


def _client_credential(prefix: str) -> Any:
    secret = credentials.get_secret(f"{prefix}-client-secret", required=False)
    if secret:
        return secret
    cert = credentials.get_setting(f"{prefix}-cert-path")
    if not cert:
        raise ConfigError(
            f"ingen legitimation til Microsoft Entra: sæt "
            f"{credentials.env_name(prefix + '-client-secret')} "
            f"eller {credentials.env_name(prefix + '-cert-path')}"
        )
    path = credentials.check_private_file(Path(cert).expanduser(), what="certifikatet")
    passphrase = credentials.get_secret(f"{prefix}-cert-passphrase", required=False)
    if path.suffix.lower() in (".pfx", ".p12"):
        cred: dict[str, Any] = {"private_key_pfx_path": str(path)}
    else:
        text = path.read_text(encoding="ascii", errors="replace")
        if "PRIVATE KEY" not in text or "CERTIFICATE" not in text:
            raise ConfigError(
                f"certifikatet {path} skal indeholde både den private nøgle og certifikatet (PEM)"
            )
        # msal derives the SHA-256 thumbprint from the public certificate; msal before 1.35
        # could not sign in with a PEM without thumbprint (pyproject requires >= 1.35).
        cred = {"private_key": text, "public_certificate": text}
    if passphrase:
        cred["passphrase"] = passphrase
    return cred


class AppTokenProvider:
    """Gets and caches an app-only access token for one resource (scope ``.../.default``)."""

    def __init__(self, scope: str, *, prefix: str = "graph") -> None:
        self.scope = scope
        self.prefix = prefix
        self._app = None
        self._cache = None
        self._cache_path: Path | None = None

    def _application(self):
        if self._app is not None:
            return self._app
        try:
            import msal
        except ImportError:
            raise ConfigError("Microsoft-login kræver msal: pip install 'docauto[graph]'") from None
        tenant = credentials.get_setting(f"{self.prefix}-tenant-id")
        client_id = credentials.get_setting(f"{self.prefix}-client-id")
        if not tenant or not client_id:
            raise ConfigError(
                f"set {credentials.env_name(self.prefix + '-tenant-id')} and "
                f"{credentials.env_name(self.prefix + '-client-id')}"
            )
        login = (
            credentials.get_setting(f"{self.prefix}-login-url")
            or credentials.get_setting("graph-login-url")
            or DEFAULT_LOGIN
        ).rstrip("/")
        rewrite = None if login == DEFAULT_LOGIN else (DEFAULT_LOGIN, login)
        self._cache = msal.SerializableTokenCache()
        self._cache_path = credentials.token_cache_path(f"msal-{self.prefix}-{client_id}")
        stored = credentials.read_token_cache(self._cache_path)
        if stored:
            try:
                self._cache.deserialize(stored)
            except ValueError:
                pass  # a damaged cache is just a cache miss
        self._app = msal.ConfidentialClientApplication(
            client_id,
            client_credential=_client_credential(self.prefix),
            authority=f"{DEFAULT_LOGIN}/{tenant}",
            token_cache=self._cache,
            http_client=UrllibHttpClient(rewrite),
            instance_discovery=False,
        )
        return self._app

    def token(self) -> str:
        app = self._application()
        result = app.acquire_token_for_client(scopes=[self.scope])
        if self._cache is not None and self._cache.has_state_changed and self._cache_path:
            credentials.write_token_cache(self._cache_path, self._cache.serialize())
        if "access_token" in result:
            return result["access_token"]
        code = result.get("error", "unknown")
        desc = (result.get("error_description") or "").splitlines()[0:1]
        if code in ("temporarily_unavailable", "server_error"):
            raise TransientMailError(
                f"Microsoft-login fejlede midlertidigt: {code}",
                retry_after=parse_retry_after(str(result.get("retry_after") or "")),
            )
        raise PermanentMailError(
            f"Microsoft-login afviste appen: {code}" + (f" ({desc[0]})" if desc else ""),
            hint="tjek tenant-id, client-id og hemmelighed/certifikat",
        )


def static_token_from_env(prefix: str) -> str | None:
    """A pre-obtained token (DOCAUTO_<PREFIX>_ACCESS_TOKEN), e.g. from another tool."""
    return credentials.get_secret(f"{prefix}-access-token", required=False)


def json_or_empty(text: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
