"""Forms of reports' pages, one module per sub-domain: ``runs`` and ``kpis``."""
