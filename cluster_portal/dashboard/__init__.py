"""The personal dashboard (``/dashboard/``): what needs the signed-in person, one panel per app.

See :mod:`cluster_portal.dashboard.panels` for the registry later apps extend.
"""
