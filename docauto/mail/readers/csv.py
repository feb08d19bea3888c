"""Reader plugin: a registration form saved as CSV (Excel's ';' or ',' separated, UTF-8 or
Windows-1252)."""

from __future__ import annotations

import io
from typing import Any

from docauto.errors import InputError
from docauto.hookspecs import hookimpl
from docauto.mail.readers import MAX_ROWS, ReadResult, no_header_problem, table_result

EXTENSIONS = ("csv", "txt", "tsv")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as Danish Excel writes it."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    import csv

    sample = "\n".join(text.splitlines()[:40])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in (";", ",", "\t")}
        return max(counts, key=counts.get) if any(counts.values()) else ";"


class CsvReader:
    name = "csv"
    order = 30

    def accepts(self, attachment: Any) -> bool:
        ext = attachment.filename.lower().rsplit(".", 1)[-1] if "." in attachment.filename else ""
        return ext in EXTENSIONS or attachment.content_type in ("text/csv", "application/csv")

    def read(self, attachment: Any, kind: str) -> ReadResult:
        import csv

        name = attachment.filename
        if b"\x00" in attachment.data[:4096]:
            raise InputError(f"{name}: filen er ikke tekst (CSV)")
        text = decode(attachment.data)
        line = 1
        first, _, rest = text.partition("\n")
        if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
            # Excel's own "sep=;" line names the separator.
            delimiter, text, line = first.strip()[4], rest, 2
        else:
            delimiter = sniff_delimiter(text)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = []
        offset = line - 1
        try:
            for record in reader:
                rows.append((line, record))
                line = offset + reader.line_num + 1
                if len(rows) > MAX_ROWS + 100:
                    break
        except csv.Error as exc:
            raise InputError(f"{name}: CSV-filen kan ikke læses (linje {line}: {exc})") from None
        result = table_result(rows, kind, file=name)
        if result is None:
            return ReadResult(source=name, file=name, problems=[no_header_problem(name, kind)])
        return result


@hookimpl
def docauto_attachment_readers():
    return [CsvReader()]
