"""The municipality's structure (areas, clusters, networks, units) and its export kind."""

__all__ = ["export", "model"]
