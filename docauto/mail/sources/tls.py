"""TLS for the mail sources: the operating system's trust store, and certificate errors that say
what is wrong.

A municipality's mail server (Exchange on premises, an IMAP gateway, a TLS-inspecting proxy in
front of Microsoft 365) often has a certificate from the organisation's own CA, which IT
installs in the Windows certificate store (or the macOS keychain, or the Linux system bundle).
``truststore`` makes Python verify against that store; without it Python (and requests, which
exchangelib uses, via certifi) know only the public CAs and fail on the internal one.

A certificate that does not verify is a permanent error: waiting does not fix it, so the run
stops with exit 1 and the verification problem, and watch mode does not retry it.
"""

from __future__ import annotations

import ssl

from docauto.mail.sources.retry import PermanentMailError


def ssl_context() -> ssl.SSLContext:
    """A client context that verifies against the OS trust store (``truststore``), or
    Python's default verify paths where truststore is not installed."""
    try:
        import truststore
    except ImportError:  # pragma: no cover - truststore is a dependency
        return ssl.create_default_context()
    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def certificate_problem(exc: BaseException) -> str | None:
    """The verification problem in ``exc`` (or what it wraps), or None if it is not one."""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, ssl.SSLCertVerificationError):
            return exc.verify_message or exc.reason or str(exc)
        text = str(exc)
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
            return text.split("certificate verify failed:", 1)[-1].strip(" )'\"]") or text
        reason = getattr(exc, "reason", None)
        exc = reason if isinstance(reason, BaseException) else (exc.__cause__ or exc.__context__)
        seen += 1
    return None


def certificate_error(host: str, problem: str) -> PermanentMailError:
    return PermanentMailError(
        f"TLS-certifikatet for {host} kan ikke godkendes: {problem}",
        hint="installér organisationens CA i styresystemets certifikatlager "
        "(docauto stoler på det, styresystemet stoler på), eller ret serverens certifikat",
    )


def requests_adapter_class():
    """An HTTPAdapter for requests (exchangelib) that verifies against the OS trust store."""
    from requests.adapters import HTTPAdapter

    class TrustStoreAdapter(HTTPAdapter):
        # requests may still add certifi's bundle to the context; the OS store stays in it.
        def init_poolmanager(self, *args, **kwargs):
            kwargs["ssl_context"] = ssl_context()
            return super().init_poolmanager(*args, **kwargs)

    return TrustStoreAdapter
