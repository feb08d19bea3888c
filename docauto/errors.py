"""Typed errors. Library code raises these; only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file and, as far as known, the sheet, row, column or part in it."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    part: str | None = None

    def __str__(self) -> str:
        bits = []
        if self.file:
            bits.append(str(self.file))
        if self.sheet:
            bits.append(f"ark '{self.sheet}'")
        if self.row is not None:
            bits.append(f"række {self.row}")
        if self.column:
            bits.append(f"kolonne '{self.column}'")
        if self.part:
            bits.append(self.part)
        return ", ".join(bits)


@dataclass(frozen=True)
class Problem:
    """One finding from validation: where, and what is wrong."""

    location: Location
    message: str

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message


class DocautoError(Exception):
    """Base of every error docauto raises on purpose. exit_code is what the CLI exits with:
    1 the job failed (a check found problems, a document or output could not be made, the
    registry is locked, a mail server failed), 2 the invocation or an input file is wrong
    (UsageError, InputError, ConfigError, PluginError). The same everywhere (docs/cli.md)."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(DocautoError):
    """The command was called the wrong way (exit 2)."""

    exit_code = 2


class InputError(DocautoError):
    """An input file is missing, unreadable, encrypted or corrupt (exit 2)."""

    exit_code = 2


class ValidationError(DocautoError):
    """Input data broke one or more rules; every problem is listed, not only the first."""

    def __init__(self, message: str, problems: list[Problem], *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.problems = list(problems)

    def __str__(self) -> str:
        lines = [super().__str__()]
        lines.extend(f"  - {p}" for p in self.problems)
        return "\n".join(lines)


class StructureError(ValidationError):
    """The municipality's structure data is inconsistent."""


class TemplateError(DocautoError):
    """A template cannot be read, has a syntax error or needs a value the data lacks."""


class PluginError(DocautoError):
    """A plugin or kind is unknown or broken (exit 2: the command named something that is not
    there)."""

    exit_code = 2


class OutputError(DocautoError):
    """An output file cannot be written (open in another program, no permission, ...)."""


class RegistryError(DocautoError):
    """The registry workbook is missing, locked, or not in the expected shape."""


class MissingRegistryError(RegistryError):
    """The registry workbook does not exist (exit 2: the invocation names a file that is not
    there)."""

    exit_code = 2


class MailError(DocautoError):
    """A mail source cannot be read."""


class ConfigError(DocautoError):
    """Configuration or mapping data is invalid (exit 2: an input file is wrong)."""

    exit_code = 2
