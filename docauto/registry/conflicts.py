"""Candidates recommended by two or more area chiefs in the same round (DOMAIN.md: the
follow-up meeting across areas on 4 November).

The same person is recognised by e-mail first: 'Anna Marie Holm' and 'anna holm' with the
same address are one person. A row without an e-mail joins a person whose e-mail rows carry
the same first and last name; otherwise it stands on its own name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from docauto.registry.data import norm, text


@dataclass
class Conflict:
    candidate: str
    email: str
    round: int
    areas: list[str]
    # Details for the report: (area, cluster, unit, priority) per recommendation.
    places: list[tuple[str, str, str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """Exactly the object of REGISTRY.md §5."""
        return {
            "candidate": self.candidate,
            "email": self.email,
            "round": self.round,
            "areas": self.areas,
        }


def _first_last(name: str) -> tuple[str, str]:
    parts = norm(name).replace("-", " ").split()
    if not parts:
        return "", ""
    return parts[0], parts[-1]


def _round(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 2 if "2" in str(value or "") else 1


def find_conflicts(
    recommendations: list[dict[str, Any]], anonymised: Iterable[str] = ("Anonymiseret",)
) -> list[Conflict]:
    """Every (round, person) recommended by two or more areas, sorted by round and name.

    Rows ``registry purge`` anonymised (that name, no e-mail) are nobody in particular.
    """
    skip = {norm(a) for a in anonymised}
    groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
    by_name: dict[tuple[int, tuple[str, str]], str] = {}  # first/last name -> e-mail key
    no_mail: list[tuple[int, dict[str, Any]]] = []
    for r in recommendations:
        name = text(r.get("Kandidat"))
        mail = norm(r.get("E-mail"))
        rnd = _round(r.get("Runde"))
        if not mail and (not name or norm(name) in skip):
            continue
        if mail:
            key = (rnd, "mail:" + mail)
            groups.setdefault(key, []).append(r)
            by_name.setdefault((rnd, _first_last(name)), key[1])
        else:
            no_mail.append((rnd, r))
    for rnd, r in no_mail:
        fl = _first_last(text(r.get("Kandidat")))
        key = (rnd, by_name.get((rnd, fl)) or "name:" + norm(r.get("Kandidat")))
        groups.setdefault(key, []).append(r)

    out: list[Conflict] = []
    for (rnd, _key), rows in groups.items():
        areas = sorted(
            {text(r.get("Område")) for r in rows if text(r.get("Område"))}, key=str.casefold
        )
        if len(areas) < 2:
            continue
        names = [text(r.get("Kandidat")) for r in rows if text(r.get("Kandidat"))]
        # The fullest spelling (with the middle name), first seen on a tie.
        display = max(names, key=lambda n: len(n.split())) if names else ""
        mail = next((text(r.get("E-mail")).lower() for r in rows if text(r.get("E-mail"))), "")
        places = [
            (text(r.get("Område")), text(r.get("Klynge")), text(r.get("Enhed")), r.get("Prioritet"))
            for r in rows
        ]
        out.append(Conflict(display, mail, rnd, areas, places))
    out.sort(key=lambda c: (c.round, c.candidate.casefold(), c.email))
    return out
