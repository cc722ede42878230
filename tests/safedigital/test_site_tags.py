from django.template import Context, Template
from django.utils.safestring import mark_safe

from safedigital.uploads import media_urls

RENDITIONS = {
    "width": 1200,
    "height": 800,
    "jpeg": [
        [320, "renditions/ab/photo-320.jpg"],
        [640, "renditions/ab/photo-640.jpg"],
        [1200, "renditions/ab/photo-1200.jpg"],
    ],
    "webp": [
        [320, "renditions/ab/photo-320.webp"],
        [640, "renditions/ab/photo-640.webp"],
        [1200, "renditions/ab/photo-1200.webp"],
    ],
}


def render_picture(alt, **options):
    arguments = " ".join(f"{name}={name}" for name in options)
    template = Template("{% load site_tags %}{% picture renditions alt " + arguments + " %}")
    return template.render(Context({"renditions": RENDITIONS, "alt": alt, **options}))


def test_picture_offers_webp_and_jpeg_at_the_size_shown(settings):
    settings.MEDIA_URL = "/media/"

    html = render_picture("Delegates at the summit", sizes="64px", css_class="speaker-photo", width=64)

    assert html == (
        '<picture><source type="image/webp" srcset="/media/renditions/ab/photo-320.webp 320w" sizes="64px">'
        '<img src="/media/renditions/ab/photo-320.jpg" srcset="/media/renditions/ab/photo-320.jpg 320w" '
        'sizes="64px" alt="Delegates at the summit" width="64" height="43" class="speaker-photo" '
        'loading="lazy" decoding="async"></picture>'
    )


def test_picture_escapes_what_staff_typed_and_keeps_safe_strings():
    html = render_picture('A "quote" <script>alert(1)</script> & more', sizes='50vw" onload="x')

    assert 'alt="A &quot;quote&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"' in html
    assert 'sizes="50vw&quot; onload=&quot;x"' in html
    assert "<script>" not in html
    assert 'alt="Fish &amp; chips"' in render_picture(mark_safe("Fish &amp; chips"))


def test_picture_without_renditions_is_empty():
    template = Template("{% load site_tags %}[{% picture renditions 'alt' %}]")

    assert template.render(Context({"renditions": {}})) == "[]"


def test_media_addresses_quote_only_the_names_that_need_it(settings):
    settings.MEDIA_URL = "/media/"

    assert media_urls(["renditions/ab/photo-320.jpg", "uploads/my photo (1) é.jpg"]) == [
        "/media/renditions/ab/photo-320.jpg",
        "/media/uploads/my%20photo%20(1)%20%C3%A9.jpg",
    ]
