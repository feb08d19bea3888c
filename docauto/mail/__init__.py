"""The HR mailbox: sources (dir, IMAP, Graph, EWS), parsing, classification, attachment
readers, authorisation, validation, ingestion into the registry, receipts and `mail watch`."""

__all__ = [
    "authorise",
    "classify",
    "credentials",
    "handle",
    "ingest",
    "message",
    "parallel",
    "quarantine",
    "readers",
    "receipts",
    "sources",
    "state",
    "validate",
    "watch",
]
