"""Board photos: only real JPEG/PNG/WebP/HEIC photos get in, re-encoded and stripped of metadata."""

import io
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image, ImageCms, ImageFile, features

from core.exceptions import exception_handler
from core.photos import (
    MAX_PHOTOS_PER_POST,
    PhotoRejected,
    PhotoTooLarge,
    PhotoTooManyPixels,
    PhotoUnreadable,
    PreparedPhoto,
    photo_files,
    photo_prepare,
    photo_store,
)

ORIENTATION = 0x0112
GPS_IFD = 0x8825
SHANGHAI = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}


# --- making photos in memory ------------------------------------------------------------


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def noise(width: int, height: int, seed: int = 0) -> Image.Image:
    """Random pixels: they do not compress, so a cut always lands in the picture data."""
    return Image.frombytes(
        "RGB", (width, height), random.Random(seed).randbytes(width * height * 3)
    )


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "Acme"  # camera make
    exif.get_ifd(GPS_IFD).update(SHANGHAI)
    return exif


def png_header_only(width: int, height: int) -> bytes:
    """A valid-looking PNG of a few hundred bytes that claims to be width x height."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + chunk(b"IEND", b"")
    )


def jpeg_segments(data: bytes) -> list[int]:
    """The marker bytes of a JPEG's segments before its image data (APPn, COM, DQT, ...)."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [], 2
    while data[at] == 0xFF and data[at + 1] != 0xDA:
        markers.append(data[at + 1])
        at += 2 + struct.unpack(">H", data[at + 2 : at + 4])[0]
    return markers


METADATA_MARKERS = {0xE1, 0xE2, 0xED, 0xFE}  # EXIF/XMP, ICC, IPTC, comment


def refused(data: bytes | UploadedFile, code: str) -> PhotoRejected:
    source = upload(data) if isinstance(data, bytes) else data
    with pytest.raises(PhotoRejected) as caught:
        photo_prepare(source)
    assert caught.value.code == code
    return caught.value


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.fixture
def decoded(monkeypatch) -> list[tuple[int, int]]:
    """The sizes of the images whose pixels Pillow decoded."""
    calls: list[tuple[int, int]] = []
    real_load = ImageFile.ImageFile.load

    def spy(self):
        calls.append(self.size)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return calls


# --- accepted --------------------------------------------------------------------------


def test_a_post_takes_at_most_nine_photos():
    assert MAX_PHOTOS_PER_POST == 9


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_a_jpeg_png_webp_or_heic_photo_is_accepted_and_re_encoded_as_jpeg(fmt):
    original = noise(64, 48)

    prepared = photo_prepare(upload(encode(original, fmt), name=f"photo.{fmt.lower()}"))

    assert isinstance(prepared, PreparedPhoto)
    image = opened(prepared.image)
    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (64, 48))
    assert (prepared.width, prepared.height) == (64, 48)
    assert opened(prepared.thumb).format == "JPEG"


def test_gps_and_all_other_exif_are_stripped_from_a_jpeg():
    data = encode(noise(40, 20), "JPEG", exif=exif_with_gps())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD) == SHANGHAI

    prepared = photo_prepare(upload(data))

    for output in (prepared.image, prepared.thumb):
        image = opened(output)
        assert len(image.getexif()) == 0
        assert image.getexif().get_ifd(GPS_IFD) == {}
        assert "exif" not in image.info
        assert METADATA_MARKERS.isdisjoint(jpeg_segments(output))
        assert b"Exif\0\0" not in output
        assert b"Acme" not in output


def test_the_exif_orientation_is_applied_before_the_exif_is_dropped():
    # Stored sideways: the left half is red. Orientation 6 means "turn 90° clockwise to view",
    # which puts the stored left side at the top.
    stored = Image.new("RGB", (40, 20), "blue")
    stored.paste("red", (0, 0, 20, 20))
    data = encode(stored, "JPEG", exif=exif_with_gps(orientation=6))

    prepared = photo_prepare(upload(data))

    image = opened(prepared.image)
    assert (image.width, image.height) == (prepared.width, prepared.height) == (20, 40)
    assert (prepared.thumb_width, prepared.thumb_height) == (20, 40)
    red, _, blue = image.getpixel((10, 5))
    assert red > 200 and blue < 60
    red, _, blue = image.getpixel((10, 35))
    assert red < 60 and blue > 200
    assert len(image.getexif()) == 0


def test_a_heic_photo_comes_out_upright_and_without_its_gps():
    data = encode(noise(40, 20), "HEIF", exif=exif_with_gps(orientation=6).tobytes())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)

    prepared = photo_prepare(upload(data, name="IMG_0001.HEIC"))

    image = opened(prepared.image)
    assert image.size == (20, 40)
    assert len(image.getexif()) == 0
    assert METADATA_MARKERS.isdisjoint(jpeg_segments(prepared.image))


def test_icc_profile_xmp_and_comment_are_not_carried_over():
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">home at 31.23N 121.47E</x:xmpmeta>'
    data = encode(noise(32, 32), "JPEG", icc_profile=icc, xmp=xmp, comment=b"my home address")
    source = Image.open(io.BytesIO(data))
    assert {"icc_profile", "xmp", "comment"} <= source.info.keys()

    prepared = photo_prepare(upload(data))

    for output in (prepared.image, prepared.thumb):
        info = opened(output).info
        assert not {"icc_profile", "xmp", "comment", "exif"} & info.keys()
        assert METADATA_MARKERS.isdisjoint(jpeg_segments(output))
        assert b"home" not in output


def test_whatever_is_appended_to_a_real_jpeg_does_not_survive_re_encoding():
    payload = b"PK\x03\x04<html><script>alert(1)</script></html>"
    data = encode(noise(32, 32), "JPEG") + payload

    prepared = photo_prepare(upload(data))

    assert b"<script>" not in prepared.image
    assert b"PK\x03\x04" not in prepared.image


def test_a_large_photo_is_scaled_down_to_2048_pixels_on_its_long_side():
    data = encode(Image.new("RGB", (6000, 4500), "teal"), "JPEG")

    prepared = photo_prepare(upload(data))

    assert (prepared.width, prepared.height) == (2048, 1536)
    assert opened(prepared.image).size == (2048, 1536)
    assert (prepared.thumb_width, prepared.thumb_height) == (480, 360)
    assert opened(prepared.thumb).size == (480, 360)


@pytest.mark.parametrize(
    ("size", "thumb_size"),
    [((600, 1000), (288, 480)), ((1000, 250), (480, 120)), ((100, 50), (100, 50))],
)
def test_the_thumbnail_fits_in_480_by_480_and_keeps_the_aspect_ratio(size, thumb_size):
    prepared = photo_prepare(upload(encode(Image.new("RGB", size, "olive"), "PNG")))

    assert (prepared.width, prepared.height) == size
    assert (prepared.thumb_width, prepared.thumb_height) == thumb_size
    assert opened(prepared.thumb).size == thumb_size


def _palette_with_transparency() -> Image.Image:
    image = Image.new("P", (8, 8), 0)
    image.putpalette([0, 0, 0, 255, 0, 0])
    image.info["transparency"] = 0
    return image


@pytest.mark.parametrize(
    "make_png",
    [
        pytest.param(lambda: Image.new("RGBA", (8, 8), (255, 0, 0, 0)), id="rgba"),
        pytest.param(lambda: Image.new("LA", (8, 8), (0, 0)), id="grey-alpha"),
        pytest.param(_palette_with_transparency, id="palette-transparency"),
    ],
)
def test_a_png_with_transparency_becomes_an_rgb_jpeg_laid_on_white(make_png):
    data = encode(make_png(), "PNG")

    prepared = photo_prepare(upload(data, name="sticker.png"))

    image = opened(prepared.image)
    assert (image.format, image.mode) == ("JPEG", "RGB")
    assert all(channel > 245 for channel in image.getpixel((4, 4)))


def test_a_16_bit_grey_png_keeps_its_tones_instead_of_turning_white():
    data = encode(Image.new("I;16", (8, 8), 0x8000), "PNG")

    prepared = photo_prepare(upload(data, name="scan.png"))

    red, green, blue = opened(prepared.image).getpixel((4, 4))
    assert 110 < red < 150 and red == green == blue


def test_an_upload_already_read_by_form_validation_is_read_from_its_start():
    source = upload(encode(noise(16, 16), "JPEG"))
    source.read()

    assert photo_prepare(source).width == 16


class ShortReads(io.RawIOBase):
    """A raw stream that hands out its bytes a few at a time, like a socket."""

    def __init__(self, data: bytes, step: int):
        self.data, self.at, self.step, self.handed_out = data, 0, step, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        piece = self.data[self.at : self.at + min(self.step, len(buffer))]
        buffer[: len(piece)] = piece
        self.at += len(piece)
        self.handed_out += len(piece)
        return len(piece)


def test_a_stream_that_returns_short_reads_is_read_to_its_end():
    stream = ShortReads(encode(noise(32, 32), "PNG"), step=100)

    assert photo_prepare(stream).width == 32


# --- refused: too large ----------------------------------------------------------------


class Unreadable(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        raise AssertionError("an upload declared too large must not be read")


def test_an_upload_declared_over_10_mib_is_refused_with_413_without_being_read():
    source = UploadedFile(Unreadable(), name="photo.jpg", size=10 * 1024 * 1024 + 1)

    error = refused(source, "photo_too_large")

    assert isinstance(error, PhotoTooLarge)
    response = exception_handler(error, {})
    assert response.status_code == 413
    assert response.data == {"code": "photo_too_large", "detail": str(error.message)}
    assert "10 MB" in str(error.message)


@pytest.mark.parametrize(("slack", "accepted"), [(0, True), (-1, False)])
def test_the_byte_limit_comes_from_settings_and_a_photo_exactly_at_it_is_accepted(
    settings, slack, accepted
):
    data = encode(noise(16, 16), "JPEG")
    settings.PHOTO_MAX_BYTES = len(data) + slack

    if accepted:
        assert photo_prepare(upload(data)).width == 16
    else:
        refused(data, "photo_too_large")


def test_an_endless_stream_is_cut_off_one_byte_past_the_limit(settings):
    settings.PHOTO_MAX_BYTES = 10_000
    stream = ShortReads(b"\xff\xd8" + b"\0" * 1_000_000, step=512)

    refused(stream, "photo_too_large")  # type: ignore[arg-type]

    assert stream.handed_out == 10_001


# --- refused: too many pixels ----------------------------------------------------------


@pytest.mark.parametrize(
    "size",
    [
        pytest.param((8000, 6000), id="over-our-40-megapixels"),
        pytest.param((30000, 30000), id="over-pillows-own-bomb-limit"),
    ],
)
def test_a_decompression_bomb_is_refused_from_its_header_without_decoding(decoded, size):
    photo_prepare(upload(encode(noise(8, 8), "PNG")))
    assert (8, 8) in decoded, "the spy must see real decoding"
    decoded.clear()
    bomb = png_header_only(*size)
    assert len(bomb) < 1024

    error = refused(bomb, "photo_too_many_pixels")

    assert decoded == []
    assert isinstance(error, PhotoTooManyPixels)
    assert exception_handler(error, {}).status_code == 400


@pytest.mark.parametrize(("side", "accepted"), [(100, True), (101, False)])
def test_the_pixel_limit_comes_from_settings(settings, side, accepted):
    settings.PHOTO_MAX_PIXELS = 100 * 100
    data = encode(Image.new("RGB", (side, 100), "navy"), "JPEG")

    if accepted:
        assert photo_prepare(upload(data)).width == side
    else:
        refused(data, "photo_too_many_pixels")


# --- refused: not a photo we take ------------------------------------------------------


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", "<script>alert(1)</script>")
    return out.getvalue()


NOT_ALLOWED: dict[str, Callable[[], bytes]] = {
    "gif": lambda: encode(noise(16, 16).convert("P"), "GIF"),
    "bmp": lambda: encode(noise(16, 16), "BMP"),
    "tiff": lambda: encode(noise(16, 16), "TIFF"),
    "pdf": lambda: encode(noise(16, 16), "PDF"),
    "svg": lambda: (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script></svg>"
    ),
    "html": lambda: b"<!doctype html><html><script>alert(1)</script></html>",
    "zip": _zip,
    "random-bytes": lambda: random.Random(1).randbytes(4096),
    "empty": lambda: b"",
}


@pytest.mark.parametrize("make", NOT_ALLOWED.values(), ids=NOT_ALLOWED.keys())
def test_a_file_named_jpg_that_is_not_a_photo_we_take_is_refused_by_its_content(make):
    error = refused(make(), "photo_format")

    assert isinstance(error, PhotoUnreadable)
    assert exception_handler(error, {}).status_code == 400


def test_an_avif_photo_is_refused_because_only_the_listed_formats_open():
    assert features.check("avif"), "the pinned Pillow writes AVIF; this test needs it to"
    refused(encode(noise(16, 16), "AVIF"), "photo_format")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_a_truncated_photo_is_refused(fmt):
    data = encode(noise(64, 48), fmt)
    assert photo_prepare(upload(data)).width == 64

    refused(data[: len(data) // 2], "photo_format")


def test_a_heic_whose_header_understates_its_size_is_refused():
    data = bytearray(encode(Image.new("RGB", (1024, 512), "white"), "HEIF"))
    ispe = data.index(b"ispe")
    assert struct.unpack(">II", data[ispe + 8 : ispe + 16]) == (1024, 512)
    data[ispe + 8 : ispe + 16] = struct.pack(">II", 32, 16)

    refused(bytes(data), "photo_format")


FUZZ_SEEDS = {fmt: encode(noise(24, 16), fmt) for fmt in ("JPEG", "PNG", "WEBP", "HEIF")}


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@hypothesis_settings(max_examples=200, deadline=None, database=None)
@given(fmt=st.sampled_from(sorted(FUZZ_SEEDS)), edits=st.data())
def test_a_damaged_photo_is_refused_or_re_encoded_but_never_crashes(fmt, edits):
    data = bytearray(FUZZ_SEEDS[fmt])
    for _ in range(edits.draw(st.integers(1, 4))):
        at = edits.draw(st.integers(0, len(data) - 1))
        data[at] = edits.draw(st.integers(0, 255))
    cut = edits.draw(st.integers(1, len(data)))

    try:
        prepared = photo_prepare(io.BytesIO(bytes(data[:cut])))
    except PhotoRejected as error:
        # A flipped byte in a header can also claim an enormous size.
        assert error.code in {"photo_format", "photo_too_many_pixels"}
    else:
        assert opened(prepared.image).format == "JPEG"


# --- messages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "english", "chinese"),
    [
        (
            lambda: PhotoTooLarge(10 * 1024 * 1024),
            "This photo is larger than 10 MB. Please choose a smaller one.",
            "这张照片超过 10 MB。请选择小一些的照片。",
        ),
        (
            lambda: PhotoTooManyPixels(40_000_000),
            "This photo has too many pixels (more than 40 megapixels). "
            "Please shrink it or choose another one.",
            "这张照片的分辨率过高（超过 40 百万像素）。请缩小后再上传，或换一张照片。",
        ),
        (
            PhotoUnreadable,
            "We could not read this photo: it may be damaged or in an unsupported format. "
            "Please choose a JPEG, PNG, WebP or HEIC photo.",
            "无法读取这张照片，它可能已损坏或格式不受支持。"
            "请选择 JPEG、PNG、WebP 或 HEIC 格式的照片。",
        ),
    ],
    ids=["too-large", "too-many-pixels", "format"],
)
def test_each_refusal_tells_the_resident_what_to_do_in_their_language(error, english, chinese):
    with translation.override("en"):
        assert str(error().message) == english
    with translation.override("zh-hans"):
        assert str(error().message) == chinese


# --- storing ---------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def assert_stored_as_a_pair(media, image_name: str, thumb_name: str, grid_id: int) -> None:
    today = timezone.localdate()
    stem = rf"board/{grid_id}/{today:%Y}/{today:%m}/[0-9a-f]{{32}}"
    assert re.fullmatch(rf"{stem}\.jpg", image_name), image_name
    assert thumb_name == image_name.removesuffix(".jpg") + "_t.jpg"
    assert (media / image_name).is_file() and (media / thumb_name).is_file()


def test_photo_store_saves_the_photo_and_its_thumbnail_under_the_grid_and_month(media):
    prepared = photo_prepare(upload(encode(noise(40, 20), "JPEG", exif=exif_with_gps())))

    image_name, thumb_name = photo_store(prepared, grid_id=7)

    assert_stored_as_a_pair(media, image_name, thumb_name, grid_id=7)
    assert (media / image_name).read_bytes() == prepared.image
    assert (media / thumb_name).read_bytes() == prepared.thumb
    with default_storage.open(image_name) as stored:
        image = Image.open(stored)
        assert len(image.getexif()) == 0
        assert "exif" not in image.info


def test_each_stored_photo_gets_a_name_of_its_own(media):
    prepared = photo_prepare(upload(encode(noise(8, 8), "JPEG")))

    first, second = photo_store(prepared, grid_id=7), photo_store(prepared, grid_id=7)

    assert first[0] != second[0]
    for image_name, thumb_name in (first, second):
        assert_stored_as_a_pair(media, image_name, thumb_name, grid_id=7)


def test_a_photo_is_not_left_behind_when_its_thumbnail_cannot_be_saved(media, monkeypatch):
    real_save = FileSystemStorage._save

    def save_but_not_thumbnails(self, name, content):
        if name.endswith("_t.jpg"):
            raise OSError("disk full")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", save_but_not_thumbnails)
    prepared = photo_prepare(upload(encode(noise(8, 8), "JPEG")))

    with pytest.raises(OSError, match="disk full"):
        photo_store(prepared, grid_id=7)

    assert [path for path in media.rglob("*") if path.is_file()] == []


# --- one way to store the photos of a write ----------------------------------------------


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()]


def test_photo_files_kept_when_the_write_succeeds(media):
    prepared = photo_prepare(upload(encode(noise(8, 8), "JPEG")))
    with photo_files() as files:
        names = files.store(prepared, folder="activities/1")
    assert sorted(str(p.relative_to(media)) for p in stored_files(media)) == sorted(names)


def test_photo_files_of_a_failed_write_are_deleted_again(media):
    prepared = photo_prepare(upload(encode(noise(8, 8), "JPEG")))
    with pytest.raises(RuntimeError), photo_files() as files:
        files.store(prepared, folder="activities/1")
        files.store(prepared, folder="activities/1")
        assert len(stored_files(media)) == 4
        raise RuntimeError("the rows rolled back")
    assert stored_files(media) == []


@pytest.mark.django_db
def test_an_activity_that_fails_after_its_photos_were_stored_leaves_no_file(
    media, world, monkeypatch
):
    from activities.models import Activity
    from activities.services import publishing

    def board_down(*args, **kwargs):
        raise RuntimeError("board unavailable")

    monkeypatch.setattr(publishing, "_cards_post", board_down)
    starts = timezone.now() + timezone.timedelta(days=2)
    with pytest.raises(RuntimeError, match="board unavailable"):
        publishing.activity_create(
            actor=world.cadre_east,
            community=world.east,
            title="书法公益课",
            place="社区活动室",
            starts_at=starts,
            ends_at=starts + timezone.timedelta(hours=2),
            capacity=10,
            photos=[upload(encode(noise(8, 8), "JPEG"))],
        )
    assert not Activity.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db
def test_a_post_that_fails_after_its_photos_were_stored_leaves_no_file(media, world, monkeypatch):
    from grids.models import Post
    from grids.services import posts

    def feed_down(*args, **kwargs):
        raise RuntimeError("event log unavailable")

    monkeypatch.setattr(posts.events, "board_event_emit", feed_down)
    with pytest.raises(RuntimeError, match="event log unavailable"):
        posts.post_create(
            actor=world.resident_a,
            grid=world.grid_a,
            kind="chat",
            body="看看这张照片",
            photos=[upload(encode(noise(8, 8), "JPEG"))],
        )
    assert not Post.objects.exists()
    assert stored_files(media) == []
