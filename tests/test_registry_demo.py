"""The demo's registry step on the bundled demo mailbox."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from click.testing import CliRunner
from conftest_registry import sheet

from docauto.cli import cli


def test_demo_registry_step(tmp_path: Path) -> None:
    out = tmp_path / "demo-out"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--only", "registry"])
    assert result.exit_code == 0, result.output
    hr_registry = out / "hr" / "register.xlsx"
    assert "41 mails læst: 34 registreret, 1 dubletter, 6 afvist, 0 afventer" in result.output
    inbox = sheet(hr_registry, "Indbakke")
    assert Counter(r["Status"] for r in inbox) == {"Registreret": 34, "Dublet": 1, "Afvist": 6}
    by_id = {r["Message-ID"].split("-", 2)[2].split("@")[0]: r for r in inbox}
    assert by_id["klyngeleder-ansoegere-6-gensendt"]["Status"] == "Dublet"
    assert by_id["uautoriseret-afsender"]["Status"] == "Afvist"
    # A chief's address forged from outside: Exchange's DMARC check failed (issue 16).
    forged = by_id["forfalsket-afsender"]
    assert forged["Status"] == "Afvist"
    assert forged["Bemærkning"].startswith("Afsenderen er ikke bekræftet")
    assert "Klynge Vesterbro" in by_id["ukendt-klynge"]["Bemærkning"]  # the nearest name
    assert by_id["hr-videresender"]["Status"] == "Registreret"  # HR forwards for an area
    # The formula-looking name is text.
    names = [r["Ansøger"] for r in sheet(hr_registry, "Ansøgninger")]
    assert '=HYPERLINK("http://eksempel.invalid/cv","Se mit CV")' in names
    # One candidate recommended by two areas in round 1: the conflict HR's overview shows.
    round1 = [r for r in sheet(hr_registry, "Indstillinger") if r["Runde"] == 1]
    areas_by_email: dict[str, set[str]] = {}
    for r in round1:
        areas_by_email.setdefault(r["E-mail"], set()).add(r["Område"])
    assert [e for e, a in areas_by_email.items() if len(a) > 1] == [
        "mette.andersen@buf.demokommune.dk"
    ]
    statuses = Counter(r["Status"] for r in sheet(hr_registry, "Stillinger"))
    assert statuses["Besat"] >= 6 and statuses["Ikke besat"] == 1
    assert len(list((out / "hr" / "register-karantæne").glob("*.eml"))) == 6
    # Running the demo again starts from a fresh registry, same result.
    again = CliRunner().invoke(cli, ["demo", "--out", str(out), "--only", "registry"])
    assert "41 mails læst: 34 registreret" in again.output
