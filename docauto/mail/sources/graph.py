"""Placeholder while the graph source is written."""

from docauto.hookspecs import hookimpl


@hookimpl
def docauto_mail_sources():
    return {}
