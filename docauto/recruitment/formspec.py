"""The registration forms of REGISTRY.md §2: one definition for the generator and the readers."""

from __future__ import annotations

from docauto.errors import UsageError

FORM_SHEET = "Registrering"

# In the form's order. The flag marks "Enhed*": a column only pedagogical leaders' forms have.
FORM_COLUMNS: dict[str, tuple[tuple[str, bool], ...]] = {
    "applicants": (
        ("Område", False),
        ("Klynge", False),
        ("Enhed", True),
        ("Ansøger", False),
        ("E-mail", False),
        ("Nuværende stilling", False),
        ("Nuværende arbejdssted", False),
    ),
    "candidates": (
        ("Område", False),
        ("Klynge", False),
        ("Enhed", True),
        ("Kandidat", False),
        ("E-mail", False),
        ("Prioritet", False),
    ),
    "unfilled": (("Område", False), ("Klynge", False), ("Enhed", False), ("Bemærkning", False)),
    "hires": (
        ("Område", False),
        ("Klynge", False),
        ("Enhed", True),
        ("Navn", False),
        ("E-mail", False),
        ("Tiltrædelsesdato", False),
    ),
    "vacancies": (("Område", False), ("Klynge", False), ("Enhed", False), ("Bemærkning", False)),
}
FORM_KINDS = tuple(FORM_COLUMNS)


def columns(kind: str, role: str | None = None) -> list[str]:
    """The form's columns for a kind; with a role, only the ones that role's form has
    (without a role: every column a reader should accept)."""
    if kind not in FORM_COLUMNS:
        raise UsageError(
            f"'{kind}' har intet registreringsskema", hint=f"en af {', '.join(FORM_KINDS)}"
        )
    return [
        name
        for name, ped_only in FORM_COLUMNS[kind]
        if not ped_only or role in (None, "pedagogical_leader")
    ]
