"""Re-encoding uploaded images with Pillow: what is stored is pixels we wrote ourselves.

An uploaded logo or photo passed :func:`cluster_portal.files.validation.validate_upload` (its
bytes are a PNG, JPEG or WebP); before it is stored it is decoded and written again:

* metadata is gone (EXIF with GPS positions and camera serials, XMP, ICC profiles, comments):
  only pixels are copied; the EXIF orientation is applied first so the picture stays upright;
* the longest side is capped (``max_side``), so a 6000 px photo does not become every page's
  download;
* decompression bombs (a tiny file that expands to gigapixels) are refused before decoding;
* PNG stays PNG (lossless: logos with flat colours and text), JPEG and WebP become WebP;
* a small rendition (``thumbnail_side``) is made for lists.

Nothing here touches the database or the storage; it turns bytes into bytes or raises
``ValidationError``.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

#: Decoded images larger than this are refused (about 40 megapixels, e.g. 8000 x 5000 — far
#: above any logo or photo the portal needs, far below what would exhaust a worker's memory).
MAX_PIXELS = 40_000_000
DEFAULT_MAX_SIDE = 1024
DEFAULT_THUMBNAIL_SIDE = 160
WEBP_QUALITY = 85

_FORMATS = {"PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}


@dataclass(frozen=True)
class EncodedImage:
    """One re-encoded image: its bytes and what they are."""

    content: bytes
    extension: str
    mime_type: str
    width: int
    height: int


@dataclass(frozen=True)
class ReencodedUpload:
    image: EncodedImage
    thumbnail: EncodedImage | None


def _invalid(name: str) -> ValidationError:
    return ValidationError(
        _("The image “%(name)s” could not be read."), code="image_invalid", params={"name": name}
    )


def _open(file: IO[bytes], name: str) -> Image.Image:
    """Decode ``file`` fully, refusing decompression bombs before any pixel is decoded."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise Image.DecompressionBombError(f"{width}x{height}")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("The image “%(name)s” is too large in pixels."),
            code="image_too_many_pixels",
            params={"name": name},
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise _invalid(name) from exc
    finally:
        file.seek(0)
    return image


def _normalized(image: Image.Image) -> Image.Image:
    """Upright (EXIF orientation applied) and in a mode PNG/WebP write well."""
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode in {"RGB", "RGBA", "L", "LA"}:
        return upright
    has_alpha = upright.mode in {"P", "PA"} and "transparency" in upright.info
    return upright.convert("RGBA" if has_alpha or upright.mode.endswith("A") else "RGB")


def _encode(image: Image.Image, image_format: str, side: int) -> EncodedImage:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)  # only ever shrinks
    buffer = io.BytesIO()
    if image_format == "PNG":
        copy.save(buffer, format="PNG", optimize=True)
    else:
        copy.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
    extension, mime_type = _FORMATS[image_format]
    return EncodedImage(buffer.getvalue(), extension, mime_type, copy.width, copy.height)


def reencode_image(
    file: IO[bytes],
    *,
    name: str = "image",
    max_side: int = DEFAULT_MAX_SIDE,
    thumbnail_side: int | None = DEFAULT_THUMBNAIL_SIDE,
) -> ReencodedUpload:
    """Decode ``file`` and write it again without metadata, at most ``max_side`` pixels on its
    longest side, plus (when ``thumbnail_side`` is given) a small rendition. Raises
    ``ValidationError`` for an unreadable image or a decompression bomb."""
    source = _open(file, name)
    image_format = "PNG" if source.format == "PNG" else "WEBP"
    image = _normalized(source)
    encoded = _encode(image, image_format, max_side)
    thumbnail = _encode(image, image_format, thumbnail_side) if thumbnail_side else None
    return ReencodedUpload(image=encoded, thumbnail=thumbnail)
