"""Authenticated origin: does the organisation's own mail server vouch for the From address?

A From header is only a claim: anyone outside can write an area chief's address into it. The
receiving mail server checks SPF, DKIM and DMARC and writes the result into an
``Authentication-Results`` header (RFC 8601) naming itself (the *authserv-id*); Exchange also
stamps mail that was sent inside the organisation with ``X-MS-Exchange-Organization-AuthAs:
Internal`` (and strips that header from mail coming in from outside). With the setting on,
a submission is accepted only when one of them vouches for the very domain in From:

- an Authentication-Results header from a configured server id with ``dmarc=pass`` for the
  From domain, or ``spf=pass`` / ``dkim=pass`` whose domain (smtp.mailfrom / header.d) is
  aligned with the From domain (the same domain or one below the other); or
- ``X-MS-Exchange-Organization-AuthAs: Internal`` when Exchange's stamp is trusted.

Only headers the organisation's own server wrote count. Servers add their header on top, so a
header a sender forged sits below them: of each configured server id only the topmost header
counts, and an authserv-id that is not configured is ignored.
Exchange Online writes its Authentication-Results without an authserv-id: the server id
``exchange-online`` trusts such a header only when it is the topmost Authentication-Results
header. See docs/mail-authentication.md for Exchange Online, Exchange Server and
Postfix+OpenDMARC.

Configured in ``docauto.yaml`` beside the registry::

    authenticated_origin:
      required: true
      server_ids: [mx.buf.demokommune.dk]        # or exchange-online
      exchange_internal: true           # trust X-MS-Exchange-Organization-AuthAs: Internal
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from docauto.errors import ConfigError

EXCHANGE_ONLINE = "exchange-online"


@dataclass(frozen=True)
class OriginPolicy:
    required: bool = False
    server_ids: tuple[str, ...] = ()
    exchange_internal: bool = False

    @classmethod
    def from_config(cls, data: Any, where: str) -> OriginPolicy:
        if data is None:
            return cls()
        if isinstance(data, bool):
            data = {"required": data}
        if not isinstance(data, dict):
            raise ConfigError(f"{where}: 'authenticated_origin' skal være en tabel")
        ids = data.get("server_ids") or []
        if isinstance(ids, str):
            ids = [ids]
        if not isinstance(ids, list) or not all(isinstance(i, str) and i.strip() for i in ids):
            raise ConfigError(
                f"{where}: 'authenticated_origin.server_ids' skal være en liste af servernavne"
            )
        policy = cls(
            required=bool(data.get("required", True)),
            server_ids=tuple(i.strip().lower() for i in ids),
            exchange_internal=bool(data.get("exchange_internal", False)),
        )
        if policy.required and not policy.server_ids and not policy.exchange_internal:
            raise ConfigError(
                f"{where}: 'authenticated_origin' kræver server_ids eller exchange_internal: true",
                hint="see docs/mail-authentication.md",
            )
        return policy


@dataclass
class Results:
    """One Authentication-Results header: its authserv-id and method -> [(result, props)]."""

    server: str
    methods: dict[str, list[tuple[str, dict[str, str]]]] = field(default_factory=dict)


_COMMENT = re.compile(r"\([^()]*\)")
_METHOD = re.compile(r"^\s*([a-z0-9_-]+)\s*=\s*([a-z0-9_-]+)", re.I)
_PROP = re.compile(r"([a-z0-9_-]+\.[a-z0-9_-]+)\s*=\s*(\"[^\"]*\"|[^\s;]+)", re.I)


def _uncomment(text: str) -> str:
    for _ in range(5):  # nested comments, bounded
        new = _COMMENT.sub(" ", text)
        if new == text:
            break
        text = new
    return text


def parse_results(value: str) -> Results:
    """RFC 8601 header value -> Results. Exchange Online's form has no authserv-id (its first
    clause is already ``spf=...``); its server is then ''."""
    text = _uncomment(value[:8000])
    clauses = [c.strip() for c in text.split(";")]
    server = ""
    first = clauses[0].split() if clauses else []
    if first and "=" not in first[0]:
        server = first[0].lower()
        clauses = clauses[1:]
    results = Results(server)
    for clause in clauses:
        m = _METHOD.match(clause)
        if not m:
            continue
        props = {k.lower(): v.strip('"').lower() for k, v in _PROP.findall(clause[m.end() :])}
        method = m.group(1).lower()
        if method in ("dkim", "spf", "dmarc", "compauth", "arc"):
            results.methods.setdefault(method, []).append((m.group(2).lower(), props))
    return results


def _aligned(domain: str, from_domain: str) -> bool:
    """Relaxed alignment (RFC 7489 §3.1) without a public-suffix list: the same domain, or one
    a subdomain of the other (buf.demokommune.dk and mail.buf.demokommune.dk, not
    demokommune.dk.evil.example)."""
    domain, from_domain = domain.strip(".").lower(), from_domain.strip(".").lower()
    if not domain or not from_domain:
        return False
    if domain.count(".") < 1:
        return False
    return (
        domain == from_domain
        or domain.endswith("." + from_domain)
        or from_domain.endswith("." + domain)
    )


def _domain_of(value: str) -> str:
    return value.rsplit("@", 1)[-1].strip("<>").lower()


def _vouches(results: Results, from_domain: str) -> str:
    """The method that vouches for from_domain ('' if none)."""
    for result, props in results.methods.get("dmarc", []):
        if result == "pass" and _aligned(props.get("header.from", from_domain), from_domain):
            return "dmarc"
    for result, props in results.methods.get("dkim", []):
        if result == "pass" and _aligned(props.get("header.d", ""), from_domain):
            return "dkim"
    for result, props in results.methods.get("spf", []):
        mailfrom = props.get("smtp.mailfrom") or props.get("smtp.helo") or ""
        if result == "pass" and _aligned(_domain_of(mailfrom), from_domain):
            return "spf"
    return ""


def check_origin(
    headers: Iterable[tuple[str, str]], sender: str, policy: OriginPolicy
) -> tuple[bool, str]:
    """(vouched for, Danish explanation). ``headers`` are (lower-case name, value) in the
    order of the mail, top first."""
    if not policy.required:
        return True, ""
    from_domain = _domain_of(sender)
    seen_ar = False
    ours: list[str] = []
    for name, value in headers:
        if name == "x-ms-exchange-organization-authas":
            if policy.exchange_internal and value.strip().lower() == "internal":
                return True, "Exchange: intern afsender"
            continue
        if name != "authentication-results":
            continue
        results = parse_results(value)
        topmost, seen_ar = not seen_ar, True
        trusted = results.server in policy.server_ids or (
            not results.server and topmost and EXCHANGE_ONLINE in policy.server_ids
        )
        # Only the topmost header of each server is its own: one further down with the same
        # id was written before the mail reached it, i.e. by the sender.
        if not trusted or (results.server or EXCHANGE_ONLINE) in ours:
            continue
        ours.append(results.server or EXCHANGE_ONLINE)
        method = _vouches(results, from_domain)
        if method:
            return True, f"{results.server or EXCHANGE_ONLINE}: {method}=pass"
    if ours:
        return False, (
            f"organisationens mailserver ({ours[0]}) kunne ikke bekræfte, at mailen kommer fra "
            f"{from_domain} (hverken dmarc, dkim eller spf bestået for domænet)"
        )
    return False, (
        "organisationens mailserver har ikke bekræftet afsenderen (ingen "
        "Authentication-Results fra "
        + (", ".join(policy.server_ids) or "serveren")
        + (" og ingen intern Exchange-afsender" if policy.exchange_internal else "")
        + ")"
    )
