"""The review meeting planner: no clashes, no weekends or holidays, blocked dates, bad input,
the workbook and the .ics files (parsed back with icalendar)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import holidays
import openpyxl
import pytest
from click.testing import CliRunner
from icalendar import Calendar

from docauto.cli import cli
from docauto.errors import ValidationError
from docauto.review.planinput import load_plan_input
from docauto.review.schedule import ScheduleError, clashes, plan_schedule

SELF_GOVERNING = {"S1", "N1", "N2", "N3"}


def _overlap(a, b) -> bool:
    return a.day == b.day and a.starts < b.ends and b.starts < a.ends


def _assert_no_shared_participant(schedule) -> None:
    ms = schedule.meetings
    for i, a in enumerate(ms):
        for b in ms[i + 1 :]:
            if _overlap(a, b):
                shared = {p.key for p in a.meeting.participants} & {
                    p.key for p in b.meeting.participants
                }
                assert not shared, f"{a.id} and {b.id} share {shared}"


def test_one_meeting_per_self_governing_cluster_and_network(review_structure, review_settings):
    schedule = plan_schedule(review_structure, review_settings)
    assert {m.cluster.id for m in schedule.meetings} == SELF_GOVERNING
    for m in schedule.meetings:
        assert (m.ends - m.starts) == dt.timedelta(minutes=90)
        assert dt.time(9, 0) <= m.start and m.end <= dt.time(15, 30)
        assert review_settings.start <= m.day <= review_settings.end
    _assert_no_shared_participant(schedule)
    assert clashes(schedule) == []


def test_participants_follow_the_rules(review_structure, review_settings):
    schedule = plan_schedule(review_structure, review_settings)
    by_id = {m.cluster.id: [p.name for p in m.meeting.participants] for m in schedule.meetings}
    for names in by_id.values():
        assert "Projektledelsen Ny institutionsstruktur" in names and "BUPL" in names
    assert (
        "Bent Syd" in by_id["S1"] and "Sofie Selv" in by_id["S1"] and "Anna Nord" not in by_id["S1"]
    )
    # a network: the coordinator plus the first other unit leader (by unit id)
    assert by_id["N1"][2:] == ["Anna Nord", "Niels Netværk", "Carla Cirkel"]
    assert by_id["N3"][2:] == ["Bent Syd", "Frede Fri", "Flemming Fløjte"]


def test_network_representative_from_the_input_file(review_structure, review_settings, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("netværksrepræsentanter:\n  N1: Vuggestuen Buen\n", encoding="utf-8")
    schedule = plan_schedule(review_structure, review_settings, load_plan_input(path))
    names = [p.name for p in schedule.by_cluster("N1").meeting.participants]
    assert "Bo Bue" in names and "Carla Cirkel" not in names


def test_unknown_network_representative_is_an_error(review_structure, review_settings, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("netværksrepræsentanter:\n  N1: Carla Cirkell\n", encoding="utf-8")
    with pytest.raises(ScheduleError) as exc:
        plan_schedule(review_structure, review_settings, load_plan_input(path))
    assert "Carla Cirkell" in str(exc.value) and "Carla Cirkel" in str(exc.value).replace(
        "Carla Cirkell", ""
    )


def test_municipal_clusters_on_request(review_structure, review_settings, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("kommunale_klynger: [K1]\n", encoding="utf-8")
    schedule = plan_schedule(review_structure, review_settings, load_plan_input(path))
    assert {m.cluster.id for m in schedule.meetings} == SELF_GOVERNING | {"K1"}
    k1 = [p.name for p in schedule.by_cluster("K1").meeting.participants]
    assert "Karen Kommune" in k1 and "Anna Nord" in k1


@pytest.mark.parametrize(
    "start,end",
    [
        (dt.date(2013, 3, 25), dt.date(2013, 4, 5)),  # Easter 2013
        (dt.date(2012, 12, 20), dt.date(2013, 1, 4)),  # Christmas and New Year
        (dt.date(2013, 5, 6), dt.date(2013, 5, 24)),  # Store bededag, Ascension, Whit Monday
        (dt.date(2013, 6, 3), dt.date(2013, 6, 7)),  # Grundlovsdag
    ],
)
def test_never_on_weekends_or_danish_holidays(
    review_structure, review_settings, tmp_path, start, end
):
    # Many meetings in a short window: all municipal clusters too, and no fixed participants,
    # so the planner fills days densely and would hit a holiday if it did not skip them.
    settings = dataclasses.replace(review_settings, start=start, end=end)
    path = tmp_path / "plan.yaml"
    path.write_text("kommunale_klynger: alle\n", encoding="utf-8")
    schedule = plan_schedule(review_structure, settings, load_plan_input(path))
    # the settings also keep the optional days free (Christmas Eve, New Year's Eve, Grundlovsdag)
    closed = holidays.Denmark(years=[start.year, end.year], categories=("public", "optional"))
    assert schedule.meetings
    for m in schedule.meetings:
        assert m.day.weekday() < 5, m
        assert m.day not in closed, (m.id, m.day, closed.get(m.day))


def test_parallel_meetings_never_share_a_participant(review_structure, review_settings, tmp_path):
    # Without the project management and BUPL at every meeting, meetings may run in
    # parallel; the area chief and shared leaders must still never be double-booked.
    settings = dataclasses.replace(
        review_settings, fixed=(), start=dt.date(2012, 9, 3), end=dt.date(2012, 9, 3)
    )
    path = tmp_path / "plan.yaml"
    path.write_text("kommunale_klynger: alle\n", encoding="utf-8")
    schedule = plan_schedule(review_structure, settings, load_plan_input(path))
    assert len(schedule.meetings) == 5
    assert any(_overlap(a, b) for a in schedule.meetings for b in schedule.meetings if a is not b)
    _assert_no_shared_participant(schedule)


def test_same_input_same_schedule(review_structure, review_settings, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("blokerede_datoer:\n  BUPL: ['2012-09-03..2012-09-21']\n", encoding="utf-8")
    runs = [
        [
            (m.id, m.day, m.start)
            for m in plan_schedule(
                review_structure, review_settings, load_plan_input(path)
            ).meetings
        ]
        for _ in range(3)
    ]
    assert runs[0] == runs[1] == runs[2]


def test_blocked_dates_are_respected(review_structure, review_settings, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(
        "blokerede_datoer:\n"
        "  BUPL: ['2012-09-01..2012-10-31']\n"
        "  Anna Nord: ['03.09.2012', '2012-11-01..2012-11-26']\n",
        encoding="utf-8",
    )
    schedule = plan_schedule(review_structure, review_settings, load_plan_input(path))
    assert all(m.day >= dt.date(2012, 11, 1) for m in schedule.meetings)
    anna = [m for m in schedule.meetings if "Anna Nord" in [p.name for p in m.meeting.participants]]
    assert anna and all(m.day > dt.date(2012, 11, 26) for m in anna)


def test_participant_blocked_on_every_day_is_named(review_structure, review_settings, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(
        "blokerede_datoer:\n  Frede Fri: ['2012-09-01..2012-11-30']\n", encoding="utf-8"
    )
    with pytest.raises(ScheduleError) as exc:
        plan_schedule(review_structure, review_settings, load_plan_input(path))
    assert "Frede Fri" in str(exc.value) and "alle arbejdsdage" in str(exc.value)


def test_unknown_participant_in_blocked_dates(review_structure, review_settings, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("blokerede_datoer:\n  Frede Frii: ['2012-09-03']\n", encoding="utf-8")
    with pytest.raises(ScheduleError) as exc:
        plan_schedule(review_structure, review_settings, load_plan_input(path))
    assert "ukendt deltager 'Frede Frii'" in str(exc.value) and "Frede Fri?" in str(exc.value)


@pytest.mark.parametrize(
    "value", ["2012-11-31", "31.11.2012", "31. november 2012", "2012-02-30..2012-03-02"]
)
def test_impossible_date_in_yaml_is_named(tmp_path, value):
    path = tmp_path / "plan.yaml"
    path.write_text(f"blokerede_datoer:\n  BUPL: ['2012-09-03', '{value}']\n", encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        load_plan_input(path)
    msg = str(exc.value)
    assert value.split("..")[0] in msg and "BUPL" in msg and "plan.yaml" in msg
    assert "har kun" in msg


def test_impossible_date_unquoted_in_yaml(tmp_path):
    # Unquoted, YAML itself would try to make a date of it; the error must still name it.
    path = tmp_path / "plan.yaml"
    path.write_text("blokerede_datoer:\n  BUPL: [2012-11-31]\n", encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        load_plan_input(path)
    assert "'2012-11-31'" in str(exc.value) and "november 2012 har kun 30 dage" in str(exc.value)
    assert "plan.yaml, linje 2, blokerede_datoer, deltager 'BUPL'" in str(exc.value)


def test_cli_json_and_dry_run_write_nothing(review_structure_path, tmp_path):
    import json

    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli,
        [
            "review",
            "schedule",
            "--structure",
            str(review_structure_path),
            "--out",
            str(out),
            "--dry-run",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert sorted(r["cluster"] for r in rows) == sorted(SELF_GOVERNING)
    assert all(r["end"] > r["start"] and "BUPL" in r["participants"] for r in rows)
    assert not out.exists()


def test_impossible_date_in_workbook_names_sheet_and_row(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Blokerede datoer"
    ws.append(["Deltager", "Fra", "Til"])
    ws.append(["BUPL", dt.date(2012, 9, 3), dt.date(2012, 9, 7)])
    ws.append(["Anna Nord", "31.11.2012", None])
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    with pytest.raises(ValidationError) as exc:
        load_plan_input(path)
    problem = exc.value.problems[0]
    assert problem.location.sheet == "Blokerede datoer" and problem.location.row == 3
    assert "31.11.2012" in problem.message


def test_workbook_input_blocks_dates(review_structure, review_settings, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Blokerede datoer"
    ws.append(["Deltager", "Fra", "Til"])
    ws.append(["BUPL", dt.date(2012, 9, 1), dt.date(2012, 11, 15)])
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    schedule = plan_schedule(review_structure, review_settings, load_plan_input(path))
    assert min(m.day for m in schedule.meetings) >= dt.date(2012, 11, 16)


def test_cli_too_short_window_says_how_many_and_writes_nothing(review_structure_path, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "review",
            "schedule",
            "--structure",
            str(review_structure_path),
            "--out",
            str(out),
            "--from",
            "2012-09-03",
            "--to",
            "2012-09-03",
            "--hours",
            "09:00-12:00",
        ],
    )
    assert result.exit_code == 1
    assert "2 af 4 møder kan ikke placeres" in result.output
    assert not out.exists()


def test_cli_impossible_window_date(review_structure_path, tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "review",
            "schedule",
            "--structure",
            str(review_structure_path),
            "--out",
            str(tmp_path / "o"),
            "--to",
            "2012-11-31",
        ],
    )
    assert result.exit_code == 2
    assert "2012-11-31" in result.output


def _read_plan(path: Path) -> list[dict]:
    wb = openpyxl.load_workbook(path)
    ws = wb["Mødeplan"]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_cli_writes_workbook_and_ics_with_attendees(
    review_structure_path, review_structure, review_settings, tmp_path
):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["review", "schedule", "--structure", str(review_structure_path), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    expected = plan_schedule(review_structure, review_settings)
    rows = _read_plan(out / "mødeplan.xlsx")
    assert [(r["Klynge-ID"], r["Dato"].date(), r["Start"]) for r in rows] == [
        (m.cluster.id, m.day, m.start)
        for m in expected.meetings  # real time cells
    ]
    ics_files = sorted((out / "kalender").glob("*.ics"))
    assert len(ics_files) == 4
    uids = set()
    for path in ics_files:
        cal = Calendar.from_ical(path.read_bytes())
        assert str(cal["METHOD"]) == "REQUEST"
        assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
        (event,) = cal.walk("VEVENT")
        cid = path.name.split("-")[1]
        meeting = expected.by_cluster(cid)
        start = event.decoded("DTSTART")
        assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Copenhagen"
        assert start.replace(tzinfo=None) == meeting.starts
        assert event.decoded("DTEND").replace(tzinfo=None) == meeting.ends
        assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
        attendees = event.get("ATTENDEE")
        attendees = attendees if isinstance(attendees, list) else [attendees]
        got = sorted(str(a).removeprefix("mailto:").lower() for a in attendees)
        assert got == sorted(p.email.lower() for p in meeting.meeting.participants if p.email)
        assert "bupl.ftr@buf.demokommune.dk" in got
        uids.add(str(event["UID"]))
    assert len(uids) == 4


def test_uid_stays_when_the_meeting_moves(review_structure, review_settings):
    from docauto.review.ics import meeting_ics

    a = plan_schedule(review_structure, review_settings).by_cluster("N2")
    later = dataclasses.replace(review_settings, start=dt.date(2012, 10, 1))
    b = plan_schedule(review_structure, later).by_cluster("N2")
    assert a.day != b.day
    uid = [
        str(Calendar.from_ical(meeting_ics(m, review_settings, [])).walk("VEVENT")[0]["UID"])
        for m in (a, b)
    ]
    assert uid[0] == uid[1]


def test_schedule_workbook_edited_by_hand_is_used(review_structure_path, tmp_path):
    from docauto.office.docxtext import docx_text

    out = tmp_path / "out"
    runner = CliRunner()
    assert (
        runner.invoke(
            cli,
            ["review", "schedule", "--structure", str(review_structure_path), "--out", str(out)],
        ).exit_code
        == 0
    )
    wb = openpyxl.load_workbook(out / "mødeplan.xlsx")
    ws = wb["Mødeplan"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[header.index("Klynge-ID")].value == "N2":
            row[header.index("Dato")].value = dt.datetime(2012, 11, 29)
            row[header.index("Start")].value = "13:30"
            row[header.index("Slut")].value = "15:00"
    wb.save(out / "mødeplan.xlsx")
    res = runner.invoke(
        cli,
        [
            "generate",
            "dagsorden",
            "--structure",
            str(review_structure_path),
            "--data",
            str(out / "mødeplan.xlsx"),
            "--out",
            str(tmp_path / "inv"),
            "--only",
            "N2",
        ],
    )
    assert res.exit_code == 0, res.output
    (doc,) = (tmp_path / "inv").glob("*.docx")
    text = docx_text(doc.read_bytes()).all
    assert "torsdag den 29. november 2012" in text and "kl. 13.30-15.00" in text


def test_demo_structure_schedule(review_settings):
    from docauto.demo.municipality import demo_structure_path
    from docauto.structure.model import load_structure

    path = demo_structure_path()
    if not path.exists():
        pytest.skip("demo structure not there yet")
    structure = load_structure(path)
    schedule = plan_schedule(structure, review_settings)
    expected = {c.id for c in structure.clusters.values() if c.is_self_governing}
    assert {m.cluster.id for m in schedule.meetings} == expected
    _assert_no_shared_participant(schedule)
    closed = holidays.Denmark(years=2012)
    assert all(m.day.weekday() < 5 and m.day not in closed for m in schedule.meetings)


def test_cli_municipal_cluster_on_request(review_structure_path, tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli,
        [
            "review",
            "schedule",
            "--structure",
            str(review_structure_path),
            "--out",
            str(out),
            "--municipal",
            "K1",
        ],
    )
    assert res.exit_code == 0, res.output
    assert sorted(r["Klynge-ID"] for r in _read_plan(out / "mødeplan.xlsx")) == sorted(
        SELF_GOVERNING | {"K1"}
    )
    res = CliRunner().invoke(
        cli,
        [
            "review",
            "schedule",
            "--structure",
            str(review_structure_path),
            "--out",
            str(tmp_path / "o2"),
            "--municipal",
            "K99",
        ],
    )
    assert res.exit_code == 1 and "ukendt klynge 'K99'" in res.output
