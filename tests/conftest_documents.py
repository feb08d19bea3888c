"""Every document the engine renders in any test must be a whole package: each r:id/r:embed
resolves and each relationship's target part exists (docauto.office.packagecheck)."""

from __future__ import annotations

import pytest

from docauto.office.engine import PreparedTemplate
from docauto.office.packagecheck import broken_references


@pytest.fixture(autouse=True)
def _rendered_documents_are_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    render = PreparedTemplate.render

    def checked(self, *args, **kwargs):
        blob = render(self, *args, **kwargs)
        problems = broken_references(blob)
        assert not problems, f"{self.name} rendered to a damaged package: {problems[:3]}"
        return blob

    monkeypatch.setattr(PreparedTemplate, "render", checked)
