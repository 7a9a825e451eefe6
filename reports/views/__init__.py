"""Reports' staff pages under ``/staff/reports/``, one module per sub-domain: ``runs`` and
``kpis``."""
