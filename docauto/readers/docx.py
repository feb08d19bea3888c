"""Reader plugin: a registration form typed as a table in a Word document (.docx).

The first table whose header row names the form's columns is read; a title row above the
header, merged cells and extra columns are fine.
"""

from __future__ import annotations

import io
from typing import Any

from docauto.errors import InputError
from docauto.hookspecs import hookimpl
from docauto.readers import MAX_ROWS, Merged, ReadResult, no_header_problem, table_result
from docauto.readers.office import check_attachment_zip

EXTENSIONS = ("docx", "docm", "doc")
MAX_TABLES = 50


class DocxReader:
    name = "docx"
    order = 20

    def accepts(self, attachment: Any) -> bool:
        ext = attachment.filename.lower().rsplit(".", 1)[-1] if "." in attachment.filename else ""
        return ext in EXTENSIONS or "wordprocessingml" in attachment.content_type \
            or attachment.content_type == "application/msword"

    def read(self, attachment: Any, kind: str) -> ReadResult:
        import docx

        name = attachment.filename
        check_attachment_zip(attachment.data, name)
        try:
            document = docx.Document(io.BytesIO(attachment.data))
        except Exception as exc:  # noqa: BLE001 - python-docx raises many types
            raise InputError(f"{name}: dokumentet kan ikke åbnes ({type(exc).__name__})",
                             hint="open it in Word, save it as .docx and send it again") from None
        for t_index, table in enumerate(document.tables[:MAX_TABLES], start=1):
            rows = []
            above: list[Any] = []
            for r_index, row in enumerate(table.rows, start=1):
                if r_index > MAX_ROWS + 100:
                    break
                cells: list[Any] = []
                tcs = [cell._tc for cell in row.cells]
                for i, cell in enumerate(row.cells):
                    # python-docx repeats a merged cell for every grid column / row it spans;
                    # only its first occurrence is the row's own value.
                    repeated = (i > 0 and tcs[i] is tcs[i - 1]) or (
                        i < len(above) and tcs[i] is above[i])
                    cells.append(Merged(cell.text) if repeated else cell.text)
                above = tcs
                rows.append((r_index, cells))
            label = f"tabel {t_index}" if len(document.tables) > 1 else ""
            result = table_result(rows, kind, file=name, sheet=label)
            if result is not None:
                return result
        return ReadResult(source=name, file=name, problems=[no_header_problem(name, kind)])


@hookimpl
def docauto_attachment_readers():
    return [DocxReader()]
