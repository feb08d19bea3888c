"""Office files: the docxtpl-compatible template engine and its checker, PDF through
LibreOffice, template filters, document properties, text of a .docx, safe zip/XML reading."""

__all__ = ["docprops", "docxtext", "engine", "filters", "pdf", "safezip", "templatecheck", "xlsxio"]
