"""The review's document kinds: meetings, local action plans, fact sheets, the proposals before the meetings."""

__all__ = ["actionplan", "factsheet", "meetings", "proposal"]
