"""The letters' step of `docauto demo` (issue 14): every new document kind, on the demo
registry."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from click.testing import CliRunner

from docauto.cli import cli


def test_demo_letters_step_makes_every_new_kind(tmp_path: Path) -> None:
    from docauto.office.docxtext import docx_text

    out = tmp_path / "demo-out"
    result = CliRunner().invoke(
        cli, ["demo", "--out", str(out), "--only", "registry", "--only", "letters"]
    )
    assert result.exit_code == 0, result.output
    breve = out / "breve"
    for kind in (
        "omraademoeder",
        "ansoegningskvitteringer",
        "ansoegerfortegnelser",
        "samtaleplaner",
        "samtaleindkaldelser",
        "seniorskemaer",
        "afslagsbreve",
        "ansaettelsesbreve",
        "stillingsopslag",
    ):
        assert f"{kind}: " in result.output
    assert sorted(p.suffix for p in (breve / "omraademoeder").iterdir()) == [
        ".docx",
        ".docx",
        ".docx",
        ".ics",
        ".ics",
    ]
    case_list = "\n".join(
        docx_text((breve / "omraademoeder" / "sagsliste-opfoelgningsmoede.docx").read_bytes()).body
    )
    # The demo mailbox's candidate wanted by two areas in round 1.
    assert "mette.andersen@buf.demokommune.dk" in case_list
    _plans_book_nobody_twice(sorted((breve / "samtaleplaner").glob("*.xlsx")))
    invitations = sorted((breve / "samtaleindkaldelser").glob("*.eml"))
    plans = sorted((breve / "samtaleplaner").glob("*.xlsx"))
    assert invitations and plans
    msg = email.message_from_bytes(invitations[0].read_bytes(), policy=email.policy.default)
    assert msg["From"].addresses[0].addr_spec.endswith("@buf.demokommune.dk")
    assert "Indkaldelse til ansættelsessamtale" in msg["Subject"]
    for folder in ("kvitteringer", "afslag", "ansaettelser"):
        docs = sorted((breve / folder).glob("*.docx"))
        emls = sorted((breve / folder).glob("*.eml"))
        assert docs and len(emls) == len(docs)
    assert sorted((breve / "genopslag").glob("genopslag-klyngeleder-*.docx"))
    # HR's working copy of the registry is not among the letters to send.
    assert not list((breve / "genopslag").glob("*.xlsx*"))
    assert (out / "hr" / "genopslag" / "register-genopslag.xlsx").is_file()
    assert len(list((breve / "seniorordning").glob("seniorordning-*.xlsx"))) == 8  # one per area


def _plans_book_nobody_twice(plans: list[Path]) -> None:
    """The demo's filled plans: each area in its own office, no person twice at one time."""
    import openpyxl

    seen: dict[tuple, str] = {}
    areas = set()
    for path in plans:
        ws = openpyxl.load_workbook(path)["Samtaler"]
        mails = [r[6] for r in ws.iter_rows(min_row=5, values_only=True) if r[6]]
        assert ws.column_dimensions["G"].width > max(len(m) for m in mails)  # shown whole
        assert ws["H5"].number_format == "dd.mm.yyyy" and ws["I5"].number_format == "hh.mm"
        for row in ws.iter_rows(min_row=5, values_only=True):
            if not row[5]:
                continue
            areas.add(row[1])
            assert row[9] == f"Områdekontoret i {row[1]}, mødelokale 2"
            key = (row[6], row[7], row[8])
            assert key not in seen, f"{row[5]} i {path.name} og {seen[key]}"
            seen[key] = path.name
    assert len(areas) >= 2 and seen
