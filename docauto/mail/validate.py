"""Checking the rows of a registration form against the municipality's structure.

Every problem is collected (with file, sheet, row and column, in Danish, and for an unknown
name the nearest known ones), so the receipt can tell the area chief everything at once.
Text keeps what the person wrote, cleaned of control characters only; the registry writer
stores it as text, never as a formula.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docauto.errors import Location, Problem
from docauto.mail.readers import ReadResult, ReadRow, form_columns
from docauto.mail.readers.values import clean_text, parse_date, parse_int
from docauto.recruitment.formspec import FORM_COLUMNS
from docauto.recruitment.scope import RecruitmentScope
from docauto.structure.model import Structure, is_email

if TYPE_CHECKING:
    import datetime as dt

    from docauto.structure.model import Area, Cluster, Unit

PERSON_COLUMN = {"applicants": "Ansøger", "candidates": "Kandidat", "hires": "Navn"}
OPTIONAL_VALUES = frozenset({"Bemærkning", "Nuværende stilling", "Nuværende arbejdssted"})
DATE_FORMAT_HINT = "skriv fx 01.12.2010"


@dataclass
class Submission:
    """One validated row, resolved against the structure."""

    row: ReadRow
    area: str
    cluster_id: str
    unit_id: str | None
    values: dict[str, Any]  # registry columns -> cleaned value (names as in the structure)


def required_columns(kind: str, role: str) -> list[str]:
    """Columns a form of this kind must have (REGISTRY.md §2; Enhed only where the role's form
    has it; free-text columns may be left out)."""
    cols = form_columns(kind, role)
    if role != "pedagogical_leader":
        cols = [c for c in cols if c != "Enhed"]
    return [c for c in cols if c not in OPTIONAL_VALUES]


def unit_required(kind: str, role: str) -> bool:
    return role == "pedagogical_leader" and "Enhed" in form_columns(kind, role)


def nearest(text: str, names: list[str], n: int = 2) -> list[str]:
    """The known names closest to text (case and spaces ignored)."""

    def key(s: str) -> str:
        return "".join(s.casefold().split())

    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(key(name), name)
    if key(text) in by_key:  # only spaces or case differ: that is the one
        return [by_key[key(text)]]
    hits = difflib.get_close_matches(key(text), list(by_key), n=n, cutoff=0.6)
    return [by_key[h] for h in hits]


def _unknown(what: str, text: str, names: list[str]) -> str:
    near = nearest(text, names)
    if not near:
        return f"ukendt {what} '{text}'"
    return f"ukendt {what} '{text}' — mente du {' eller '.join(repr_da(n) for n in near)}?"


def repr_da(name: str) -> str:
    return f"'{name}'"


def _address(text: str) -> str:
    """The address in 'mailto:a@b.dk' or 'Anne <a@b.dk>'; anything else as written."""
    if is_email(text):
        return text
    from email.utils import parseaddr

    candidate = parseaddr(re.sub(r"(?i)^mailto:", "", text))[1]
    return candidate if is_email(candidate) else text


class _RowCheck:
    def __init__(self, result: ReadResult, row: ReadRow) -> None:
        self.file = result.file or result.source
        self.row = row
        self.problems: list[Problem] = []

    def problem(self, column: str | None, message: str) -> None:
        self.problems.append(
            Problem(
                Location(
                    file=self.file, sheet=self.row.sheet or None, row=self.row.number, column=column
                ),
                message,
            )
        )

    def text(self, column: str) -> str:
        return clean_text(self.row.values.get(column))


def _candidate_counts(result: ReadResult) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for row in result.rows:
        key = (
            clean_text(row.values.get("Klynge")).casefold(),
            clean_text(row.values.get("Enhed")).casefold(),
        )
        counts[key] = counts.get(key, 0) + 1
    return counts


def validate_rows(
    result: ReadResult, structure: Structure, role: str, kind: str
) -> tuple[list[Submission], list[Problem]]:
    """Validated rows and every problem found in them.

    The reader's own problems (``result.problems``) are NOT repeated here: the caller reports
    those itself. Only rows without problems become Submissions; the caller decides whether a
    form with problems is rejected as a whole.
    """
    problems: list[Problem] = []
    if kind not in FORM_COLUMNS:
        problems.append(
            Problem(
                Location(file=result.file or result.source),
                f"typen '{kind}' har intet registreringsskema",
            )
        )
        return [], problems
    file = result.file or result.source
    if result.columns:
        missing = [c for c in required_columns(kind, role) if c not in result.columns]
        for col in missing:
            problems.append(
                Problem(
                    Location(file=file, sheet=result.sheet or None, column=col),
                    f"kolonnen '{col}' mangler i skemaet",
                )
            )
        if missing:
            return [], problems
    if not result.rows:
        if not result.problems:
            problems.append(
                Problem(
                    Location(file=file, sheet=result.sheet or None),
                    "skemaet indeholder ingen udfyldte rækker",
                )
            )
        return [], problems

    counts = _candidate_counts(result) if kind == "candidates" else {}
    area_names = list(structure.areas)
    submissions: list[Submission] = []
    for row in result.rows:
        check = _RowCheck(result, row)
        sub = _check_row(check, structure, role, kind, area_names, counts)
        problems.extend(check.problems)
        if sub is not None and not check.problems:
            submissions.append(sub)
    return submissions, problems


# why_not() of a network does not depend on HR's setting for self-governing clusters.
NETWORK_SCOPE = RecruitmentScope()


def _check_area(check: _RowCheck, structure: Structure, area_names: list[str]) -> Area | None:
    area_text = check.text("Område")
    area = structure.find_area(area_text) if area_text else None
    if not area_text:
        check.problem("Område", "området mangler")
    elif area is None:
        check.problem("Område", _unknown("område", area_text, area_names))
    return area


def _check_cluster(check: _RowCheck, structure: Structure, area: Area | None) -> Cluster | None:
    """The row's cluster; it must be in the row's area and recruit (no network)."""
    cluster_text = check.text("Klynge")
    cluster = structure.find_cluster(cluster_text) if cluster_text else None
    if not cluster_text:
        check.problem("Klynge", "klyngen mangler")
    elif cluster is None:
        pool = structure.clusters_in(area.name) if area else list(structure.clusters.values())
        names = [c.name for c in pool] or [c.name for c in structure.clusters.values()]
        check.problem("Klynge", _unknown("klynge", cluster_text, names))
    elif area is not None and cluster.area != area.name:
        check.problem(
            "Klynge",
            f"klyngen '{cluster.name}' hører til området '{cluster.area}', ikke '{area.name}'",
        )
    elif cluster.is_network:
        # A network never has a position (issue 12): registry init, ads and forms leave it out.
        check.problem("Klynge", f"kommunen rekrutterer ikke her: {NETWORK_SCOPE.why_not(cluster)}")
    return cluster


def _unit_not_in_cluster(
    check: _RowCheck, structure: Structure, unit_text: str, cluster: Cluster
) -> None:
    """Say where a unit the cluster does not have belongs, or that it is unknown."""
    elsewhere = structure.find_unit(unit_text)
    if elsewhere is not None:
        owner = structure.clusters.get(elsewhere.cluster_id)
        check.problem(
            "Enhed",
            f"enheden '{elsewhere.name}' hører ikke til klyngen "
            f"'{cluster.name}'" + (f" (men til '{owner.name}')" if owner else ""),
        )
    else:
        check.problem("Enhed", _unknown("enhed", unit_text, [u.name for u in cluster.units]))


def _check_unit(
    check: _RowCheck, structure: Structure, role: str, kind: str, cluster: Cluster | None
) -> Unit | None:
    unit = None
    unit_text = check.text("Enhed")
    wants_unit = unit_required(kind, role)
    # A cluster leader's applicants/candidates/hires form has no Enhed; unfilled and vacancies
    # forms have it for both roles.
    uses_unit = role == "pedagogical_leader" or "Enhed" in form_columns(kind, "cluster_leader")
    if wants_unit and not unit_text:
        check.problem("Enhed", "enheden mangler")
    elif unit_text and uses_unit and cluster is not None:
        unit = structure.find_unit(unit_text, cluster)
        if unit is None:
            _unit_not_in_cluster(check, structure, unit_text, cluster)
    return unit


def _check_person(check: _RowCheck, role: str, kind: str) -> dict[str, Any]:
    """The person's name and e-mail (forms about a person) and the free-text columns."""
    values: dict[str, Any] = {}
    person = PERSON_COLUMN.get(kind)
    if person:
        name = check.text(person)
        if not name:
            check.problem(person, "navnet mangler")
        values[person] = name
        email = _address(check.text("E-mail"))
        if not email:
            check.problem("E-mail", "e-mailadressen mangler")
        elif not is_email(email):
            check.problem("E-mail", f"ugyldig e-mailadresse '{email}'")
        values["E-mail"] = email
    for col in ("Nuværende stilling", "Nuværende arbejdssted", "Bemærkning"):
        if col in form_columns(kind, role):
            values[col] = check.text(col)
    return values


def _check_priority(check: _RowCheck, counts: dict[tuple[str, str], int]) -> int | None:
    """A candidate's priority; it may be left out when the position has only one candidate."""
    raw = check.row.values.get("Prioritet")
    if raw in (None, ""):
        key = (check.text("Klynge").casefold(), check.text("Enhed").casefold())
        if counts.get(key, 0) > 1:
            check.problem(
                "Prioritet", "prioriteten mangler (der er flere kandidater til samme stilling)"
            )
        return 1
    number = parse_int(raw)
    if number is None or number < 1:
        check.problem(
            "Prioritet",
            f"prioriteten skal være et helt tal fra 1 og op, ikke '{clean_text(raw)}'",
        )
    return number


def _check_start_date(check: _RowCheck) -> dt.date | None:
    raw = check.row.values.get("Tiltrædelsesdato")
    when = parse_date(raw)
    if raw in (None, ""):
        check.problem("Tiltrædelsesdato", "tiltrædelsesdatoen mangler")
    elif when is None:
        check.problem("Tiltrædelsesdato", f"ugyldig dato '{clean_text(raw)}' ({DATE_FORMAT_HINT})")
    return when


def _check_row(
    check: _RowCheck,
    structure: Structure,
    role: str,
    kind: str,
    area_names: list[str],
    counts: dict[tuple[str, str], int],
) -> Submission | None:
    area = _check_area(check, structure, area_names)
    cluster = _check_cluster(check, structure, area)
    unit = _check_unit(check, structure, role, kind, cluster)
    values = _check_person(check, role, kind)
    if kind == "candidates":
        values["Prioritet"] = _check_priority(check, counts)
    if kind == "hires":
        values["Tiltrædelsesdato"] = _check_start_date(check)

    if area is None or cluster is None:
        return None
    values = {
        "Område": area.name,
        "Klynge": cluster.name,
        "Enhed": unit.name if unit else "",
        **values,
    }
    return Submission(
        row=check.row,
        area=area.name,
        cluster_id=cluster.id,
        unit_id=unit.id if unit else None,
        values=values,
    )
