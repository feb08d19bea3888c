"""The review's document kinds: meetings, local action plans, fact sheets."""

__all__ = ["actionplan", "factsheet", "meetings"]
