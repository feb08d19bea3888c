"""HR's overview of the registry (REGISTRY.md §5, DOMAIN.md): status per area, conflicts,
what each area still owes and by when, reminders, the HR report, and applicant data
protection (purge, export of one person, the audit log).

Everything here reads the registry through ``docauto.registry`` (B's schema and readers) and
the recruitment plan through ``docauto.plan``; nothing here prints or exits.
"""
