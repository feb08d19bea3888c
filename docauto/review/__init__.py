"""The structural review of clusters and networks (autumn 2012) and the local action plans.

``settings``: the editable texts and settings; ``context``/``source``: the documents' data;
``planinput``: the planner's input file; ``schedule``: the meeting planner (pure,
deterministic); ``ics``: calendar invitations; ``workbook``: the schedule as a workbook and
back; ``criteria``: networks against their umbrella organisation's model; ``minutes``: the
minutes form, read back.
"""

__all__ = [
    "context",
    "criteria",
    "ics",
    "kinds",
    "minutes",
    "planinput",
    "schedule",
    "settings",
    "source",
    "workbook",
]
