"""Reads of reports, one module per sub-domain: ``runs`` and ``kpis``."""
