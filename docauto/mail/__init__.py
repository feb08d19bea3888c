"""The mail module: sources (dir, IMAP, Graph, EWS), parsing, classification, ingestion."""
