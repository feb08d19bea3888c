"""find_conflicts on rows as the registry holds them (HR may type rows by hand, without e-mail)."""

from __future__ import annotations

import pytest

from docauto.registry.conflicts import find_conflicts


def row(area: str, name: str, mail: str = "", rnd: int = 1, cluster: str = "K") -> dict:
    return {
        "Runde": rnd,
        "Område": area,
        "Klynge": cluster,
        "Kandidat": name,
        "E-mail": mail,
        "Prioritet": 1,
    }


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # Same e-mail, other case and without the middle name: one person.
        (
            [row("A", "Anna Marie Holm", "anna@x.dk"), row("B", "ANNA HOLM", "Anna@X.dk")],
            [("Anna Marie Holm", "anna@x.dk", 1, ["A", "B"])],
        ),
        # Same name, different e-mails: two people, no conflict.
        ([row("A", "Per Hansen", "per1@x.dk"), row("B", "Per Hansen", "per2@x.dk")], []),
        # Same person in two rounds: no conflict within a round.
        ([row("A", "Bo Ek", "bo@x.dk", 1), row("B", "Bo Ek", "bo@x.dk", 2)], []),
        # Twice from the same area (two clusters): not a conflict.
        (
            [
                row("A", "Bo Ek", "bo@x.dk", cluster="K1"),
                row("A", "Bo Ek", "bo@x.dk", cluster="K2"),
            ],
            [],
        ),
        # A hand-typed row without e-mail joins the person with the same first and last name.
        (
            [row("A", "Eva Maria Lund", "eva@x.dk"), row("C", "eva lund")],
            [("Eva Maria Lund", "eva@x.dk", 1, ["A", "C"])],
        ),
        # Without any e-mail the name decides.
        ([row("A", "Ole Dam"), row("B", " ole  dam ")], [("Ole Dam", "", 1, ["A", "B"])]),
        # Rows anonymised by 'registry purge' are nobody in particular.
        ([row("A", "Anonymiseret"), row("B", "Anonymiseret"), row("C", "anonymiseret")], []),
        # Three areas, round 2.
        (
            [
                row("C", "Ib Bo", "ib@x.dk", 2),
                row("A", "Ib Bo", "ib@x.dk", 2),
                row("B", "Ib Bo", "ib@x.dk", 2),
            ],
            [("Ib Bo", "ib@x.dk", 2, ["A", "B", "C"])],
        ),
    ],
)
def test_conflicts(rows: list[dict], expected: list[tuple]) -> None:
    got = [(c.candidate, c.email, c.round, c.areas) for c in find_conflicts(rows)]
    assert got == expected
