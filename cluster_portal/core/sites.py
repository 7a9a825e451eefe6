"""The Sites row follows the settings: the portal's name and domain, also in a fresh database.

``django.contrib.sites`` creates ``example.com`` after the first migrate, and allauth and the
admin read that row. ``sync_site`` writes ``SITE_NAME`` and the domain of ``SITE_URL``
(``SITE_DOMAIN``) into the row ``SITE_ID``; it runs in the ``site_from_settings`` migration and
after every ``migrate`` (``CoreConfig.ready``), so a changed setting reaches an existing database
without a new migration. Idempotent: nothing is written when the row already matches.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def site_values() -> dict[str, str]:
    """The name and domain the Sites row must carry (Site.name is 50 characters at most)."""
    return {"domain": settings.SITE_DOMAIN[:100], "name": settings.SITE_NAME[:50]}


def sync_site(*, site_model: Any = None, using: str = "default") -> bool:
    """Create or update the row ``SITE_ID`` from the settings. Returns whether it changed.

    ``site_model`` is the historical model inside a migration (the real one otherwise).
    """
    if site_model is None:
        from django.contrib.sites.models import Site

        site_model = Site
    values = site_values()
    manager = site_model.objects.using(using)
    site = manager.filter(pk=settings.SITE_ID).first()
    if site is None:
        manager.create(pk=settings.SITE_ID, **values)
        return True
    if all(getattr(site, field) == value for field, value in values.items()):
        return False
    for field, value in values.items():
        setattr(site, field, value)
    # save() also clears Django's in-process Site cache (a pre_save receiver of contrib.sites).
    site.save(using=using, update_fields=list(values))
    return True
