"""
Upload handling shared by every model with a file: random names whose suffix the content proves, checked
content, images re-encoded before they are stored (no metadata, nothing appended), EXIF-free renditions.
"""

import io
import logging
import math
import re
import secrets
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils.datastructures import MultiValueDict
from django.utils.deconstruct import deconstructible
from django.utils.encoding import filepath_to_uri
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps

# Pillow calls a JPEG that carries a preview picture, as cameras write, "MPO"; it is stored as a JPEG of its
# main frame.
IMAGE_FORMATS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp"}
# A name's suffix is believed only when code (not a person) saves a file whose content is out of reach.
IMAGE_SUFFIXES = {".jpg": ".jpg", ".jpeg": ".jpg", ".png": ".png", ".webp": ".webp"}
RENDITION_WIDTHS = (320, 640, 1024, 1600)
# The most pixels a WebP has on a side: a rendition of a tall image (a long infographic) is no taller.
WEBP_MAX_SIDE = 16383
# Re-encoding keeps the look of a photo: JPEG and WebP at a high quality.
REENCODE_QUALITY = 92
# What a document's first kilobyte must not hold: a browser that sniffs it would render a web page.
MARKUP_IN_DOCUMENT = (b"<html", b"<script", b"<!doctype")
BYTE_ORDER_MARK_AND_SPACE = b"\xef\xbb\xbf \t\r\n"

logger = logging.getLogger(__name__)


@deconstructible
class RandomName:
    """
    upload_to that keeps only a random name inside `folder`, with the suffix the content proves: .pdf for a
    document field (checked by validate_pdf), the format Pillow reads for an image, none for anything else.
    The uploaded name's own suffix is never trusted: report.html holding a PDF is stored as <random>.pdf.
    """

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        return f"{self.folder}/{secrets.token_hex(12)}{self.suffix(instance, filename)}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder

    def suffix(self, instance, filename):
        field = next(
            (
                field
                for field in instance._meta.concrete_fields
                if isinstance(field, models.FileField) and field.upload_to == self
            ),
            None,
        )
        if field is not None and validate_pdf in field.validators:
            return ".pdf"
        # A new upload waits, unsaved, on the instance (FileField.pre_save saves it through this name).
        field_file = getattr(instance, field.attname) if field is not None else None
        if field_file is not None and not field_file._committed and field_file._file is not None:
            return image_suffix(field_file._file)
        # Code called FieldFile.save(name, content): CheckedImageField has named it after its content already.
        return IMAGE_SUFFIXES.get(PurePath(filename).suffix.lower(), "")


def image_suffix(upload):
    """.jpg, .png or .webp for what Pillow reads in `upload`; "" when it is none of them."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            return IMAGE_FORMATS.get(image.format, "")
    except Exception:
        return ""
    finally:
        upload.seek(position)


def _size_of(upload):
    return getattr(upload, "size", None) or 0


def _check_size(upload, limit, message):
    if _size_of(upload) > limit:
        raise ValidationError(
            message,
            code="file_too_large",
            params={"size": round(_size_of(upload) / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)},
        )


def validate_image(upload):
    """
    A real JPEG, PNG or WebP (by its content, not its name), within the size and pixel limits. Only a new
    upload is checked: an image already stored (a committed FieldFile, which the model field's validators see
    on every save of its record) was checked when it came, and checking it again would refuse an edit of the
    title over an image nobody touched (re-encoding can make a file grow past the limit) or fail when the file
    has gone missing from storage.
    """
    if getattr(upload, "_committed", False):
        return
    if isinstance(getattr(upload, "_file", upload), ReencodedImage):
        return  # checked already, and made again from its pixels
    _check_size(
        upload, settings.IMAGE_UPLOAD_MAX_BYTES, _("This image is %(size)s MB; the limit is %(limit)s MB.")
    )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        if upload.read(1024).lstrip(BYTE_ORDER_MARK_AND_SPACE).lower().startswith((b"<svg", b"<?xml")):
            raise ValidationError(
                _("SVG images are not accepted; upload a JPEG, PNG or WebP image."), code="image_svg"
            )
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if image_format not in IMAGE_FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG or WebP image (this file is %(format)s)."),
                    code="image_format",
                    params={"format": image_format or _("not an image")},
                )
            if width * height > settings.IMAGE_UPLOAD_MAX_PIXELS:
                raise ValidationError(
                    _("This image is %(width)s × %(height)s pixels; the limit is %(limit)s million pixels."),
                    code="image_too_many_pixels",
                    params={
                        "width": width,
                        "height": height,
                        "limit": settings.IMAGE_UPLOAD_MAX_PIXELS // 1_000_000,
                    },
                )
            image.load()  # decodes every pixel: a truncated or corrupt file fails here
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("This image has too many pixels to process safely; the limit is %(limit)s million pixels."),
            code="image_bomb",
            params={"limit": settings.IMAGE_UPLOAD_MAX_PIXELS // 1_000_000},
        ) from None
    except Exception:
        raise ValidationError(
            _("This file is not a complete JPEG, PNG or WebP image."), code="image_invalid"
        ) from None
    finally:
        upload.seek(position)


def validate_pdf(upload):
    """
    A PDF by its content (it starts with %PDF- and ends with %%EOF, and its first kilobyte holds no web page
    markup), within the size limit.
    """
    _check_size(
        upload,
        settings.DOCUMENT_UPLOAD_MAX_BYTES,
        _("This document is %(size)s MB; the limit is %(limit)s MB."),
    )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        head = upload.read(1024)
        upload.seek(max(_size_of(upload) - 1024, 0))
        tail = upload.read()
    finally:
        upload.seek(position)
    if not head.startswith(b"%PDF-") or b"%%EOF" not in tail:
        raise ValidationError(_("Upload a PDF document; this file is not a PDF."), code="document_format")
    if any(marker in head.lower() for marker in MARKUP_IN_DOCUMENT):
        raise ValidationError(
            _("This PDF contains web page code (HTML or script) at its start; upload a plain PDF document."),
            code="document_markup",
        )


class ReencodedImage(SimpleUploadedFile):
    """An upload made again from its decoded pixels by reencode_image(): it is stored as it is."""


def _to_srgb(image, icc_profile):
    """The image's pixels in sRGB (what a browser assumes without a profile), or None when it cannot be done."""
    if image.mode not in {"RGB", "RGBA", "CMYK"}:
        return None
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None


def reencode_image(upload):
    """
    A copy of a checked image made from its pixels alone, in the same format: turned upright as its EXIF
    orientation says, colours converted to sRGB when it carries a colour profile, and nothing else kept. No
    EXIF (a child's photo must not carry its location), XMP, comments or profile, and no bytes appended after
    the image (an HTML page riding on a valid PNG is dropped). JPEG and WebP at quality 92.
    """
    if isinstance(upload, ReencodedImage):
        return upload
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as original:
            image_format = "JPEG" if original.format == "MPO" else original.format
            icc_profile = original.info.get("icc_profile")
            transparency = original.info.get("transparency")
            image = ImageOps.exif_transpose(original)
    finally:
        upload.seek(position)
    image.info = {}  # Pillow's JPEG encoder would take a comment from here
    if icc_profile:
        image = _to_srgb(image, icc_profile) or image
    options = {}
    if image_format == "JPEG":
        if image.mode not in {"L", "RGB", "CMYK"}:
            image = image.convert("RGB")
        options = {"quality": REENCODE_QUALITY, "optimize": True}
    elif image_format == "WEBP":
        options = {"quality": REENCODE_QUALITY, "method": 4}
    elif transparency is not None and image.mode in {"P", "L", "RGB"}:
        options = {"transparency": transparency}  # a PNG's transparent colour is pixel data, not metadata
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    stem = PurePath(getattr(upload, "name", None) or "image").stem or "image"
    return ReencodedImage(
        f"{stem}{IMAGE_FORMATS[image_format]}", buffer.getvalue(), content_type=Image.MIME[image_format]
    )


def make_renditions(field_file, folder="renditions"):
    """
    Resize `field_file` to the standard widths, as WebP and as JPEG, with no EXIF or other metadata
    (a child's photo must not carry its location). Returns what the templates need to build srcset.
    Renditions are made when the image is saved, never at request time.
    """
    field_file.open("rb")
    try:
        with Image.open(field_file) as original:
            image = ImageOps.exif_transpose(original)
            image.load()
    finally:
        field_file.close()
    has_alpha = image.mode in {"RGBA", "LA", "P"}
    image = image.convert("RGBA" if has_alpha else "RGB")
    width, height = image.size
    stem = f"{folder}/{secrets.token_hex(10)}"
    # No wider than keeps it within WebP's height, and at least a pixel wide: a 1 × 100000 strip is cut short to
    # 1 × 16383, as a 2000 × 1 divider keeps its pixel of height below.
    widest = min(width, RENDITION_WIDTHS[-1], max(1, width * WEBP_MAX_SIDE // height))
    widths = [w for w in RENDITION_WIDTHS if w < widest] + [widest]
    result = {"width": width, "height": height, "webp": [], "jpeg": []}
    try:
        _make_renditions(image, stem, widths, result)
    except BaseException:
        # The disk full part way (FileNotStored): those stored already would be nobody's.
        with suppress(OSError):
            delete_renditions(result)
        raise
    for kind in ("webp", "jpeg"):
        result[kind].reverse()  # narrowest first, as srcset lists them
    return result


def _make_renditions(image, stem, widths, result):
    """make_renditions()'s files, each put into `result` as it is stored."""
    width, height = image.size
    source = image
    # Widest first, each made from the one before: resizing a 12-megapixel photo four times took most of the
    # time of saving it (1.3 s of 2.9 s here), and each step down from the last looks the same.
    for target in sorted(set(widths), reverse=True):
        # At least a pixel high: a banner or a divider 2000 × 1 px would round to 0 and Pillow refuses that.
        target_height = min(max(1, round(height * target / width)), WEBP_MAX_SIDE)
        resized = (
            source
            if (target, target_height) == source.size
            else source.resize((target, target_height), Image.LANCZOS)
        )
        source = resized
        for kind, image_format, options in (
            ("webp", "WEBP", {"quality": 80, "method": 4}),
            ("jpeg", "JPEG", {"quality": 82, "optimize": True, "progressive": True}),
        ):
            buffer = io.BytesIO()
            frame = resized.convert("RGB") if image_format == "JPEG" else resized
            frame.save(buffer, image_format, **options)  # no exif= argument: metadata is dropped
            name = default_storage.save(
                f"{stem}-{target}.{kind.replace('jpeg', 'jpg')}", ContentFile(buffer.getvalue())
            )
            result[kind].append([target, name])


def media_urls(names):
    """
    The addresses of stored files. For files on local disk they are built directly, the base address read
    once (Django's storage.url() parses and joins URLs, and reaching the storage through `default_storage`'s
    lazy wrapper costs more than the rest: it adds up over the hundreds of renditions a page lists);
    other storages are asked.
    """
    storage = storages["default"]  # the storage itself, which `default_storage` wraps
    if storage.__class__.url is FileSystemStorage.url:
        base_url = storage.base_url
        # The names this site gives its files need no quoting; quoting costs more than the rest of an address.
        return [
            base_url + (name if URL_SAFE_NAME.fullmatch(name) else filepath_to_uri(name)) for name in names
        ]
    return [storage.url(name) for name in names]


# What filepath_to_uri() leaves as it is.
URL_SAFE_NAME = re.compile(r"[A-Za-z0-9_.~!*()'/-]*")


def media_url(name):
    """The address of one stored file (see media_urls)."""
    return media_urls((name,))[0]


def rendition_names(renditions):
    """The names of the files of a record's renditions (a renditions field's value, or nothing)."""
    return [name for kind in ("webp", "jpeg") for _width, name in (renditions or {}).get(kind, [])]


def delete_renditions(renditions):
    for name in rendition_names(renditions):
        default_storage.delete(name)


class CheckedImageFormField(forms.ImageField):
    """
    Form field that explains a refusal precisely (format, size, pixels, damage) before Django's own check,
    and hands on the image re-encoded (reencode_image): what the form cleans is what is stored.
    """

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        validate_image(upload)
        return reencode_image(super().to_python(data))


class CheckedImageFieldFile(ImageFieldFile):
    """Every image saved through the field, from a form or from code, is checked and re-encoded first."""

    def save(self, name, content, save=True):
        validate_image(content)
        content = reencode_image(content)
        self.file = content  # RandomName reads the suffix from the waiting upload
        super().save(content.name, content, save)


class CheckedImageField(models.ImageField):
    """
    An image field whose uploads are always checked by content and re-encoded before they are stored; use it
    for every image a person uploads.
    """

    attr_class = CheckedImageFieldFile

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_image])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CheckedImageFormField, **kwargs})


# What a megapixel of each format costs to check and re-encode, against a JPEG's (seconds of CPU a megapixel,
# Pillow 13, photo-like images, on a slow day: JPEG 0.021, WebP 0.15, PNG 0.33): the budget of a save
# (IMAGE_UPLOAD_MAX_MEGAPIXELS_PER_SAVE) counts its images as JPEG photos.
CHECKING_COST = {"JPEG": 1, "MPO": 1, "WEBP": 7, "PNG": 16}


def pixels_to_check(upload):
    """
    The pixels of the image in `upload`, counted as a JPEG photo's (CHECKING_COST) and read from its header alone
    (nothing is decoded); 0 when it is no image or one over IMAGE_UPLOAD_MAX_PIXELS, which its own check refuses,
    before decoding it, in more precise words.
    """
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            width, height = image.size
            cost = CHECKING_COST.get(image.format, max(CHECKING_COST.values()))
    except Exception:
        return 0
    finally:
        upload.seek(position)
    pixels = width * height
    return pixels * cost if pixels <= settings.IMAGE_UPLOAD_MAX_PIXELS else 0


def uploads_in(files, name=None):
    """
    The files in `files` under `name`, or all of them: a request's FILES (a MultiValueDict, several files to a
    name) or a plain dict of one file a name (a formset turns an empty FILES into {}).
    """
    if hasattr(files, "lists"):
        lists = files.lists() if name is None else [(name, files.getlist(name))]
    else:
        lists = [(key, [value]) for key, value in files.items() if name is None or key == name]
    return [upload for _name, uploads in lists for upload in uploads if upload]


def megapixels_carried(files):
    """
    The megapixels of all the images in `files` (a request's FILES), counted as JPEG photos'. Counted once per
    request: a gallery's form and each of its photo rows are given the same FILES, and each asks.
    """
    total = getattr(files, "_megapixels_carried", None)
    if total is None:
        total = sum(pixels_to_check(upload) for upload in uploads_in(files)) / 1_000_000
        if isinstance(files, MultiValueDict):
            files._megapixels_carried = total
    return total


class WithinUploadPixelBudget:
    """
    Form mixin for a form that takes images in an admin save that may carry many (a gallery's "Add photos" and its
    photo rows): when all the images the save carries, in this form and in the others sent with it, come to more
    than IMAGE_UPLOAD_MAX_MEGAPIXELS_PER_SAVE, each of this form's file fields that carries one is refused, before
    any image is checked or re-encoded; twenty large photos took longer than gunicorn's timeout, which killed the
    worker and lost the editor's work. The other fields are cleaned without the files, so that the form comes
    back with every value typed and every other error at once.
    """

    def full_clean(self):
        carrying = [
            name
            for name, field in self.fields.items()
            if isinstance(field, forms.FileField) and uploads_in(self.files, self.add_prefix(name))
        ]
        limit = settings.IMAGE_UPLOAD_MAX_MEGAPIXELS_PER_SAVE
        total = megapixels_carried(self.files) if carrying else 0
        if total <= limit:
            super().full_clean()
            return
        files, self.files = self.files, MultiValueDict()
        try:
            super().full_clean()
        finally:
            self.files = files
            self.__dict__.pop("changed_data", None)  # cached while the files were out of sight
        for name in carrying:
            self._errors.pop(name, None)  # "This field is required.": the file came, and is refused for this
            self.add_error(
                name,
                ValidationError(
                    _(
                        "This save carries %(total)d megapixels of images, counted as JPEG photos (a WebP counts "
                        "seven times, a PNG sixteen: they take that much longer to check); at most %(limit)d can "
                        "be uploaded at once: save them in two or more goes."
                    ),
                    code="too_many_megapixels",
                    params={"total": math.ceil(total), "limit": limit},
                ),
            )


class FileNotStored(OSError):
    """The media storage could not store a file (its disk full, or any other OSError): nothing of it is left."""


# The files stored since files_of_a_failed_save_removed() began, while it runs (safedigital.admin.HistoryAdmin).
_stored_in_this_save = ContextVar("stored_in_this_save", default=None)


@contextmanager
def files_of_a_failed_save_removed():
    """
    When the block raises, the files the media storage stored within it are deleted: a save that failed part way
    (the disk full at its fifth photo) is rolled back, and the files it wrote before are then nobody's. Use it
    inside the transaction that records them, so that it is over before that commits.
    """
    stored = []
    token = _stored_in_this_save.set(stored)
    try:
        yield
    except BaseException:
        for storage, name in stored:
            with suppress(OSError):
                storage.delete(name)
        raise
    finally:
        _stored_in_this_save.reset(token)


class MediaStorage(FileSystemStorage):
    """
    The uploads' storage on local disk (MEDIA_ROOT): Django's, but a file it fails to write (ENOSPC when the disk
    is full, or any other OSError) is deleted rather than left truncated under the name it was given, and the
    failure is raised as FileNotStored, which the admin tells the editor of (HistoryAdmin) instead of answering
    500.
    """

    def _save(self, name, content):
        existed = self.exists(name)  # taken meanwhile: Django writes another name, which this cannot know
        try:
            name = super()._save(name, content)
        except OSError as error:
            if not existed:
                with suppress(OSError):
                    self.delete(name)
            logger.error("A file could not be stored in the media storage (%s): %s", name, error)
            raise FileNotStored(error.errno, f"{name} not stored: {error.strerror or error}") from error
        stored = _stored_in_this_save.get()
        if stored is not None:
            stored.append((self, name))
        return name
