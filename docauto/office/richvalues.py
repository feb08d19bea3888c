"""Values that are more than text: pictures, formatted text, listings and sub-documents.

Put one of these in a template's context and ``{{ value }}`` becomes a picture, formatted
runs, or a whole embedded document. They behave like docxtpl's ``InlineImage``,
``RichText``, ``Listing`` and ``Subdoc``, but need no ``DocxTemplate``: the engine adds the
picture parts, link relationships, styles and numbering they need to the document it is
writing, so every relationship a rendered part refers to exists in the output.

From JSON, YAML or a spreadsheet, ``from_data`` turns these objects into them (paths are
relative to the context file)::

    {"billede": "logo.png", "bredde_mm": 40}                       -> a picture
    {"formateret": [{"tekst": "fed", "fed": true}, {"tekst": "link", "link": "https://..."}]}
    {"underdokument": "bilag.docx"}                                 -> an embedded .docx

See docs/template-language.md for the whole contract.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import quote

from docxtpl.listing import Listing
from docxtpl.richtext import RichText as _DocxtplRichText
from docxtpl.richtext import RichTextParagraph

from docauto.errors import InputError, TemplateError

__all__ = [
    "Image",
    "Listing",
    "RichText",
    "RichTextParagraph",
    "Subdoc",
    "from_data",
    "LINK_TOKEN",
]

EMU_PER_MM = 36000
# A RichText link is written with this placeholder as its r:id; the engine replaces it by a
# relationship of the part the text lands in (the same text may land in a header or the body).
LINK_TOKEN = "docauto-link-"
_SESSION: ContextVar[Any] = ContextVar("docauto_render_session", default=None)


def current_session() -> Any:
    session = _SESSION.get()
    if session is None:
        raise TemplateError(
            "et billede, et link eller et underdokument kan kun bruges, når docauto udfylder "
            "en skabelon"
        )
    return session


class Image:
    """A picture placed inline where ``{{ value }}`` stands (body, header or footer).

    ``source`` is a path or the picture's bytes (PNG, JPEG, GIF, BMP, TIFF). Give a width
    and/or a height in millimetres; with one of them the picture keeps its proportions, with
    neither it gets its own size. ``description`` becomes the alternative text.
    """

    def __init__(
        self,
        source: str | Path | bytes,
        width_mm: float | None = None,
        height_mm: float | None = None,
        *,
        description: str = "",
        field: str = "",
        width_emu: int | None = None,
        height_emu: int | None = None,
    ) -> None:
        from docx.image.image import Image as _Info

        label = f"feltet '{field}': " if field else ""
        if isinstance(source, bytes):
            self.blob, self.filename = source, "billede"
        else:
            path = Path(source)
            try:
                self.blob = path.read_bytes()
            except OSError as exc:
                what = "findes ikke" if not path.exists() else f"kan ikke læses ({exc.strerror})"
                raise InputError(f"{label}billedfilen {path} {what}") from None
            self.filename = path.name
        try:
            self.info = _Info.from_blob(self.blob)
        except Exception:
            raise InputError(
                f"{label}{self.filename} er ikke et billede docauto kan indsætte "
                "(brug PNG eller JPEG)"
            ) from None
        for name, value in (("bredde_mm", width_mm), ("hoejde_mm", height_mm)):
            if value is not None and (not isinstance(value, int | float) or value <= 0):
                raise InputError(f"{label}{name} skal være et positivt tal (mm), ikke {value!r}")
        self.width = width_emu if width_emu is not None else _emu(width_mm)
        self.height = height_emu if height_emu is not None else _emu(height_mm)
        self.description = description

    @classmethod
    def from_inline_image(cls, inline: Any) -> Image:
        """docauto's picture for a docxtpl ``InlineImage`` (same file and size)."""
        source = inline.image_descriptor
        if hasattr(source, "read"):
            source.seek(0)
            source = source.read()
        return cls(source, width_emu=inline.width, height_emu=inline.height)

    def size(self) -> tuple[int, int]:
        """(cx, cy) in EMU, keeping the proportions when only one is given."""
        return self.info.scaled_dimensions(self.width, self.height)

    def __html__(self) -> str:
        return current_session().image_xml(self)

    __str__ = __html__

    def __repr__(self) -> str:
        return f"Image({self.filename!r})"


def _emu(mm: float | None) -> int | None:
    return None if mm is None else int(round(mm * EMU_PER_MM))


class RichText(_DocxtplRichText):
    """docxtpl's RichText, with ``url=`` for a link instead of a relationship id made in advance."""

    def add(self, text: Any, *args: Any, url: str | None = None, **props: Any) -> None:
        if url:
            props["url_id"] = LINK_TOKEN + quote(str(url), safe="")
        super().add(text, *args, **props)


class Subdoc:
    """A .docx (a path, its bytes, or a python-docx Document) embedded where ``{{ value }}``
    stands, with its styles, numbering (bullets), tables, pictures and links.

    Put the tag alone in its paragraph as ``{{p value }}``: a sub-document is paragraphs.
    """

    def __init__(self, source: str | Path | bytes | Any, *, field: str = "") -> None:
        self.field = field
        self.document = None
        if isinstance(source, bytes):
            self._blob: bytes | None = source
        elif isinstance(source, str | Path):
            path = Path(source)
            label = f"feltet '{field}': " if field else ""
            try:
                self._blob = path.read_bytes()
            except OSError:
                raise InputError(f"{label}underdokumentet {path} findes ikke") from None
            if not self._blob.startswith(b"PK"):
                raise InputError(f"{label}{path} er ikke et Word-dokument (.docx)")
        else:
            self.document, self._blob = source, None

    def __getattr__(self, name: str) -> Any:
        # sd.add_paragraph(...) etc. as on docxtpl's Subdoc
        document = self.__dict__.get("document")
        if document is None:
            raise AttributeError(name)
        return getattr(document, name)

    def blob(self) -> bytes:
        """The sub-document as .docx bytes (a python-docx Document is saved each time, so
        what was added to it after the Subdoc was made is included)."""
        if self._blob is not None:
            return self._blob
        buf = io.BytesIO()
        self.document.save(buf)
        return buf.getvalue()

    def __html__(self) -> str:
        return current_session().subdoc_xml(self)

    __str__ = __html__


# -- from JSON / YAML / spreadsheet data ------------------------------------------------------

_RUN_PROPS = {  # Danish name in data -> docxtpl RichText.add argument
    "fed": "bold",
    "kursiv": "italic",
    "understreget": "underline",
    "gennemstreget": "strike",
    "farve": "color",
    "fremhaevning": "highlight",
    "fremhævning": "highlight",
    "skrifttype": "font",
    "typografi": "style",
    "hævet": "superscript",
    "saenket": "subscript",
    "sænket": "subscript",
    "link": "url",
}
_ENGLISH = {
    "bold",
    "italic",
    "underline",
    "strike",
    "color",
    "highlight",
    "font",
    "style",
    "superscript",
    "subscript",
    "url",
}


def _run(item: Any, where: str) -> tuple[str, dict[str, Any]]:
    if isinstance(item, str):
        return item, {}
    if not isinstance(item, Mapping):
        raise InputError(f"{where}: et stykke formateret tekst skal være tekst eller et objekt")
    props: dict[str, Any] = {}
    for key, value in item.items():
        if key in ("tekst", "text"):
            continue
        if key in ("størrelse", "stoerrelse", "size_pt"):
            props["size"] = int(round(float(value) * 2))  # Word counts half points
        elif key in _RUN_PROPS or key in _ENGLISH:
            props[_RUN_PROPS.get(key, key)] = value
        else:
            raise InputError(
                f"{where}: ukendt formatering '{key}' (kendte: tekst, "
                + ", ".join(sorted({k for k in _RUN_PROPS if k.isascii()} | {"størrelse"}))
                + ")"
            )
    return str(item.get("tekst", item.get("text", ""))), props


def rich_text(runs: Any, where: str = "") -> RichText:
    """A RichText from data: a text, one run object or a list of them."""
    rt = RichText()
    for item in runs if isinstance(runs, list) else [runs]:
        text, props = _run(item, where)
        rt.add(text, **props)
    return rt


def _size(value: Mapping[str, Any], name: str, where: str) -> float | None:
    raw = value.get(name)
    if raw is None or raw == "":
        return None
    try:
        return float(str(raw).replace(",", "."))
    except ValueError:
        raise InputError(f"{where}: {name} skal være et tal (mm), ikke {raw!r}") from None


def _image(value: Mapping[str, Any], base: Path, where: str) -> Image:
    path = Path(str(value["billede"]))
    if not path.is_absolute():
        path = base / path
    return Image(
        path,
        _size(value, "bredde_mm", where),
        _size(value, "hoejde_mm", where) or _size(value, "højde_mm", where),
        description=str(value.get("beskrivelse", "")),
        field=where,
    )


def from_data(value: Any, base_dir: str | Path, where: str = "") -> Any:
    """Data with picture, formatted-text and sub-document objects made into rich values.

    ``where`` is the field path for messages (``medarbejdere[2].foto``)."""
    if isinstance(value, list):
        return [from_data(v, base_dir, f"{where}[{i}]") for i, v in enumerate(value, start=1)]
    if not isinstance(value, Mapping):
        return value  # the common case, kept cheap: a render list can hold 100,000 values
    if "billede" in value:
        return _image(value, Path(base_dir), where or "billede")
    if "formateret" in value:
        return rich_text(value["formateret"], where or "formateret")
    if "underdokument" in value:
        path = Path(str(value["underdokument"]))
        return Subdoc(path if path.is_absolute() else Path(base_dir) / path, field=where)
    return {
        k: v
        if isinstance(v, str | int | float | bool | None)
        else from_data(v, base_dir, f"{where}.{k}" if where else str(k))
        for k, v in value.items()
    }
