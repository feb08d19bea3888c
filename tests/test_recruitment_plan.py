"""The recruitment plan (mappings/rekrutteringsplan.yaml) and its loader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from docauto.errors import ConfigError
from docauto.recruitment.timeline import load_timeline

PLAN = Path(__file__).resolve().parent.parent / "mappings" / "rekrutteringsplan.yaml"


@pytest.mark.parametrize(
    ("role", "kind", "rnd", "subject", "deadline", "weeks"),
    [
        ("cluster_leader", "job_ad", None, "Klyngeleder - Stillingsannonce", "2010-10-01", None),
        (
            "cluster_leader",
            "applicants",
            None,
            "Klyngeleder – Registrering af ansøgningerne",
            "2010-10-15",
            (41,),
        ),
        (
            "cluster_leader",
            "candidates",
            1,
            "Klyngeleder – Registrering af kandidaten",
            "2010-10-22",
            (42,),
        ),
        (
            "cluster_leader",
            "candidates",
            2,
            "Klyngeleder – Registrering af kandidaten 2. runde",
            "2010-11-12",
            (45,),
        ),
        ("cluster_leader", "hires", None, "Klyngeleder – Ansættelser", "2010-12-01", (48,)),
        (
            "pedagogical_leader",
            "job_ad",
            None,
            "Pædagogisk Leder - Stillingsannonce",
            "2010-11-12",
            None,
        ),
        (
            "pedagogical_leader",
            "applicants",
            None,
            "Pædagogisk Leder – Registrering af ansøgningerne",
            "2010-11-26",
            (47,),
        ),
        (
            "pedagogical_leader",
            "unfilled",
            None,
            "Pædagogisk Leder – Registrering af IKKE besatte stillinger",
            "2010-12-03",
            (48,),
        ),
        (
            "pedagogical_leader",
            "hires",
            None,
            "Pædagogiske Leder – Ansættelser",
            "2010-12-17",
            (50,),
        ),
        ("pedagogical_leader", "vacancies", None, None, "2010-11-12", None),
    ],
)
def test_submission_subject_deadline_weeks(role, kind, rnd, subject, deadline, weeks):
    step = load_timeline().submission(role, kind, rnd)
    if subject:
        assert step.subject == subject
    assert step.deadline == dt.date.fromisoformat(deadline)
    if weeks:
        assert step.weeks == weeks
    assert step.submitted_by == "area"


def test_key_dates():
    plan = load_timeline()
    assert plan.year == 2010
    assert plan.mailbox == "jobbank@buf.demokommune.dk"
    cl = plan.timeline("cluster_leader")
    assert cl.posting_date == dt.date(2010, 10, 1)
    assert cl.application_deadline == dt.date(2010, 10, 8)
    assert cl.interview_weeks == (42, 45)
    assert cl.appointment_date == dt.date(2010, 12, 1)
    pl = plan.timeline("pedagogical_leader")
    assert pl.posting_date == dt.date(2010, 11, 15)
    assert pl.application_deadline == dt.date(2010, 11, 22)
    assert pl.interview_weeks == (48,)
    assert pl.appointment_weeks == (50,)


def test_candidates_round_defaults_to_one_and_subject_fallback():
    plan = load_timeline()
    assert plan.submission("cluster_leader", "candidates").round == 1
    assert plan.find_submission("pedagogical_leader", "candidates") is None
    assert (
        plan.subject_for("pedagogical_leader", "candidates", 2)
        == "Pædagogisk Leder – Registrering af kandidaten 2. runde"
    )
    with pytest.raises(ConfigError, match="ingen indsendelse"):
        plan.submission("pedagogical_leader", "candidates")


def test_steps_in_order_and_deadlines_sorted():
    plan = load_timeline()
    ids = [s.id for s in plan.steps("cluster_leader")]
    assert ids.index("ansoegere") < ids.index("kandidat-1") < ids.index("kandidat-2")
    dates = [s.deadline for s in plan.iter_deadlines()]
    assert dates == sorted(dates)
    # Every submission has a deadline except the ongoing senior applications.
    assert len(dates) == len(plan.submissions()) - 1


def _broken(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    edit(data)
    # Dates as text, the way a person would type them in the file.
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["roles"]["cluster_leader"]["steps"][5].update(deadline="2010-02-30"),
            r"roles\.cluster_leader\.steps\[5\] \(ansoegere\)\.deadline: '2010-02-30' er ikke en gyldig dato",
        ),
        (
            lambda d: d["roles"]["cluster_leader"]["steps"][5].update(weeks=[53]),
            r"uge 53 findes ikke i 2010",
        ),
        (
            lambda d: d["roles"]["pedagogical_leader"]["steps"][0].update(kind="vakancer"),
            r"ukendt type 'vakancer'",
        ),
        (
            lambda d: d["roles"]["cluster_leader"]["steps"][6].update(round=3),
            r"kandidat-1\)\.round: kandidater skal have round: 1 eller 2",
        ),
        (lambda d: d["roles"].pop("pedagogical_leader"), r"rollen 'pedagogical_leader' mangler"),
        (
            lambda d: d["roles"]["cluster_leader"]["steps"][8].update(round=1),
            r"'candidates' runde 1 står der to gange",
        ),
    ],
)
def test_invalid_plan_names_file_and_entry(tmp_path, edit, expected):
    path = _broken(tmp_path, edit)
    with pytest.raises(ConfigError, match=expected) as info:
        load_timeline(path)
    assert str(path) in str(info.value)


def test_impossible_date_typed_in_yaml(tmp_path):
    text = PLAN.read_text(encoding="utf-8").replace("deadline: 2010-10-15", "deadline: 2010-10-32")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"ansoegere\)\.deadline: '2010-10-32'"):
        load_timeline(path)
