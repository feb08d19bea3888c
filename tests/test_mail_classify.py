"""Subject classification (REGISTRY.md §1): real-life variants, negatives, CLI, HR's own patterns."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from docauto.cli import cli
from docauto.mail.classify import classification_json, classify, fold
from docauto.resources import mappings_dir

CL, PL = "cluster_leader", "pedagogical_leader"

CASES = [
    # the subjects as the recruitment plan gives them
    ("Klyngeleder - Stillingsannonce", CL, "job_ad", None),
    ("Klyngeleder – Registrering af ansøgningerne", CL, "applicants", None),
    ("Klyngeleder – Registrering af kandidaten", CL, "candidates", 1),
    ("Klyngeleder – Registrering af kandidaten 2. runde", CL, "candidates", 2),
    ("Klyngeleder – Ansættelser", CL, "hires", None),
    ("Pædagogisk Leder - Stillingsannonce", PL, "job_ad", None),
    ("Pædagogisk Leder – Registrering af ansøgningerne", PL, "applicants", None),
    ("Pædagogisk Leder – Registrering af IKKE besatte stillinger", PL, "unfilled", None),
    ("Pædagogiske Leder – Ansættelser", PL, "hires", None),
    ("Pædagogisk leder – Registrering af kandidaten", PL, "candidates", 1),
    # reply / forward prefixes, repeated, any case, with or without colon
    ("SV: Klyngeleder – Registrering af kandidaten 2. runde", CL, "candidates", 2),
    ("VS: Klyngeleder – Ansættelser", CL, "hires", None),
    ("RE: Klyngeleder - Stillingsannonce", CL, "job_ad", None),
    ("Fwd: Pædagogisk Leder - Stillingsannonce", PL, "job_ad", None),
    ("FW: Klyngeleder – Registrering af ansøgningerne", CL, "applicants", None),
    ("AW: Klyngeleder – Registrering af kandidaten", CL, "candidates", 1),
    ("WG: Pædagogisk Leder – Ansættelser", PL, "hires", None),
    ("SV: VS: RE: Klyngeleder – Ansættelser", CL, "hires", None),
    ("sv: sv: sv: Klyngeleder – Ansættelser", CL, "hires", None),
    ("Sv:Vs:Klyngeleder-Ansættelser", CL, "hires", None),
    ("SV Klyngeleder – Ansættelser", CL, "hires", None),
    ("FWD Pædagogisk leder - registrering af ansøgningerne", PL, "applicants", None),
    ("Re[2]: Klyngeleder – Registrering af kandidaten", CL, "candidates", 1),
    ("[EXTERNAL] Klyngeleder – Ansættelser", CL, "hires", None),
    (
        "[EKSTERN] SV: Pædagogisk Leder – Registrering af IKKE besatte stillinger",
        PL,
        "unfilled",
        None,
    ),
    ("VS: [Sikker mail] Klyngeleder - Stillingsannonce", CL, "job_ad", None),
    ("TR: Klyngeleder – Ansættelser", CL, "hires", None),
    # separators: hyphen, en dash, em dash, colon, none
    ("Klyngeleder — Ansættelser", CL, "hires", None),
    ("Klyngeleder: Ansættelser", CL, "hires", None),
    ("Klyngeleder Ansættelser", CL, "hires", None),
    ("Klyngeleder-Registrering af kandidaten", CL, "candidates", 1),
    ("Klyngeleder –Registrering af ansøgningerne", CL, "applicants", None),
    ("Klyngeleder / Stillingsannonce", CL, "job_ad", None),
    ("Klyngeleder – – Stillingsannonce", CL, "job_ad", None),
    # case and spaces
    ("KLYNGELEDER - STILLINGSANNONCE", CL, "job_ad", None),
    ("klyngeleder - stillingsannonce", CL, "job_ad", None),
    ("  Klyngeleder   –   Registrering   af   kandidaten  ", CL, "candidates", 1),
    ("Klyngeleder – Registrering afkandidaten", CL, "candidates", 1),
    ("Klynge leder – Ansættelser", CL, "hires", None),
    ("Klyngeledere – Ansættelser", CL, "hires", None),
    ("Klyngelederstilling – Stillingsannonce", CL, "job_ad", None),
    ("PÆDAGOGISK LEDER – ANSÆTTELSER", PL, "hires", None),
    # the many ways to write pædagogisk
    ("Paedagogisk leder – Ansaettelser", PL, "hires", None),
    ("Pædagogiske ledere – Ansættelser", PL, "hires", None),
    ("Pæd. leder – Registrering af ansøgningerne", PL, "applicants", None),
    ("Pæd leder – Registrering af kandidaten", PL, "candidates", 1),
    ("paed leder - stillingsannonce", PL, "job_ad", None),
    ("Pæd. – Ansættelser", PL, "hires", None),
    ("Pædagogisk – Registrering af IKKE besatte stillinger", PL, "unfilled", None),
    ("Padagogisk leder – Ansattelser", PL, "hires", None),
    # ae/oe/aa spellings
    ("Klyngeleder – Ansaettelser", CL, "hires", None),
    ("Klyngeleder – Registrering af ansoegningerne", CL, "applicants", None),
    ("Klyngeleder – Registrering af ansogningerne", CL, "applicants", None),
    ("Klyngeleder – Registrering af ansøgere", CL, "applicants", None),
    ("Paedagogiske leder – Registrering af ansoegninger", PL, "applicants", None),
    # RFC 2047 encoded subjects
    ("=?utf-8?q?Klyngeleder_=E2=80=93_Ans=C3=A6ttelser?=", CL, "hires", None),
    ("=?iso-8859-1?b?UOZkYWdvZ2lzayBMZWRlciAtIFN0aWxsaW5nc2Fubm9uY2U=?=", PL, "job_ad", None),
    ("=?ISO-8859-1?Q?SV:_P=E6dagogisk_Leder_-_Ans=E6ttelser?=", PL, "hires", None),
    (
        "SV: =?utf-8?b?S2x5bmdlbGVkZXIg4oCTIFJlZ2lzdHJlcmluZyBhZiBrYW5kaWRhdGVu?= 2. runde",
        CL,
        "candidates",
        2,
    ),
    # text after the kind
    ("Klyngeleder – Ansættelser – Klynge Amager Strand", CL, "hires", None),
    ("Klyngeleder – Registrering af kandidaten (rettet)", CL, "candidates", 1),
    ("Klyngeleder - Stillingsannonce Klynge Nordvest (ny version)", CL, "job_ad", None),
    ("Pædagogisk Leder – Registrering af ansøgningerne, Område Valby", PL, "applicants", None),
    ("Klyngeleder – Registrering af kandidaten 2. runde (rettet)", CL, "candidates", 2),
    # rounds
    ("Klyngeleder – Registrering af kandidaten runde 2", CL, "candidates", 2),
    ("Klyngeleder – Registrering af kandidaten 2.runde", CL, "candidates", 2),
    ("Klyngeleder – Registrering af kandidaten anden runde", CL, "candidates", 2),
    ("Klyngeleder – Registrering af kandidaten, 2 runde", CL, "candidates", 2),
    ("Klyngeleder – Registrering af kandidaten 1. runde", CL, "candidates", 1),
    ("Klyngeleder – Registrering af kandidaten første runde", CL, "candidates", 1),
    ("Klyngeleder – Registrering af kandidaterne 2. samtalerunde", CL, "candidates", 2),
    ("Klyngeleder – Registrering af kandidaten - Runde 2", CL, "candidates", 2),
    ("Klyngeleder – Registrering af kandidaten RUNDE2", CL, "candidates", 2),
    ("Klyngeleder – Registrering af kandidaten, runde nr. 2", CL, "candidates", 2),
    ("Klyngeleder – Registrering af kandidaten II. runde", CL, "candidates", 2),
    ("Klyngeleder – Registrering af kandidaten efter 2. interviewrunde", CL, "candidates", 2),
    ("Runde 2: Klyngeleder – Registrering af kandidaten", CL, "candidates", 2),
    ("Pædagogisk Leder – Registrering af IKKE besatte stillinger 2. runde", PL, "unfilled", None),
    # unfilled vs hires
    ("Klyngeleder – Registrering af IKKE besatte stillinger", CL, "unfilled", None),
    ("Pædagogisk leder – Registrering af ikke-besatte stillinger", PL, "unfilled", None),
    ("Pædagogisk leder – ikke besatte", PL, "unfilled", None),
    ("Pædagogisk leder – Ubesatte stillinger", PL, "unfilled", None),
    ("Pædagogisk leder – Registrering af besatte stillinger", PL, "hires", None),
    # vacancies and senior arrangements
    ("Indberetning af vakante stillinger", None, "vacancies", None),
    ("Pædagogisk leder – Indberetning af vakante stillinger", PL, "vacancies", None),
    ("SV: Vakante stillinger fra ansættelsesstop", None, "vacancies", None),
    ("Ansøgning om seniorordning", None, "senior", None),
    ("Klyngeleder – Ansøgning om seniorordning", CL, "senior", None),
    ("VS: Ansøgninger om Seniorordning ifbm. klyngelederstillinger", CL, "senior", None),
    ("Ansoegning om seniorordning", None, "senior", None),
]

UNSURE = [
    "",
    "   ",
    "Hej",
    "SV: Møde i næste uge",
    "Klyngeleder",
    "SV: Pædagogisk leder",
    "Registrering af ansøgningerne",  # no role
    "Ansættelser",  # no role
    "Registrering af kandidaten 2. runde",  # no role
    "Klyngeleder og pædagogisk leder – Ansættelser",  # both roles
    "Klyngeleder – Pædagogisk leder – Stillingsannonce",  # both roles
    "Klyngeleder – Stillingsannonce og ansættelser",  # two kinds
    "Klyngeleder – Registrering af ansøgningerne og kandidaten",  # two kinds
    "Klyngeleder – Registrering af kandidaten 3. runde",  # an unknown round
    "Klyngeleder – Registrering af kandidaten 1. runde og 2. runde",  # two rounds
    "Klyngeleder – Registrering af kandidaten runde nr. 4",  # an unknown round
    "Undelivered Mail Returned to Sender",
    "Automatisk svar: Klyngeleder",
    # automatic replies, our own receipts and bounces: answering them would loop
    "Automatisk svar: Kvittering: Klyngeleder – Ansættelser",
    "Kvittering: Klyngeleder – Registrering af kandidaten",
    "SV: Kvittering: Pædagogisk Leder – Stillingsannonce",
    "Out of Office: Klyngeleder – Ansættelser",
    "Abwesenheitsnotiz: Klyngeleder – Ansættelser",
    "Ikke leveret: Klyngeleder – Registrering af ansøgningerne",
    "Undeliverable: Klyngeleder – Ansættelser",
    "=?NONE?B?VEVTVA=?=",
    "Klyngeledermøde torsdag",
    "Ansættelsesstop",
]


@pytest.mark.parametrize(("subject", "role", "kind", "round_"), CASES, ids=[c[0] for c in CASES])
def test_classify_real_life_subjects(subject, role, kind, round_):
    assert classification_json(subject) == {
        "subject": subject,
        "role": role,
        "kind": kind,
        "round": round_,
    }


@pytest.mark.parametrize("subject", UNSURE)
def test_unsure_subjects_are_all_null(subject):
    c = classify(subject)
    assert (c.role, c.kind, c.round) == (None, None, None)


def test_table_is_big_enough():
    assert len(CASES) + len(UNSURE) >= 80
    assert {k for _, _, k, _ in CASES} == {
        "job_ad",
        "applicants",
        "candidates",
        "unfilled",
        "hires",
        "vacancies",
        "senior",
    }


def test_fold_makes_danish_spellings_equal():
    assert fold("Ansættelser") == fold("Ansaettelser") == fold("ANSATTELSER")
    assert fold("Ansøgningerne") == fold("ansoegningerne") == fold("ansogningerne")
    assert fold("Pædagogisk") == fold("Paedagogisk")


def test_cli_json_one_object_per_line_in_input_order():
    subjects = [s for s, *_ in CASES[:12]] + UNSURE[2:5]
    result = CliRunner().invoke(cli, ["mail", "classify", *subjects, "--json"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == len(subjects)
    objects = [json.loads(line) for line in lines]
    assert [o["subject"] for o in objects] == subjects
    for obj, (_, role, kind, round_) in zip(objects[:12], CASES[:12], strict=True):
        assert (obj["role"], obj["kind"], obj["round"]) == (role, kind, round_)
        assert set(obj) == {"subject", "role", "kind", "round"}
    assert all(o["role"] is None and o["kind"] is None and o["round"] is None for o in objects[12:])


def test_cli_table_without_json():
    result = CliRunner().invoke(
        cli, ["mail", "classify", "SV: Klyngeleder – Registrering af kandidaten 2. runde", "Hej"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["rolle", "type", "runde", "emne"]
    assert lines[1].split()[:3] == ["cluster_leader", "candidates", "2"]
    assert lines[2].split()[:3] == ["-", "-", "-"]


def test_cli_needs_a_subject():
    result = CliRunner().invoke(cli, ["mail", "classify"])
    assert result.exit_code == 2


def test_hr_adds_a_pattern_in_their_own_mappings(tmp_path, monkeypatch):
    subject = "Klyngeleder – Oversigt over nyansatte"
    assert classify(subject).kind is None
    folder = tmp_path / "mappings"
    shutil.copytree(mappings_dir(), folder)
    patterns = folder / "emner.yaml"
    text = patterns.read_text(encoding="utf-8")
    anchor = "      - nyansættelser\n"
    assert anchor in text
    patterns.write_text(
        text.replace(anchor, anchor + "      - oversigt over nyansat*\n"), encoding="utf-8"
    )
    monkeypatch.setenv("DOCAUTO_MAPPINGS", str(folder))
    assert classification_json(subject)["kind"] == "hires"
    result = CliRunner().invoke(cli, ["mail", "classify", subject, "--json"])
    assert json.loads(result.output)["kind"] == "hires"
    # Back on the bundled patterns, the new phrase is unknown again (the cache is per file).
    monkeypatch.delenv("DOCAUTO_MAPPINGS")
    assert classify(subject).kind is None


def test_hr_regex_pattern_and_bad_pattern_file(tmp_path, monkeypatch):
    from docauto.errors import ConfigError

    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "emner.yaml").write_text(
        "roles:\n  cluster_leader: [klyngeleder*]\n"
        "kinds:\n  hires:\n    phrases:\n      - {regex: 'ansat+e'}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DOCAUTO_MAPPINGS", str(folder))
    assert classify("Klyngeleder: de ansatte").kind == "hires"
    (folder / "emner.yaml").write_text("kinds:\n  hiring: [x]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="ukendt type 'hiring'"):
        classify("Klyngeleder: x")


def test_kept_classifications_are_those_of_a_fresh_read(monkeypatch):
    """classify keeps what it decided per subject: asked again, every subject of the table
    gets what the patterns give it read anew, and the kept set stays bounded."""
    from docauto.mail import classify as C

    patterns = C.load_patterns()
    subjects = [case[0] for case in CASES]
    first = [classify(s, patterns) for s in subjects]
    assert set(subjects) <= set(patterns.known)
    again = [classify(s, patterns) for s in subjects]
    fresh = [C._classify(s, patterns) for s in subjects]
    assert first == again == fresh
    monkeypatch.setattr(C, "MAX_KNOWN_SUBJECTS", len(patterns.known))
    classify("Et helt nyt emne 12345", patterns)
    assert "Et helt nyt emne 12345" not in patterns.known
