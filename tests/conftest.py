"""Shared test set-up. Area-specific fixtures live in conftest_<area>.py modules listed here."""

pytest_plugins: list[str] = [
    "conftest_dovecot",
    "conftest_recorded",
    "conftest_overview",
    "conftest_review",
    "conftest_registry",
    "conftest_recruitment",
    "conftest_documents",
]
