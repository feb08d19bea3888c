"""The overview's step of `docauto demo` on the bundled demo mailbox."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

from click.testing import CliRunner

from docauto.cli import cli


def test_demo_overview_step(tmp_path: Path) -> None:
    out = tmp_path / "demo-out"
    result = CliRunner().invoke(
        cli, ["demo", "--out", str(out), "--only", "registry", "--only", "overview"]
    )
    assert result.exit_code == 0, result.output
    hr = out / "hr"
    status = json.loads((hr / "status.json").read_text(encoding="utf-8"))
    assert status["as_of"] == "2010-12-02"
    # The demo mailbox has one candidate wanted by two areas in round 1.
    round1 = [c for c in status["conflicts"] if c["round"] == 1]
    assert [c["email"] for c in round1] == ["mette.andersen@buf.demokommune.dk"]
    assert len(round1[0]["areas"]) == 2
    assert (hr / "oversigt.xlsx").exists() and (hr / "oversigt.docx").exists()
    drafts = sorted((hr / "paamindelser").glob("*.eml"))
    assert drafts and f"{len(drafts)} reminder drafts" in result.output
    msg = email.message_from_bytes(drafts[0].read_bytes(), policy=email.policy.default)
    assert msg["From"].addresses[0].addr_spec == "jobbank@buf.demokommune.dk"
    assert msg["To"].addresses[0].addr_spec.endswith("@buf.demokommune.dk")
