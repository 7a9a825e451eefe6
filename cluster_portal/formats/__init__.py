"""Date formats of the portal's languages (``FORMAT_MODULE_PATH``).

English pages use unambiguous day-month-year dates ("1 Dec 2026", "1 December 2026") instead of
Django's US defaults ("Dec. 1, 2026", "12/01/2026"); Spanish pages use Peru's day/month/year.
Formats not defined here fall back to Django's own for the language.
"""
