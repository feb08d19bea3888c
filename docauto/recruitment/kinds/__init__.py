"""The recruitment's document kinds: job ads, committee letters, registration forms."""

__all__ = ["committee", "forms", "jobad"]
