"""The staff area's own pages: the staff home (``/staff/``) and staff role management
(``/staff/roles/``). Each app's staff pages live in the app (``members/views/staff/``…); the
roles themselves are catalogued in ``cluster_portal.core.roles``."""
