"""The one way a private file leaves the server."""

from __future__ import annotations

import logging
import unicodedata
import uuid
from urllib.parse import quote

from auditlog.signals import accessed
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.views.decorators.http import require_safe

from .models import Attachment
from .permissions import download_is_audited
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
    a download (never rendered inline), with its detected type and no caching.
    """
    try:
        attachment = attachment_get_for_download(user=request.user, attachment_id=attachment_id)
    except Http404:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise
    try:
        handle = attachment.file.open("rb")
    except OSError:
        logger.error("Private file missing for attachment %s", attachment.pk)
        raise Http404 from None

    if request.user.is_authenticated and download_is_audited(attachment):
        # Who read which private document is part of the audit trail (auditlog's "access").
        accessed.send(sender=Attachment, instance=attachment)

    response = FileResponse(handle, content_type=attachment.mime_type)
    response["Content-Disposition"] = content_disposition(attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Even if a browser were tricked into rendering it, the document gets no privileges.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
