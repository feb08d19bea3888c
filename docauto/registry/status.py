"""``registry status``: positions per role and area by Status, conflicts, and what each area
still owes (REGISTRY.md §5), as one JSON-ready object and as a readable table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from docauto.registry import schema
from docauto.registry.conflicts import Conflict, find_conflicts
from docauto.registry.data import RegistryView
from docauto.registry.deadlines import Owed, missing, owed_submissions
from docauto.registry.nocandidate import WithoutCandidate, without_candidate

if TYPE_CHECKING:
    from docauto.recruitment.timeline import RecruitmentPlan
    from docauto.registry.config import OverviewSettings
    from docauto.structure.model import Structure


@dataclass
class Status:
    as_of: dt.date
    positions: dict[str, dict[str, dict[str, int]]]  # role -> area -> Status -> count
    conflicts: list[Conflict]
    owed: list[Owed]
    without_candidate: list[WithoutCandidate] = field(default_factory=list)

    @property
    def missing(self) -> list[Owed]:
        return missing(self.owed)

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "positions": self.positions,
            "conflicts": [c.as_json() for c in self.conflicts],
            "missing": [o.as_missing() for o in self.missing],
            "without_candidate": [w.as_json() for w in self.without_candidate],
        }


def position_counts(
    view: RegistryView, structure: Structure | None = None
) -> dict[str, dict[str, dict[str, int]]]:
    """role -> area -> {every Status of §3 (zeros included), plus any status HR typed}: count.

    Areas are in the structure's order, then any area only the registry names.
    """
    order = {name: i for i, name in enumerate(structure.areas)} if structure else {}
    out: dict[str, dict[str, dict[str, int]]] = {}
    for p in view.positions():
        role = p.role or "unknown"
        area = p.area or "(uden område)"
        counts = out.setdefault(role, {}).setdefault(area, dict.fromkeys(schema.STATUSES, 0))
        status = p.status or schema.OPSLAAET
        counts[status] = counts.get(status, 0) + 1
    roles = [r for r in schema.ROLE_LABEL if r in out] + [
        r for r in out if r not in schema.ROLE_LABEL
    ]
    return {
        r: dict(
            sorted(out[r].items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0].casefold()))
        )
        for r in roles
    }


def build_status(
    view: RegistryView,
    structure: Structure | None,
    plan: RecruitmentPlan,
    settings: OverviewSettings,
    as_of: dt.date,
) -> Status:
    from docauto.registry.config import load_privacy_settings

    anonymised = load_privacy_settings(view.path).anonymised_name
    view = view.at(as_of)
    return Status(
        as_of=as_of,
        positions=position_counts(view, structure),
        conflicts=find_conflicts(view.recommendations(), (anonymised, "Anonymiseret")),
        owed=owed_submissions(view, structure, plan, settings, as_of),
        without_candidate=without_candidate(view, plan, as_of, structure),
    )


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return out


def format_status(status: Status) -> str:
    """The readable table (Danish, what HR reads)."""
    from docauto.office.filters import dato

    lines = [f"Status pr. {dato(status.as_of)}", ""]
    short = {
        schema.OPSLAAET: "Opslået",
        schema.ANSOEGERE: "Ansøgere",
        schema.KANDIDAT: "Kandidat",
        schema.BESAT: "Besat",
        schema.IKKE_BESAT: "Ikke besat",
        schema.GENOPSLAG: "Genopslag",
    }
    for role, areas in status.positions.items():
        statuses = list(schema.STATUSES) + sorted(
            {s for c in areas.values() for s in c} - set(schema.STATUSES)
        )
        lines.append(f"Stillinger: {schema.ROLE_LABEL.get(role, role)}")
        rows = [
            [area, *(str(c.get(s, 0)) for s in statuses), str(sum(c.values()))]
            for area, c in areas.items()
        ]
        totals = [sum(c.get(s, 0) for c in areas.values()) for s in statuses]
        rows.append(["I alt", *(str(t) for t in totals), str(sum(totals))])
        lines += _table(["Område", *(short.get(s, s) for s in statuses), "I alt"], rows)
        lines.append("")
    if not status.positions:
        lines += ["Registret har ingen stillinger endnu.", ""]
    if status.conflicts:
        lines.append("Konflikter (samme kandidat indstillet af flere områder)")
        lines += _table(
            ["Runde", "Kandidat", "E-mail", "Områder"],
            [[str(c.round), c.candidate, c.email, ", ".join(c.areas)] for c in status.conflicts],
        )
    else:
        lines.append("Ingen konflikter.")
    lines.append("")
    if status.without_candidate:
        lines.append("Stillinger med ansøgere, men uden indstillet kandidat")
        lines += _table(
            ["Område", "Stillingstype", "Klynge", "Enhed", "Runde", "Ansøgere"],
            [
                [
                    w.area,
                    schema.ROLE_LABEL.get(w.role, w.role),
                    w.cluster,
                    w.unit or "",
                    str(w.round),
                    str(w.applicants),
                ]
                for w in status.without_candidate
            ],
        )
        lines.append("")
    if status.missing:
        lines.append("Mangler (fristen er overskredet)")
        lines += _table(
            ["Område", "Stillingstype", "Indsendelse", "Frist", "Stillinger"],
            [
                [
                    o.area,
                    schema.ROLE_LABEL.get(o.role, o.role),
                    o.subject,
                    dato(o.deadline),
                    str(len(o.positions) or ""),
                ]
                for o in status.missing
            ],
        )
    else:
        lines.append("Ingen områder mangler en indsendelse, hvis frist er overskredet.")
    return "\n".join(lines)
