"""Writes of reports, one module per sub-domain: ``runs`` (report runs and the monthly KPI
pack) and ``kpis`` (closing reporting periods)."""
