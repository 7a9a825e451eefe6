"""One module per report kind; each registers its ``ReportKindSpec`` in ``reports.catalogue``.

``common`` holds what the kinds share (the filter form's base, labels, money cells).
"""

from . import (  # noqa: F401  (imported for their registration)
    call_proposals,
    call_ranking,
    cluster_kpis,
    impact_ledger,
    member_directory,
    mission_delegation,
    portfolio,
    results_framework,
)
