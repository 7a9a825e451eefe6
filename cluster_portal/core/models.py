"""The portal core's models: only the holder of the staff roles' permissions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import PERMISSIONS


class StaffPermissions(models.Model):
    """No table: declares the custom permissions of the staff roles (``core.<codename>``).

    Staff permissions are about areas of work (deciding memberships, managing calls, reading the
    audit log), not about one model, so they are declared once here rather than scattered over
    the models of each app; ``cluster_portal.core.roles`` lists them and which role holds each.
    Unmanaged, without default add/change/delete/view permissions: Django still creates its
    content type and permissions, and no table exists.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = PERMISSIONS
        verbose_name = _("staff permission")
        verbose_name_plural = _("staff permissions")

    def __str__(self) -> str:  # pragma: no cover - there are no rows
        return str(self._meta.verbose_name)
