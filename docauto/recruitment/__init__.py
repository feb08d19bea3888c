"""Recruitment of cluster leaders and pedagogical leaders (Bilag 7): the timeline
(``timeline``), roles, job profiles, the area chiefs' ad texts, assessment committees, the
registration forms' columns, and the document kinds in ``recruitment.kinds``."""

__all__ = ["adtexts", "committees", "context", "formspec", "kinds", "profiles", "roles", "timeline"]
