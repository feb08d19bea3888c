"""Invitations with agenda, action plans with the criteria check, the criteria report and the
fact sheets: generated, reopened and compared by text."""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest
from click.testing import CliRunner

from docauto.cli import cli
from docauto.office.docxtext import docx_text
from docauto.review.criteria import check_cluster, load_models
from docauto.structure.model import Cluster, Unit


def _generate(kind: str, structure_path, out, *extra: str) -> dict[str, list[str]]:
    res = CliRunner().invoke(
        cli, ["generate", kind, "--structure", str(structure_path), "--out", str(out), *extra]
    )
    assert res.exit_code == 0, res.output
    return {p.name: docx_text(p.read_bytes()).body for p in sorted(out.rglob("*.docx"))}


def _doc(docs: dict[str, list[str]], prefix: str) -> list[str]:
    (name,) = [n for n in docs if n.startswith(prefix)]
    return docs[name]


def test_invitation_for_a_cluster_and_a_network(review_structure_path, tmp_path):
    docs = _generate("dagsorden", review_structure_path, tmp_path / "inv")
    assert len(docs) == 4
    cluster = _doc(docs, "invitation-S1-")
    assert "Selvejende klynge: Klynge SBBU Syd (S1)" in cluster
    assert [ln for ln in cluster if ln[:2] in ("1.", "2.", "3.")] == [
        "1. Kapacitet / børnetal",
        "2. Ledelsesstruktur (før, nu og fremover)",
        "3. Eventuelt",
    ]
    assert "Paraplyorganisation: | SBBU" in cluster and "Model: | 3" in cluster
    assert "Antal børn: | 140" in cluster and "Aldersgruppe: | 0-6 år" in cluster
    assert "Vuggestuen Månen | 50 | 0-2 | Mona Måne" in cluster
    assert any(ln.startswith("Tid: | kl. ") for ln in cluster)
    network = _doc(docs, "invitation-N1-")
    numbered = [ln for ln in network if ln[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert len(numbered) == 5 and numbered[3] == "4. Bestyrelsesnetværk"
    assert "Netværk Ringen Nord (N1)" in network and not any(
        "Netværk: Netværk" in ln for ln in network
    )
    assert any("netværksaftale, evt. forklæde og handleplaner" in ln for ln in network)
    assert "Niels Netværk, Netværkskoordinator, Netværk Ringen Nord" in network
    assert "Carla Cirkel, Leder, Børnehaven Cirklen (netværkets anden repræsentant)" in network


def test_agenda_wording_is_editable_data(review_structure_path, tmp_path, monkeypatch):
    import shutil

    from docauto.resources import templates_dir

    own = tmp_path / "tpl"
    shutil.copytree(templates_dir(), own)
    path = own / "tekster" / "dagsorden.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"Kapacitet / børnetal"', '"Pladser og børnetal"'),
        encoding="utf-8",
    )
    monkeypatch.setenv("DOCAUTO_TEMPLATES", str(own))
    docs = _generate("dagsorden", review_structure_path, tmp_path / "inv", "--only", "S1")
    assert "1. Pladser og børnetal" in _doc(docs, "invitation-S1-")


def test_action_plan_of_a_network_that_breaks_its_model_shows_the_deviation(
    review_structure_path, tmp_path
):
    docs = _generate("handleplan", review_structure_path, tmp_path / "hp")
    assert len(docs) == 5
    bad = _doc(docs, "handleplan-N2-")
    assert "Afvigelse: 120 børn er under modellens minimum på 200" in bad
    assert "Afvigelse: 2 institutioner er under modellens minimum på 3" in bad
    assert "Afvigelse: Klubben Lille har aldersgruppen 10-16, uden for modellens 0-12 år" in bad
    assert "Modellens kriterier: 200-400 børn, 3-7 institutioner, 0-12 år" in bad
    good = _doc(docs, "handleplan-N1-")
    assert not any(ln.startswith("Afvigelse") for ln in good)
    assert "Netværket opfylder modellens kriterier." in good
    model_c = _doc(docs, "handleplan-N3-")
    assert any(
        ln.startswith(
            "Afvigelse: Frie Børnehavers model C (model med fælles netværkssekretær) lever "
        )
        for ln in model_c
    )


def test_action_plan_sections(review_structure_path, tmp_path):
    docs = _generate("handleplan", review_structure_path, tmp_path / "hp")
    municipal = _doc(docs, "handleplan-K1-")
    selfgov = _doc(docs, "handleplan-S1-")
    network = "\n".join(_doc(docs, "handleplan-N1-"))
    # self-governing institutions: no cluster level or leader team, each its own employer
    assert "klyngeniveau" not in network and "lederteam" not in network
    assert "selvstændig arbejdsgiver" in network
    assert "Netværkskoordinator: | udpeges senest 1. januar 2011" in network
    for doc in (municipal, selfgov):
        assert "1. Den nye ledelsesstruktur og rollerne" in doc
        assert "Tidsplan frem til 1. januar 2011" in doc
        assert (
            "1. januar 2011 | Klynge- og netværksledelse etableret; ny struktur træder i kraft"
            in doc
        )
        assert "Hvad | Hvem | Hvornår | Status" in doc
        assert "Forældreindflydelse" in " ".join(doc)
    assert "Besparelsen" in selfgov and "Børnehaven Solen | 90 |  | " in selfgov
    assert "Besparelsen" not in municipal
    assert "Paraplyorganisationens model og kriterier" not in municipal


@pytest.mark.parametrize(
    "umbrella,model,units,expect",
    [
        ("Børneringen", "Netværksledelse", [(100, "0-6")] * 3, []),
        ("Børneringen", "Netværksledelse", [(100, "0-6")] * 2, ["institutioner er under"]),
        (
            "Børneringen",
            "Netværksledelse",
            [(60, "0-6")] * 8,
            ["over modellens maksimum på 7", "480 børn er over"],
        ),
        (
            "MDI",
            "Forpligtende netværk",
            [(100, "0-6")] * 3,
            ["300 børn er under modellens minimum på 350"],
        ),
        ("MDI", "Forpligtende netværk", [(200, "0-13"), (200, "6-14")], ["aldersgruppen 6-14"]),
        ("Frie Børnehaver", "B", [(50, "3-6")] * 2, []),
        (
            "Frie Børnehaver",
            "D",
            [(50, "3-6")] * 2,
            ["lever efter forvaltningens vurdering ikke op"],
        ),
        ("SBBU", "Model 3", [(50, "3-6")] * 2, []),
        ("SBBU", "7", [(50, "3-6")] * 2, ["modellen '7' findes ikke"]),
        ("", "", [(50, "3-6")] * 2, ["ingen paraplyorganisation"]),
    ],
)
def test_criteria(umbrella, model, units, expect):
    us = tuple(
        Unit(f"E{i}", f"Enhed {i}", "N9", children=c, age_group=a) for i, (c, a) in enumerate(units)
    )
    result = check_cluster(
        Cluster("N9", "Netværk Test", "Nord", "Netværk", umbrella, model, units=us), load_models()
    )
    text = "\n".join(result.deviations)
    assert result.ok == (not expect), text
    for e in expect:
        assert e in text


@pytest.mark.parametrize(
    ("umbrella", "model", "verdict", "named"),
    [
        ("Frie Børnehaver", "A", "Kræver nærmere drøftelser", "Frie Børnehavers model A"),
        ("Frie Børnehaver", "B", "OK", "Frie Børnehavers model B"),
        ("Frie Børnehaver", "C", "Afvigelser", "Frie Børnehavers model C"),
        ("Frie Børnehaver", "D", "Afvigelser", "Frie Børnehavers model D"),
        ("SBBU", "3", "OK", "SBBU's model 3"),
        ("SBBU", "1", "Afvigelser", "SBBU's model 1"),
    ],
)
def test_model_assessment_by_name(umbrella, model, verdict, named):
    us = (Unit("E1", "A", "N9", children=100, age_group="0-6"),)
    result = check_cluster(
        Cluster("N9", "N", "Nord", "Netværk", umbrella, model, units=us), load_models()
    )
    assert result.verdict == verdict
    assert result.ok == (verdict == "OK")
    text = " ".join(result.deviations + result.remarks)
    assert named in text
    if model == "A":  # model A is not OK: it needs discussion, and the text says so
        assert "kræver nærmere drøftelser" in text
    if verdict == "Afvigelser":
        assert "ikke op til de principper" in text


def test_criteria_report_command(review_structure_path, tmp_path):
    res = CliRunner().invoke(
        cli,
        ["review", "criteria", "--structure", str(review_structure_path), "--out", str(tmp_path)],
    )
    assert res.exit_code == 0, res.output
    assert "N2  Netværk Ringen Lille: Afvigelser" in res.output
    assert "4 tjekket, 2 med afvigelser" in res.output
    ws = openpyxl.load_workbook(tmp_path / "kriterietjek.xlsx")["Kriterietjek"]
    rows = list(ws.iter_rows(values_only=True))
    by_id = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_id) == {"S1", "N1", "N2", "N3"}
    assert by_id["N1"]["Resultat"] == "OK" and by_id["N2"]["Resultat"] == "Afvigelser"
    assert "120 børn er under modellens minimum på 200" in by_id["N2"]["Afvigelser"]
    assert by_id["N2"]["Antal børn"] == 120 and by_id["N2"]["Antal institutioner"] == 2


def test_fact_sheets_per_unit(review_structure_path, tmp_path):
    docs = _generate("faktaark", review_structure_path, tmp_path / "fa")
    assert len(docs) == 11
    municipal = _doc(docs, "faktaark-E02-")
    assert "Vuggestuen Molen er en del af Klynge Nordhavn i område Nord." in municipal
    assert "De andre institutioner i klyngen er Børnehuset Havnen." in municipal
    # Dated 8 September 2010 (when the fact sheets were published): no leader is known yet.
    assert "8. september 2010" in municipal
    assert "Klyngelederen udpeges den 1. december 2010." in municipal
    assert "Den pædagogiske leder i Vuggestuen Molen udpeges i uge 50." in municipal
    assert not any("Karen Kommune" in ln or "Mads Mole" in ln for ln in municipal)
    assert "Klyngen får én fælles forældrebestyrelse." in municipal
    assert not any("samme personale" in ln for ln in municipal)
    network = _doc(docs, "faktaark-E06-")
    assert "Hvilket netværk er vores institution en del af?" in network
    assert "Netværket får en fælles koordinator fra den 1. januar 2011." in network
    assert not any("Niels Netværk" in ln for ln in network)
    assert not any("pædagogisk leder" in ln.casefold() for ln in network)
    assert any("selvejende og selv arbejdsgiver" in ln for ln in network)
    assert "Hvad er et netværk?" in network
    assert (
        "De andre institutioner i netværket er Fritidshjemmet Ringen og Vuggestuen Buen." in network
    )
    assert any("beholder sin egen bestyrelse" in ln for ln in network)
    assert "Klyngen får én fælles forældrebestyrelse." not in network
    # After the appointments the structure's names are known.
    later = _generate(
        "faktaark", review_structure_path, tmp_path / "fb", "--set", "dato=2011-01-10"
    )
    assert "Klyngeleder: Karen Kommune" in _doc(later, "faktaark-E02-")
    assert "Pædagogisk leder i Vuggestuen Molen: Mads Mole" in _doc(later, "faktaark-E02-")
    assert "Netværkskoordinator: Niels Netværk" in _doc(later, "faktaark-E06-")


def test_schedule_settings_are_editable_data(review_structure, review_settings):
    from docauto.review.schedule import plan_schedule

    settings = dataclasses.replace(
        review_settings,
        day_start=review_settings.day_start.replace(hour=12),
        day_end=review_settings.day_end.replace(hour=16, minute=0),
    )
    schedule = plan_schedule(review_structure, settings)
    assert {m.start.strftime("%H:%M") for m in schedule.meetings} <= {"12:00", "13:30"}


def test_demo_step(tmp_path):
    from icalendar import Calendar

    from docauto.demo.municipality import DemoContext, demo_structure_path
    from docauto.demo.review import run
    from docauto.structure.model import load_structure

    if not demo_structure_path().exists():
        pytest.skip("demo structure not there yet")
    structure = load_structure(demo_structure_path())
    ctx = DemoContext(out_dir=tmp_path, structure=structure, structure_path=demo_structure_path())
    lines = run(ctx)
    review = tmp_path / "strukturgennemgang"
    # Bilag 3: the self-governing clusters and networks only.
    n = sum(1 for c in structure.clusters.values() if c.is_self_governing)
    assert len(list((review / "kalender").glob("*.ics"))) == n
    assert len(list((review / "invitationer").glob("*.docx"))) == n
    assert len(list((review / "referatskabeloner").glob("*.docx"))) == n
    assert len(list((tmp_path / "handleplaner").glob("*.docx"))) == len(structure.clusters)
    assert len(list((tmp_path / "faktaark").glob("*.docx"))) == len(structure.units)
    (minutes,) = (review / "referater").glob("referat-N004-*.docx")
    assert (
        "Forslag til klubbens forankring | Områdechefen | 31. januar 2013"
        in docx_text(minutes.read_bytes()).body
    )
    (n004,) = (tmp_path / "handleplaner").glob("handleplan-N004-*.docx")
    assert any(
        ln.startswith("Afvigelse: ") and "10-16" in ln for ln in docx_text(n004.read_bytes()).body
    )
    cal = Calendar.from_ical(next((review / "kalender").glob("*.ics")).read_bytes())
    assert len(cal.walk("VEVENT")[0].get("ATTENDEE")) >= 4
    assert any("criteria check" in ln for ln in lines)


def test_demo_schedule_keeps_the_demo_blocked_dates(tmp_path):
    import datetime as dt

    from docauto.demo.municipality import demo_structure_path
    from docauto.resources import data_dir
    from docauto.review.planinput import load_plan_input
    from docauto.review.schedule import plan_schedule
    from docauto.review.settings import load_settings
    from docauto.structure.model import load_structure

    if not demo_structure_path().exists():
        pytest.skip("demo structure not there yet")
    structure = load_structure(demo_structure_path())
    plan = load_plan_input(data_dir() / "demo" / "strukturgennemgang-planlaegning.yaml")
    schedule = plan_schedule(structure, load_settings(), plan)
    assert schedule.meetings and all(m.cluster.is_self_governing for m in schedule.meetings)
    autumn_break = {dt.date(2012, 10, 15) + dt.timedelta(days=i) for i in range(5)}
    assert not [m.id for m in schedule.meetings if m.day in autumn_break]
    valby = [m for m in schedule.meetings if m.cluster.area == "Valby"]
    assert valby and all(not dt.date(2012, 11, 5) <= m.day <= dt.date(2012, 11, 9) for m in valby)
    n009 = [p.name for p in schedule.by_cluster("N009").meeting.participants]
    assert "Lone Olsen" in n009 and "Jakob Jensen" not in n009


def test_proposal_is_the_administrations_and_states_the_deviations(review_structure_path, tmp_path):
    docs = _generate("udspil", review_structure_path, tmp_path / "us")
    bad = _doc(docs, "udspil-N2-")
    assert not any("Områdets vurdering" in ln for ln in bad)
    assert any(ln.startswith("[Forvaltningens vurdering: ") for ln in bad)
    assert any(ln.startswith("[Forvaltningens forslag: ") for ln in bad)
    (stated,) = [ln for ln in bad if "afviger fra" in ln]
    assert stated.startswith("Netværket afviger fra ")
    assert "120 børn er under modellens minimum på 200" in stated
    good = _doc(docs, "udspil-N1-")
    assert not any("afviger fra" in ln for ln in good)
    assert any("opfylder kriterierne i" in ln for ln in good)


def test_criteria_summary_counts_model_a_apart():
    from docauto.commands.review import criteria_summary

    models = load_models()
    us = (Unit("E1", "A", "N9", children=100, age_group="0-6"),)
    results = [
        check_cluster(Cluster("N9", "N", "Nord", "Netværk", "Frie Børnehaver", m, units=us), models)
        for m in ("A", "B", "C")
    ]
    assert criteria_summary(results) == "3 tjekket, 1 med afvigelser, 1 kræver nærmere drøftelser"
    assert criteria_summary(results[1:]) == "2 tjekket, 1 med afvigelser"


@pytest.mark.parametrize(
    ("umbrella", "model", "sentence"),
    [
        (
            "MDI",
            "Forpligtende netværk",
            "Forvaltningen anbefaler MDI's model (forpligtende netværk inspireret af "
            "SESAM-modeller)",
        ),
        (
            "Børneringen",
            "Netværksledelse",
            "Forvaltningen anbefaler Børneringens model for netværksledelse",
        ),
        (
            "Frie Børnehaver",
            "B",
            "Forvaltningen anbefaler Frie Børnehavers model B (model med fælles koordinator i "
            "netværket)",
        ),
        (
            "Frie Børnehaver",
            "A",
            "Frie Børnehavers model A (model med fælles udviklingsleder i netværket) kræver "
            "nærmere drøftelser",
        ),
    ],
)
def test_model_remark_names_the_model_once(umbrella, model, sentence):
    us = (Unit("E1", "A", "N9", children=400, age_group="0-6"),) * 4
    result = check_cluster(
        Cluster("N9", "N", "Nord", "Netværk", umbrella, model, units=us), load_models()
    )
    assert sentence in result.remarks


def test_demo_proposals_read_as_written_by_a_person(tmp_path):
    """The udspil of the demo: the remark on the model names it once, and the deviation
    sentence has a Danish genitive (not "Menighedernes Daginstitutioner (MDI)s")."""
    from docauto.demo.municipality import demo_structure_path

    docs = _generate("udspil", demo_structure_path(), tmp_path / "us")
    lines = [ln for body in docs.values() for ln in body]
    remarks = [ln for ln in lines if ln.startswith("Bemærkning: ")]
    assert remarks
    for ln in remarks:
        for text in ("Forpligtende netværk", "Netværksledelse", "Netværksmodel"):
            assert ln.casefold().count(text.casefold()) <= 1, ln
    assert (
        "Bemærkning: Forvaltningen anbefaler MDI's model (forpligtende netværk inspireret af "
        "SESAM-modeller)" in lines
    )
    stated = [ln for ln in lines if " afviger fra " in ln]
    assert stated and not any(")s model" in ln for ln in stated)
    assert any("afviger fra Menighedernes Daginstitutioners model: " in ln for ln in stated)
