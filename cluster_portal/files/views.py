"""The one way a private file leaves the server."""

from __future__ import annotations

import logging
import unicodedata
import uuid
from urllib.parse import quote

from auditlog.signals import accessed
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from .models import THUMBNAIL_PARAM, Attachment
from .permissions import download_is_audited, download_is_cacheable, download_is_public
from .selectors import attachment_get_for_download

logger = logging.getLogger(__name__)


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact UTF-8 name (RFC 6266/5987)."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(ch for ch in ascii_name if ch.isprintable() and ch not in '"\\;') or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


@require_safe
def attachment_download(request: HttpRequest, attachment_id: uuid.UUID) -> HttpResponseBase:
    """Serve an attachment to someone the target's access predicate lets in.

    Missing and forbidden look the same: 404 for a signed-in user, the login page for an
    anonymous visitor (for every id, so a redirect reveals nothing either). The file is always
    a download (never rendered inline), with its detected type.

    Documents are served ``no-store`` and their downloads audited. A file whose rule is
    ``cacheable`` (a logo) writes nothing: it carries an ETag and Last-Modified, answers a
    revalidation with 304, and may be kept ``FILES_CACHEABLE_MAX_AGE`` seconds — by shared
    caches too when a visitor may see it, by the browser alone otherwise. ``?size=small``
    asks for the small rendition of an image that has one.
    """
    try:
        attachment = attachment_get_for_download(user=request.user, attachment_id=attachment_id)
    except Http404:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise
    small = request.META.get("QUERY_STRING") == THUMBNAIL_PARAM and bool(attachment.thumbnail)
    stored = attachment.thumbnail if small else attachment.file

    cacheable = download_is_cacheable(attachment)
    if cacheable:
        etag = f'"{attachment.sha256[:40]}{"-s" if small else ""}"'
        last_modified = int(attachment.created_at.timestamp())
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            _cache_headers(not_modified, attachment)
            return not_modified

    try:
        handle = stored.open("rb")
    except OSError:
        logger.error("Private file missing for attachment %s", attachment.pk)
        raise Http404 from None

    if not cacheable and request.user.is_authenticated and download_is_audited(attachment):
        # Who read which private document is part of the audit trail (auditlog's "access").
        accessed.send(sender=Attachment, instance=attachment)

    response = FileResponse(handle, content_type=attachment.mime_type)
    response["Content-Disposition"] = content_disposition(attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    if cacheable:
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        _cache_headers(response, attachment)
    else:
        response["Cache-Control"] = "private, no-store"
    # Even if a browser were tricked into rendering it, the document gets no privileges.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _cache_headers(response: HttpResponseBase, attachment: Attachment) -> None:
    """``public`` when a visitor may download the file too, ``private`` (this browser only)
    otherwise, so a members-only logo never sits in a shared cache."""
    max_age = getattr(settings, "FILES_CACHEABLE_MAX_AGE", 3600)
    if download_is_public(attachment):
        patch_cache_control(response, public=True, max_age=max_age)
    else:
        patch_cache_control(response, private=True, max_age=max_age)
