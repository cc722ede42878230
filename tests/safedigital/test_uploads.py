"""Uploads are checked by their content: each refusal is a clear message in the admin form, never a 500."""

import errno
import html
import io
import os
import random
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.views.static import serve
from PIL import Image

from events.models import Gallery, Photo, Resource, Speaker
from media_coverage.models import Outlet
from safedigital.uploads import FileNotStored
from tests.events.test_admin import event_change_data
from tests.factories import EventFactory, GalleryFactory, SpeakerFactory, image_file

pytestmark = pytest.mark.django_db


def png_bomb(width=30000, height=30000):
    """A tiny PNG that claims a huge canvas (a decompression bomb)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def image_bytes(image_format="JPEG", size=(40, 30), **options):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, image_format, **options)
    return buffer.getvalue()


def gps_exif(orientation=None):
    """EXIF with a GPS position (a child's location must not leak), and an orientation when given."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (4.0, 35.0, 0.0), 3: "W", 4: (74.0, 4.0, 0.0)}
    if orientation:
        exif[0x0112] = orientation
    return exif


SVG_REFUSED = "SVG images are not accepted; upload a JPEG, PNG or WebP image."
SCRIPT_PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"


BAD_IMAGES = {
    "truncated": (image_bytes()[:200], "This file is not a complete JPEG, PNG or WebP image."),
    "bomb": (png_bomb(), "the limit is 40 million pixels"),
    "svg-with-script": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        SVG_REFUSED,
    ),
    "svg-with-xml-declaration": (
        b'\xef\xbb\xbf\n<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>',
        SVG_REFUSED,
    ),
    "gif": (image_bytes("GIF"), "Upload a JPEG, PNG or WebP image (this file is GIF)."),
    "pdf": (b"%PDF-1.4\n" + image_bytes(), "This file is not a complete JPEG, PNG or WebP image."),
}


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.org", "x"))
    return client


def photo_form(gallery, upload):
    return {
        "event": gallery.event_id,
        "title": gallery.title,
        "order": "0",
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "0",
        "photos-0-image": upload,
        "photos-0-alt_text": "Something",
        "photos-0-order": "0",
    }


@pytest.mark.parametrize("name", list(BAD_IMAGES))
def test_bad_images_are_refused_with_a_clear_message(admin_client, name):
    content, message = BAD_IMAGES[name]
    gallery = GalleryFactory()

    response = admin_client.post(
        reverse("admin:events_gallery_change", args=[gallery.pk]),
        photo_form(gallery, SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg")),
    )

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors[0]["image"]
    assert any(message in error for error in errors), errors
    assert not Photo.objects.exists()


@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_image_with_a_web_page_appended_is_stored_without_it_and_without_location(admin_client, image_format):
    gallery = GalleryFactory()
    polyglot = image_bytes(image_format, size=(80, 60), exif=gps_exif()) + SCRIPT_PAYLOAD
    with Image.open(io.BytesIO(polyglot)) as sent:  # the payload rides on an image Pillow reads whole
        sent.load()
        assert sent.getexif().get_ifd(0x8825)

    response = admin_client.post(
        reverse("admin:events_gallery_change", args=[gallery.pk]),
        photo_form(gallery, SimpleUploadedFile("photo.jpg", polyglot, content_type="image/jpeg")),
    )

    assert response.status_code == 302
    stored = Photo.objects.get().image
    with default_storage.open(stored.name) as handle:
        content = handle.read()
    assert b"<script" not in content
    assert b"<html" not in content
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == image_format
        assert image.size == (80, 60)
        assert not image.getexif()
        assert not image.getexif().get_ifd(0x8825)
        assert "exif" not in image.info


def test_stored_image_keeps_no_metadata(admin_client):
    from PIL import ImageCms

    gallery = GalleryFactory()
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo = image_bytes(
        "JPEG",
        exif=gps_exif(),
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>4,35N</exif:GPSLatitude></x:xmpmeta>',
        comment=b"Maria, 8, at her school in Bogota",
        icc_profile=profile,
    )

    admin_client.post(
        reverse("admin:events_gallery_change", args=[gallery.pk]),
        photo_form(gallery, SimpleUploadedFile("photo.jpg", photo, content_type="image/jpeg")),
    )

    with default_storage.open(Photo.objects.get().image.name) as handle:
        content = handle.read()
    assert b"Maria" not in content
    assert b"GPSLatitude" not in content
    with Image.open(io.BytesIO(content)) as image:
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)


def test_image_is_stored_upright_as_its_exif_orientation_says(admin_client):
    gallery = GalleryFactory()
    sideways = image_bytes("JPEG", size=(80, 60), exif=gps_exif(orientation=6))  # "rotate 90° to show"

    admin_client.post(
        reverse("admin:events_gallery_change", args=[gallery.pk]),
        photo_form(gallery, SimpleUploadedFile("photo.jpg", sideways, content_type="image/jpeg")),
    )

    photo = Photo.objects.get()
    with default_storage.open(photo.image.name) as handle, Image.open(handle) as image:
        assert image.size == (60, 80)
        assert not image.getexif()
    assert photo.renditions["width"] == 60
    assert photo.renditions["height"] == 80


def test_png_transparency_survives_reencoding(admin_client):
    gallery = GalleryFactory()
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(buffer, "PNG")

    admin_client.post(
        reverse("admin:events_gallery_change", args=[gallery.pk]),
        photo_form(gallery, SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")),
    )

    with default_storage.open(Photo.objects.get().image.name) as handle, Image.open(handle) as image:
        assert (image.format, image.mode) == ("PNG", "RGBA")
        assert image.getpixel((5, 5)) == (0, 0, 0, 0)


def test_images_saved_by_code_are_reencoded_and_named_by_content_too():
    speaker = SpeakerFactory(
        photo=SimpleUploadedFile("portrait.pdf", image_bytes("PNG", exif=gps_exif()) + SCRIPT_PAYLOAD)
    )

    assert speaker.photo.name.startswith("speakers/")
    assert speaker.photo.name.endswith(".png")
    with default_storage.open(speaker.photo.name) as handle:
        content = handle.read()
    assert b"<script" not in content
    assert not Image.open(io.BytesIO(content)).getexif()


def speaker_form(upload):
    return {
        "full_name": "Ana Pérez",
        "role_title": "Director",
        "organisation": "",
        "country": "CO",
        "bio": "",
        "identity": "full",
        "first_name": "",
        "anonymous_descriptor": "",
        "consent_date": "",
        "photo": upload,
        "photo_alt": "Ana Pérez speaking",
    }


@pytest.mark.parametrize(
    ("sent_name", "image_format", "suffix"),
    [("portrait.pdf", "PNG", ".png"), ("portrait.png", "JPEG", ".jpg"), ("portrait.jpg", "WEBP", ".webp")],
)
def test_stored_image_suffix_comes_from_the_content_not_the_name(
    admin_client, sent_name, image_format, suffix
):
    response = admin_client.post(
        reverse("admin:events_speaker_add"),
        speaker_form(SimpleUploadedFile(sent_name, image_bytes(image_format))),
    )

    assert response.status_code == 302
    name = Speaker.objects.get().photo.name
    assert name.startswith("speakers/")
    assert name.endswith(suffix)
    assert "portrait" not in name


def test_outlet_logo_suffix_comes_from_the_content_not_the_name(admin_client):
    response = admin_client.post(
        reverse("admin:media_coverage_outlet_add"),
        {
            "name": "El Tiempo",
            "medium": "print",
            "country": "CO",
            "description": "",
            "website": "",
            "logo": SimpleUploadedFile("logo.pdf", image_bytes("PNG")),
        },
    )

    assert response.status_code == 302
    assert Outlet.objects.get().logo.name.endswith(".png")


def test_outlet_logo_is_reencoded_without_location_or_payload(admin_client):
    logo = image_bytes("JPEG", size=(80, 60), exif=gps_exif()) + SCRIPT_PAYLOAD

    response = admin_client.post(
        reverse("admin:media_coverage_outlet_add"),
        {"name": "Semana", "medium": "digital", "logo": SimpleUploadedFile("logo.jpg", logo)},
    )

    assert response.status_code == 302
    with default_storage.open(Outlet.objects.get().logo.name) as handle:
        content = handle.read()
    assert b"<script" not in content
    with Image.open(io.BytesIO(content)) as image:
        assert not image.getexif().get_ifd(0x8825)


def test_oversized_image_is_refused(admin_client, settings):
    gallery = GalleryFactory()
    settings.IMAGE_UPLOAD_MAX_BYTES = 500

    response = admin_client.post(
        reverse("admin:events_gallery_change", args=[gallery.pk]),
        photo_form(gallery, image_file("big.jpg", size=(300, 300))),
    )

    errors = response.context["inline_admin_formsets"][0].formset.errors[0]["image"]
    assert any("the limit is 0.0 MB" in error for error in errors), errors


def test_good_image_gets_a_random_name_and_metadata_free_renditions(admin_client):
    gallery = GalleryFactory()
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {2: (4, 35, 0)}  # GPS info: a child's location must not leak
    Image.new("RGB", (800, 600), (1, 2, 3)).save(buffer, "JPEG", exif=exif)

    response = admin_client.post(
        reverse("admin:events_gallery_change", args=[gallery.pk]),
        photo_form(
            gallery, SimpleUploadedFile("maria-at-school.jpg", buffer.getvalue(), content_type="image/jpeg")
        ),
    )

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert "maria" not in photo.image.name
    assert photo.image.name.startswith("photos/") and photo.image.name.endswith(".jpg")
    for _width, name in photo.renditions["jpeg"] + photo.renditions["webp"]:
        with default_storage.open(name) as handle, Image.open(handle) as rendition:
            assert not rendition.getexif()
            assert "exif" not in rendition.info


def resource_form(event, upload):
    return {
        "event": event.pk,
        "kind": "report",
        "title": "Report",
        "language": "en",
        "order": "0",
        "file": upload,
        "url": "",
    }


def pdf_with_html_inside():
    """Starts with %PDF- and ends with %%EOF, but is a web page after its first kilobyte."""
    return b"%PDF-1.4\n%" + b"x" * 1100 + b"\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n"


def test_pdf_named_html_is_stored_and_served_as_a_pdf(admin_client, settings):
    event = EventFactory()

    response = admin_client.post(
        reverse("admin:events_resource_add"),
        resource_form(
            event, SimpleUploadedFile("report.html", pdf_with_html_inside(), content_type="text/html")
        ),
    )

    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.file.name.startswith("resources/")
    assert resource.file.name.endswith(".pdf")
    served = serve(RequestFactory().get(resource.file.url), resource.file.name, settings.MEDIA_ROOT)
    assert served["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("marker", [b"<html>", b"<SCRIPT>alert(1)</SCRIPT>", b"<!DOCTYPE html>"])
def test_pdf_with_web_page_code_at_its_start_is_refused(admin_client, marker):
    event = EventFactory()

    response = admin_client.post(
        reverse("admin:events_resource_add"),
        resource_form(event, SimpleUploadedFile("report.pdf", b"%PDF-1.4\n" + marker + b"\n%%EOF\n")),
    )

    assert response.context["adminform"].form.errors["file"] == [
        "This PDF contains web page code (HTML or script) at its start; upload a plain PDF document."
    ]
    assert not Resource.objects.exists()


def test_pdf_resources_are_checked_by_content(admin_client):
    event = EventFactory()

    fake = admin_client.post(
        reverse("admin:events_resource_add"),
        resource_form(
            event, SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
        ),
    )
    real = admin_client.post(
        reverse("admin:events_resource_add"),
        resource_form(event, SimpleUploadedFile("report.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")),
    )

    assert fake.context["adminform"].form.errors["file"] == ["Upload a PDF document; this file is not a PDF."]
    assert real.status_code == 302
    assert Resource.objects.get().file.name.endswith(".pdf")


def test_oversized_pdf_is_refused(admin_client, settings):
    settings.DOCUMENT_UPLOAD_MAX_BYTES = 10
    event = EventFactory()

    response = admin_client.post(
        reverse("admin:events_resource_add"),
        resource_form(event, SimpleUploadedFile("report.pdf", b"%PDF-1.4\n" + b"x" * 100 + b"\n%%EOF\n")),
    )

    assert "the limit is 0.0 MB" in response.context["adminform"].form.errors["file"][0]


def test_wide_thin_image_is_stored_with_renditions_at_least_one_pixel_high(admin_client):
    gallery = GalleryFactory()

    response = admin_client.post(
        reverse("admin:events_gallery_change", args=[gallery.pk]),
        photo_form(gallery, SimpleUploadedFile("divider.png", image_bytes("PNG", size=(2000, 1)))),
    )

    assert response.status_code == 302
    renditions = Photo.objects.get().renditions
    sizes = []
    for _width, name in renditions["jpeg"] + renditions["webp"]:
        with default_storage.open(name) as handle, Image.open(handle) as rendition:
            sizes.append(rendition.size)
    assert sizes == [(320, 1), (640, 1), (1024, 1), (1600, 1)] * 2


def test_tall_image_is_stored_with_renditions_webp_can_hold(admin_client):
    """
    WebP holds at most 16383 pixels a side: a long infographic 1000 px wide and 40000 high (within the pixel limit)
    or a 1 × 100000 strip, made into renditions as wide as they are, was a server error.
    """
    gallery = GalleryFactory()

    for size in ((1000, 40000), (1, 100000)):
        response = admin_client.post(
            reverse("admin:events_gallery_change", args=[gallery.pk]),
            photo_form(gallery, SimpleUploadedFile("infographic.png", image_bytes("PNG", size=size))),
        )

        assert response.status_code == 302
    sizes = []
    for photo in Photo.objects.order_by("pk"):
        for width, name in photo.renditions["jpeg"] + photo.renditions["webp"]:
            with default_storage.open(name) as handle, Image.open(handle) as rendition:
                assert rendition.width == width
                sizes.append(rendition.size)
    assert sizes == [(320, 12800), (409, 16360)] * 2 + [(1, 16383)] * 2


def noisy_jpeg(size=(1400, 1000)):
    """A photo of noise at quality 50 (0.56 MB): made again at quality 92, it comes out bigger."""
    width, height = size
    noise = Image.frombytes("RGB", size, random.Random(1).randbytes(width * height * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=50)
    return buffer.getvalue()


def test_editing_a_record_does_not_check_its_stored_image_again(admin_client, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 600_000
    event = EventFactory()
    url = reverse("admin:events_event_change", args=[event.pk])
    photo = noisy_jpeg()
    assert len(photo) < 600_000

    uploaded = admin_client.post(
        url, event_change_data(event, hero_image=SimpleUploadedFile("hero.jpg", photo))
    )
    event.refresh_from_db()
    stored = event.hero_image.name
    assert default_storage.size(stored) > 600_000  # re-encoding made it grow past the limit
    edited = admin_client.post(url, event_change_data(event, title="Renamed"))

    assert (uploaded.status_code, edited.status_code) == (302, 302)
    event.refresh_from_db()
    assert (event.title, event.hero_image.name) == ("Renamed", stored)


def test_editing_a_record_whose_stored_image_is_missing_saves_the_edit(admin_client):
    event = EventFactory()
    stored = event.hero_image.name
    default_storage.delete(stored)

    response = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]), event_change_data(event, title="Renamed")
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.hero_image.name) == ("Renamed", stored)


def test_a_new_upload_over_the_limit_is_still_refused_beside_the_field(admin_client, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 300_000
    event = EventFactory()
    stored = event.hero_image.name

    response = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_change_data(event, hero_image=SimpleUploadedFile("hero.jpg", noisy_jpeg())),
    )

    assert response.context["adminform"].form.errors["hero_image"] == [
        "This image is 0.5 MB; the limit is 0.3 MB."
    ]
    event.refresh_from_db()
    assert event.hero_image.name == stored


def test_camera_jpeg_with_a_preview_picture_is_stored_as_a_jpeg_of_its_main_frame(admin_client):
    gallery = GalleryFactory()
    buffer = io.BytesIO()
    main = Image.new("RGB", (40, 30), (200, 10, 10))
    main.save(buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (20, 15))])
    with Image.open(io.BytesIO(buffer.getvalue())) as sent:
        assert sent.format == "MPO"  # what Pillow calls a JPEG that carries a preview picture

    response = admin_client.post(
        reverse("admin:events_gallery_change", args=[gallery.pk]),
        photo_form(gallery, SimpleUploadedFile("camera.jpg", buffer.getvalue(), content_type="image/jpeg")),
    )

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.image.name.endswith(".jpg")
    with default_storage.open(photo.image.name) as handle, Image.open(handle) as image:
        assert (image.format, image.size, getattr(image, "n_frames", 1)) == ("JPEG", (40, 30), 1)
    assert (photo.renditions["width"], photo.renditions["height"]) == (40, 30)


def media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


class DiskFull:
    """A file in MEDIA_ROOT whose disk fills up in its first write: half the chunk is written, then ENOSPC."""

    def __init__(self, handle):
        self.handle = handle

    def write(self, chunk):
        self.handle.write(chunk[: len(chunk) // 2])
        self.handle.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def close(self):
        self.handle.close()


@pytest.fixture
def disk_full_after(monkeypatch, settings):
    """disk_full_after(n): the storage writes n files under MEDIA_ROOT whole, then the disk is full mid-write."""

    def fill(files_written):
        real_fdopen, written = os.fdopen, []
        media_root = str(Path(settings.MEDIA_ROOT).resolve())

        def fdopen(fd, *args, **kwargs):
            handle = real_fdopen(fd, *args, **kwargs)
            if not os.readlink(f"/proc/self/fd/{fd}").startswith(media_root):
                return handle
            written.append(fd)
            return DiskFull(handle) if len(written) > files_written else handle

        monkeypatch.setattr(os, "fdopen", fdopen)

    return fill


def test_a_file_the_disk_has_no_room_for_is_not_left_truncated(settings, disk_full_after):
    disk_full_after(0)

    with pytest.raises(FileNotStored) as refusal:
        default_storage.save("photos/stage.jpg", ContentFile(b"\xff" * 5000))

    assert refusal.value.errno == errno.ENOSPC
    assert media_files(settings) == []


NOT_STORED = (
    "Nothing was saved: the server could not store the files (its disk may be full). Tell the site's "
    "administrator; once they have made room, choose the files again and save."
)


@pytest.mark.parametrize("files_written", [0, 1, 3])
def test_a_gallery_upload_the_disk_fills_up_during_is_refused_with_a_message_and_leaves_nothing(
    admin_client, settings, disk_full_after, files_written
):
    """
    Each photo is stored, then resized (three files: the image, a WebP and a JPEG rendition of a small photo):
    the disk filled up at the first file, within the first photo's renditions, at the second photo. It answered
    500, and left the file it was writing truncated under its name and the photos stored before it.
    """
    event = EventFactory()
    stored = media_files(settings)
    disk_full_after(files_written)

    response = admin_client.post(
        reverse("admin:events_gallery_add"),
        {
            "event": event.pk,
            "title": "Networking Reception",
            "description": "Evening with the partners",
            "order": "1",
            "upload": [image_file("a.jpg"), image_file("b.jpg"), image_file("c.png", image_format="PNG")],
            "upload_alt_text": "Guests at the reception",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [NOT_STORED]
    page = response.content.decode()
    assert "Evening with the partners" in page and 'value="Guests at the reception"' in page
    assert "Choose again before you save:\na.jpg, b.jpg, c.png." in page
    assert not Gallery.objects.exists() and not Photo.objects.exists()
    assert media_files(settings) == stored


def test_a_document_the_disk_has_no_room_for_is_refused_in_the_editors_language(
    admin_client, settings, disk_full_after
):
    event = EventFactory()
    disk_full_after(0)
    pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n" + b"%" * 9000 + b"\n%%EOF\n"

    response = admin_client.post(
        reverse("admin:events_resource_add"),
        resource_form(event, SimpleUploadedFile("report.pdf", pdf)),
        headers={"accept-language": "es"},
    )

    assert response.status_code == 200
    assert (
        "No se guardó nada: el servidor no pudo almacenar los archivos (puede que su disco esté lleno)."
        in html.unescape(response.content.decode())
    )
    assert not Resource.objects.exists()
    assert [name for name in media_files(settings) if name.endswith(".pdf")] == []


def test_renditions_the_disk_fills_up_during_are_not_left_behind(settings, disk_full_after):
    """
    The task worker resizes the photos added together (events.tasks): the disk full at its fourth rendition
    of six, the three before were left on disk, named by nothing, and the fourth truncated.
    """
    photo = Photo(
        gallery=GalleryFactory(), image=image_file("stage.jpg", size=(800, 600)), alt_text="The stage"
    )
    photo.save(renditions=False)
    stored = media_files(settings)
    disk_full_after(3)

    with pytest.raises(FileNotStored):
        photo.update_renditions()

    photo.refresh_from_db()
    assert photo.renditions == {}
    assert media_files(settings) == stored
    assert photo.image.name in stored
