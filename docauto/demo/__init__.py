"""The demo municipality (Demokommune) and each domain's demo step (`docauto demo`)."""

__all__ = ["municipality", "overview", "receipts", "recruitment", "registry", "review"]
