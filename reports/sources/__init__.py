"""One module per report kind; each registers its ``ReportKindSpec`` in ``reports.catalogue``."""
