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
    assert "49 mails læst: 42 registreret, 1 dubletter, 6 afvist, 0 afventer" in result.output
    inbox = sheet(hr_registry, "Indbakke")
    assert Counter(r["Status"] for r in inbox) == {"Registreret": 42, "Dublet": 1, "Afvist": 6}
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
    assert "49 mails læst: 42 registreret" in again.output


def test_demo_recruitment_fills_most_positions_in_round_one(tmp_path: Path) -> None:
    """As in the seed, most cluster-leader positions are filled in round 1 and a minority is
    re-advertised for round 2, each with its reason; a pedagogical-leader position opened on
    1.12 (its leader became a cluster leader) is not 'without applicants' the day after."""
    import datetime as dt

    from docauto.recruitment.timeline import load_timeline
    from docauto.registry.config import load_overview_settings
    from docauto.registry.data import RegistryView
    from docauto.registry.readvertise import to_readvertise

    out = tmp_path / "demo-out"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--only", "registry"])
    assert result.exit_code == 0, result.output
    view = RegistryView.load(out / "hr" / "register.xlsx")
    plan, settings = load_timeline(), load_overview_settings()
    after_round_1 = {
        r.position.id: r.reason
        for r in to_readvertise(view, plan, settings, dt.date(2010, 10, 25))
        if r.position.role == "cluster_leader"
    }
    assert after_round_1 == {
        "KL-K011": "Ingen ansøgere",
        "KL-K017": "Ingen ansøgere",
        "KL-K005": "Ingen egnet kandidat",
        "KL-K006": "Ingen egnet kandidat",
        "KL-K012": "Ingen egnet kandidat",
        "KL-K016": "Ingen egnet kandidat",
        "KL-K023": "Ingen egnet kandidat",
    }
    cluster_leaders = [
        p for p in view.at(dt.date(2010, 12, 2)).positions() if p.role == "cluster_leader"
    ]
    assert len(cluster_leaders) == 62
    filled = Counter(p.status for p in cluster_leaders)
    assert filled["Besat"] >= 40, filled
    on_2_12 = to_readvertise(view, plan, settings, dt.date(2010, 12, 2))
    opened_late = {
        p.id
        for p in view.at(dt.date(2010, 12, 2)).positions()
        if p.created and p.created > dt.date(2010, 11, 26)
    }
    assert len(opened_late) >= 30  # the units whose leaders became cluster leaders
    assert not [
        r.position.id
        for r in on_2_12
        if r.position.id in opened_late and r.reason == "Ingen ansøgere"
    ]
    assert len(on_2_12) <= 10, [(r.position.id, r.reason) for r in on_2_12]
