"""Photos (on board posts, activities, and every later app): refuse what is unsafe,
re-encode what is left, and store them so a failed write leaves no file behind.

A resident's photo is untrusted input and often carries the GPS position of
their home. Every accepted photo is therefore decoded and re-encoded as a plain
JPEG with no metadata at all: EXIF (GPS, camera, time), XMP, ICC profile and
comments are dropped, and whatever else was hidden in the file (an appended ZIP
or script) does not survive the round trip. What cannot be decoded safely is
refused by its content, never by its name.
"""

import io
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO
from urllib.parse import urljoin

import pillow_heif
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps

from core.errors import ServiceError

pillow_heif.register_heif_opener()

MAX_PHOTOS_PER_POST = 9
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
IMAGE_MAX_SIDE = 2048
THUMB_MAX_SIDE = 480
JPEG_QUALITY = 85

# Only these decoders may look at an upload; a GIF, TIFF, SVG or PDF never
# reaches one, whatever its file name says.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")

# What Pillow and pillow-heif raise for data they cannot decode.
UNREADABLE = (OSError, SyntaxError, ValueError, EOFError)


class PhotoRejected(ServiceError):
    """A photo we will not take. Subclasses carry the stable code."""

    code = "photo_rejected"


class PhotoTooLarge(PhotoRejected):
    status = 413
    code = "photo_too_large"

    def __init__(self, max_bytes: int):
        super().__init__(
            _("This photo is larger than %(limit)s MB. Please choose a smaller one.")
            % {"limit": f"{max_bytes / 2**20:g}"}
        )


class PhotoTooManyPixels(PhotoRejected):
    code = "photo_too_many_pixels"

    def __init__(self, max_pixels: int):
        super().__init__(
            _(
                "This photo has too many pixels (more than %(limit)s megapixels). "
                "Please shrink it or choose another one."
            )
            % {"limit": f"{max_pixels / 1_000_000:g}"}
        )


class PhotoUnreadable(PhotoRejected):
    code = "photo_format"

    def __init__(self):
        super().__init__(
            _(
                "We could not read this photo: it may be damaged or in an unsupported format. "
                "Please choose a JPEG, PNG, WebP or HEIC photo."
            )
        )


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo ready to store: JPEG bytes without metadata, and their sizes."""

    image: bytes
    thumb: bytes
    width: int
    height: int
    thumb_width: int
    thumb_height: int


def photo_prepare(upload: UploadedFile | IO[bytes]) -> PreparedPhoto:
    """Check an upload against the limits and re-encode it, or raise PhotoRejected.

    Limits are checked before any pixel is decoded: the byte size before
    opening, the pixel count from the header, so that a small file that
    would expand to gigabytes (a decompression bomb) costs nothing.
    """
    max_pixels: int = getattr(settings, "PHOTO_MAX_PIXELS", DEFAULT_MAX_PIXELS)
    data = _read_within_limit(upload)
    try:
        with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as source:
            width, height = source.size
            if width * height > max_pixels:
                raise PhotoTooManyPixels(max_pixels)
            if source.format in ("JPEG", "MPO"):
                # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still
                # leaves at least IMAGE_MAX_SIDE: far less memory for big photos.
                source.draft("RGB", (IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
            _load(source)
            ImageOps.exif_transpose(source, in_place=True)
            image = _flatten_to_rgb(source)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoTooManyPixels(max_pixels) from exc
    except UNREADABLE as exc:
        raise PhotoUnreadable() from exc

    image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE), Image.Resampling.LANCZOS)
    thumb = image.copy()
    thumb.thumbnail((THUMB_MAX_SIDE, THUMB_MAX_SIDE), Image.Resampling.LANCZOS)
    return PreparedPhoto(
        image=_encode_jpeg(image),
        thumb=_encode_jpeg(thumb),
        width=image.width,
        height=image.height,
        thumb_width=thumb.width,
        thumb_height=thumb.height,
    )


def photo_store(prepared: PreparedPhoto, *, grid_id: int = 0, folder: str = "") -> tuple[str, str]:
    """Save the photo and its thumbnail under a grid's board folder (or `folder`);
    return their storage names (image, thumb)."""
    today = timezone.localdate()
    folder = folder or f"board/{int(grid_id)}"
    stem = f"{folder}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}"
    image_name = default_storage.save(f"{stem}.jpg", ContentFile(prepared.image))
    try:
        thumb_name = default_storage.save(f"{stem}_t.jpg", ContentFile(prepared.thumb))
    except BaseException:
        default_storage.delete(image_name)
        raise
    return image_name, thumb_name


class PhotoFiles:
    """The files one write has stored so far (see `photo_files`)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def store(self, prepared: PreparedPhoto, *, folder: str) -> tuple[str, str]:
        names = photo_store(prepared, folder=folder)
        self.names.extend(names)
        return names

    def delete(self) -> None:
        for name in self.names:
            default_storage.delete(name)
        self.names.clear()


@contextmanager
def photo_files() -> Iterator[PhotoFiles]:
    """The one way a service stores photos: prepare them (`photo_prepare`) before its
    transaction, so slow decoding holds no lock; then, inside this block and around the
    transaction that records them, store each with `files.store`. If the block raises,
    the rows roll back and the files stored so far are deleted: no orphan ever stays."""
    files = PhotoFiles()
    try:
        yield files
    except BaseException:
        files.delete()
        raise


# A storage name made only of plain segments (letters, digits, _ and -, single dots
# inside), which FileSystemStorage.url would neither quote nor collapse.
_PLAIN_NAME = re.compile(r"[\w-]+(?:\.[\w-]+)*(?:/[\w-]+(?:\.[\w-]+)*)*", re.ASCII)


def photo_url_maker() -> Callable[[str], str]:
    """`default_storage.url`, or for the local storage a shortcut giving the same text:
    a feed page asks for about 70 URLs, a queue page 30, and each `urljoin` costs more
    than the rest of its photo. Other storages (a bucket's signed URLs) are always asked."""
    storage = storages["default"]
    url = storage.url
    if type(storage) is not FileSystemStorage:
        return url
    base = storage.base_url
    if not base or not base.endswith("/") or urljoin(base, "a/b.c") != base + "a/b.c":
        return url
    plain = _PLAIN_NAME.fullmatch

    def fast(name: str) -> str:
        return base + name if name and plain(name) else url(name)

    return fast


def _read_within_limit(upload: UploadedFile | IO[bytes]) -> bytes:
    """All the upload's bytes, refusing it as soon as it is known to be too large."""
    max_bytes: int = getattr(settings, "PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES)
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > max_bytes:
        raise PhotoTooLarge(max_bytes)
    if upload.seekable():
        upload.seek(0)
    # A declared size may be wrong and a stream has none: never read past the limit.
    # A raw stream may return less than asked for, so read until it ends.
    chunks: list[bytes] = []
    remaining = max_bytes + 1
    while remaining > 0 and (chunk := upload.read(remaining)):
        chunks.append(chunk)
        remaining -= len(chunk)
    if remaining <= 0:
        raise PhotoTooLarge(max_bytes)
    return b"".join(chunks)


def _load(source: ImageFile.ImageFile) -> None:
    try:
        source.load()
    except RuntimeError as exc:
        # libheif reports damaged data this way, and a coded image larger than its header claims.
        if source.format == "HEIF":
            raise ValueError(str(exc)) from exc
        raise


def _flatten_to_rgb(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency laid on white, 16-bit grey scaled down, not clipped."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        if image.mode != "RGBA":
            image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    if image.mode == "I" or image.mode.startswith("I;16"):
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    return image.convert("RGB")


def _encode_jpeg(image: Image.Image) -> bytes:
    # Pillow copies some metadata (the JPEG comment) from `info` when saving.
    image.info.clear()
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()
