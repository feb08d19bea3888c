"""docauto: document automation for the Children and Youth Administration's recruitment."""

__version__ = "0.1.0"
