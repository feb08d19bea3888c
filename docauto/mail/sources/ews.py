"""Placeholder while the ews source is written."""

from docauto.hookspecs import hookimpl


@hookimpl
def docauto_mail_sources():
    return {}
