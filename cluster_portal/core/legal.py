"""The versions of the legal texts people accept.

Peru's personal data protection law (Ley 29733) and its regulation ask that consent be
prior, express, informed and provable: the portal records, on the person, *when* they accepted
and *which version* of the privacy notice they were shown. The notice page shows this version;
whoever changes the notice's substance raises it (the text of every version stays in the
repository's history, so what a person accepted can always be produced).
"""

from __future__ import annotations

import datetime

#: The version of the privacy notice (``/privacy/``) that sign-up asks people to accept.
PRIVACY_NOTICE_VERSION = "2026-12-01"
#: The day that version took effect (shown on the notice).
PRIVACY_NOTICE_DATE = datetime.date(2026, 12, 1)

#: The version of the terms of use (``/terms/``) and the day it took effect.
TERMS_VERSION = "2026-12-01"
TERMS_DATE = datetime.date(2026, 12, 1)
