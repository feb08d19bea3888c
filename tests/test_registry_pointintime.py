"""The registry as of a date (registry/pointintime.py), on hand-made sheets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docauto.registry import schema
from docauto.registry.data import RegistryView

T = dt.datetime


def _view(positions: list[dict], **sheets: list[dict]) -> RegistryView:
    data = {name: [] for name in schema.SHEETS}
    data[schema.POSITIONS] = positions
    for key, rows in sheets.items():
        data[
            {
                "apps": schema.APPLICATIONS,
                "recs": schema.RECOMMENDATIONS,
                "hires": schema.HIRES,
                "unfilled": schema.UNFILLED,
                "ads": schema.JOB_ADS,
                "inbox": schema.INBOX,
            }[key]
        ] = rows
    return RegistryView(Path("register.xlsx"), data)


def _pos(
    pid: str, role: str, cluster: str, unit: str, status: str, updated: T | None, hired: str = ""
) -> dict:
    return {
        "Stillings-ID": pid,
        "Stillingstype": role,
        "Område": "Amager",
        "Klynge": cluster,
        "Enhed": unit,
        "Status": status,
        "Ansat": hired,
        "Opdateret": updated,
    }


def _row(role: str, cluster: str, when: T, unit: str = "", **extra: str) -> dict:
    return {
        "Stillingstype": role,
        "Område": "Amager",
        "Klynge": cluster,
        "Enhed": unit,
        "Modtaget": when,
        **extra,
    }


def test_statuses_follow_the_rows_received_by_the_date() -> None:
    view = _view(
        [_pos("KL-K1", "Klyngeleder", "K Et", "", "Besat", T(2010, 11, 30), "Anna")],
        apps=[_row("Klyngeleder", "K Et", T(2010, 10, 13))],
        recs=[_row("Klyngeleder", "K Et", T(2010, 10, 21), Runde=1)],
        hires=[_row("Klyngeleder", "K Et", T(2010, 11, 30), Navn="Anna")],
    )

    def at(d: dt.date) -> tuple[str, str]:
        [p] = view.at(d).positions()
        return p.status, p.hired

    assert at(dt.date(2010, 10, 1)) == ("Opslået", "")
    assert at(dt.date(2010, 10, 13)) == ("Ansøgere registreret", "")
    assert at(dt.date(2010, 10, 23)) == ("Kandidat indstillet", "")
    assert at(dt.date(2010, 12, 1)) == ("Besat", "Anna")
    # Rows received later are not in the view of the date.
    assert view.at(dt.date(2010, 10, 23)).rows(schema.HIRES) == []
    # A later date can be asked of an earlier view: it is cut from the whole registry.
    assert view.at(dt.date(2010, 10, 1)).at(dt.date(2010, 12, 1)).positions()[0].status == "Besat"


def test_a_status_set_by_hand_counts_from_when_it_was_set() -> None:
    # HR typed Ikke besat on 05.11 (Opdateret); no row explains it.
    view = _view(
        [_pos("KL-K1", "Klyngeleder", "K Et", "", "Ikke besat", T(2010, 11, 5))],
        apps=[_row("Klyngeleder", "K Et", T(2010, 10, 13))],
    )
    assert view.at(dt.date(2010, 11, 4)).positions()[0].status == "Ansøgere registreret"
    assert view.at(dt.date(2010, 11, 5)).positions()[0].status == "Ikke besat"
    # Unknown when: HR's word counts throughout.
    view = _view([_pos("KL-K1", "Klyngeleder", "K Et", "", "Genopslag", None)])
    assert view.at(dt.date(2010, 9, 1)).positions()[0].status == "Genopslag"


def test_a_readvertisement_and_positions_that_open_later() -> None:
    view = _view(
        [
            _pos("KL-K1", "Klyngeleder", "K Et", "", "Genopslag", T(2010, 11, 20)),
            _pos("PL-E1", "Pædagogisk leder", "K Et", "Solsikken", "Opslået", T(2010, 12, 2)),
        ],
        unfilled=[_row("Klyngeleder", "K Et", T(2010, 11, 12))],
        ads=[
            _row("Klyngeleder", "K Et", T(2010, 9, 28)),
            _row("Klyngeleder", "K Et", T(2010, 11, 20)),
        ],
    )
    assert [p.status for p in view.at(dt.date(2010, 11, 13)).positions()] == ["Ikke besat"]
    got = view.at(dt.date(2010, 12, 2)).positions()
    assert [(p.id, p.status) for p in got] == [("KL-K1", "Genopslag"), ("PL-E1", "Opslået")]
    # With an Oprettet date, that is when the position opened.
    view.sheets[schema.POSITIONS][1]["Oprettet"] = T(2010, 12, 1)
    assert len(view.at(dt.date(2010, 12, 1)).positions()) == 2
    assert len(view.at(dt.date(2010, 11, 30)).positions()) == 1
