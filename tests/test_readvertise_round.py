"""A re-advertised position's new ad belongs to the second round (Bilag 7: the positions not
filled in the first round are re-advertised, and the candidate field of "ansøgningsrunde 2"
is interviewed in week 45): its application deadline and interview weeks are round 2's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest_overview import RegistryFixture, run_cli

from docauto.office.docxtext import docx_text

STRUCTURE = Path(__file__).parent / "data" / "struktur-rekruttering.yaml"
KL = "cluster_leader"


def _registry(tmp: Path) -> RegistryFixture:
    """K003 has applicants and no candidate after round 1; K001, K002 and K004 have none."""
    reg = RegistryFixture(tmp, STRUCTURE)
    m = reg.mailbox
    m.send_job_ad("Nørrebro", KL, "K003", dt.date(2010, 9, 28))
    m.send_job_ad("Nørrebro", KL, "K004", dt.date(2010, 9, 29))
    m.send(
        "Nørrebro",
        KL,
        "applicants",
        [["Nørrebro", "Klynge Nørrebro Park", "Eva Eng", "ee@buf.test.dk", "Leder", "Regnbuen"]],
        dt.date(2010, 10, 15),
    )
    assert reg.ingest()["registered"] == 3
    return reg


def _readvertise(reg: RegistryFixture, out: Path, *options: str):
    args = ["generate", "stillingsopslag", "--structure", str(STRUCTURE), "--out", str(out)]
    args += ["--set", f"genopslag={reg.path}", "--set", "standardtekst=ja"]
    for o in options:
        args += ["--set", o]
    return run_cli(args)


def test_readvertised_ads_state_round_twos_deadline_and_interviews(tmp_path: Path) -> None:
    reg = _registry(tmp_path)
    # Monday after round 1's deadline (22.10): every position goes to round 2.
    r = _readvertise(reg, tmp_path / "ads", "dato=2010-10-25")
    assert r.exit_code == 0, r.output
    ads = {
        p.name: "\n".join(docx_text(p.read_bytes()).body) for p in (tmp_path / "ads").glob("*.docx")
    }
    assert sorted(ads) == [f"genopslag-klyngeleder-K00{i}.docx" for i in (1, 2, 3, 4)]
    for body in ads.values():
        # The plan's step 'genopslag' and its round 2 (kandidat-2, week 45).
        assert "skal være modtaget senest mandag den 1. november 2010." in body
        assert "Ansættelsessamtalerne holdes i uge 45." in body
        assert "Opslået den 25. oktober 2010." in body
        assert "uge 42" not in body and "8. oktober" not in body


def test_a_deadline_after_round_two_is_refused_with_the_reason(tmp_path: Path) -> None:
    reg = _registry(tmp_path)
    r = _readvertise(reg, tmp_path / "ads", "dato=2010-10-25", "frist=2010-11-10")
    assert r.exit_code == 2, r.output
    assert "ansøgningsfristen 10. november 2010 ligger ikke før samtalerne i uge 45" in r.output
    assert not list((tmp_path / "ads").glob("*.docx"))
    # A deadline already passed on the day of the run is refused too.
    r = _readvertise(reg, tmp_path / "ads", "dato=2010-11-13")
    assert r.exit_code == 2 and "er ikke efter 13. november 2010" in r.output, r.output
