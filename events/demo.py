"""
The demo event: "Safe Digital Futures for Children", Bogotá, 6 November 2024, from the seed content page
(../shared/content/safe-digital-futures-highlights.txt). Facts come from that page only; where it gives none
(photos, video addresses, documents, the names of most panellists), the records say they are placeholders, in
what the public sees. What the page does not give and a placeholder would only make up (which countries pledged
and what, the conference's venue, the number of speakers) is left out.

Every function is idempotent: records are found by their natural key and updated, files made only once.
"""

import datetime
import io
import textwrap
import unicodedata

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from .models import (
    CountryPledge,
    Event,
    EventPartner,
    Gallery,
    HeadlineFigure,
    Organisation,
    Participation,
    Photo,
    Resource,
    Session,
    Speaker,
    Theme,
    Video,
)

EVENT_SLUG = "safe-digital-futures-for-children-2024"
# The seed page's closing paragraph, word for word.
VIDEOS_AND_HASHTAG = (
    "Here are some of the videos that summarize the highlights of the event. Help us continue spreading the "
    "message! Follow the conversation and share more insights using the hashtags #Act4OnlineSafety"
)
CONFERENCE_SLUG = "global-ministerial-conference-ending-violence-against-children-2024"
# Playable, so the page shows its player; the film's description says the real address is to be entered.
PLACEHOLDER_VIDEO_URL = "https://www.youtube.com/watch?v=PLACEHOLDER"
# What a placeholder speaker's public descriptor and a placeholder document's title end with.
PLACEHOLDER_NAME = "(placeholder: name to be added)"
PLACEHOLDER_DOCUMENT = "(placeholder: the published document is to be uploaded)"
# What the demo's placeholder pledges said before the seed was found to name no pledging country; such rows are
# removed again (see remove_placeholder_pledges).
PLACEHOLDER_PLEDGE_BODY = "Placeholder"

PILLARS = [
    ("robust-legislation", "Robust legislation"),
    ("safety-by-design", "Safety by design"),
    ("child-and-survivor-centred-efforts", "Children and survivors’ centred efforts"),
    ("sustainable-financing", "Sustainable financing, nationally and internationally"),
]


def drawable(text):
    """
    `text` as Pillow's default font can draw it: it has no dashes and no accented letters, which it would draw
    as empty boxes; they become a hyphen and the plain letter.
    """
    text = text.replace("\u2014", "-").replace("\u2013", "-")
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


def placeholder_image(text, size=(1600, 900), colors=((20, 33, 61), (11, 92, 107))):
    """A generated banner (no photograph) that says it is a placeholder."""
    text = drawable(text)
    width, height = size
    image = Image.new("RGB", size, colors[0])
    draw = ImageDraw.Draw(image)
    for y in range(height):
        mix = y / height
        draw.line(
            [(0, y), (width, y)], fill=tuple(round(a + (b - a) * mix) for a, b in zip(*colors, strict=True))
        )
    lines = textwrap.wrap(text, 36) + ["", "Placeholder image"]
    font = ImageFont.load_default(size=max(width // 30, 16))
    draw.multiline_text(
        (width // 12, height // 4), "\n".join(lines), fill=(255, 255, 255), spacing=12, font=font
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name="placeholder.jpg")


def placeholder_pdf(title):
    """A one-page PDF that says the real document is still to be uploaded."""
    image = Image.new("RGB", (1240, 1754), (255, 255, 255))
    ImageDraw.Draw(image).multiline_text(
        (100, 200),
        "\n".join(
            [
                *textwrap.wrap(drawable(title), 50),
                "",
                "Placeholder document:",
                "the published version is to be uploaded.",
            ]
        ),
        fill=(0, 0, 0),
        spacing=16,
        font=ImageFont.load_default(size=40),
    )
    buffer = io.BytesIO()
    image.save(buffer, "PDF")
    return ContentFile(buffer.getvalue(), name="placeholder.pdf")


def _with_image(instance, field, text, **kwargs):
    if not getattr(instance, field):
        getattr(instance, field).save("placeholder.jpg", placeholder_image(text, **kwargs), save=False)


def upsert(model, lookup, **values):
    instance, _created = model.objects.update_or_create(**lookup, defaults=values)
    return instance


def load_organisations():
    data = {
        "Safe Online": {"short_name": "Safe Online", "kind": Organisation.Kind.DONOR},
        "Brave Movement": {"short_name": "Brave", "kind": Organisation.Kind.NGO},
        "WeProtect Global Alliance": {"short_name": "WeProtect", "kind": Organisation.Kind.NGO},
        "Government of Sweden": {
            "short_name": "Sweden",
            "kind": Organisation.Kind.GOVERNMENT,
            "country": "SE",
        },
        "Council of Europe": {"short_name": "CoE", "kind": Organisation.Kind.UN_AGENCY},
        "United Nations": {"short_name": "UN", "kind": Organisation.Kind.UN_AGENCY},
    }
    return {name: upsert(Organisation, {"name": name}, **values) for name, values in data.items()}


def load_themes():
    return [
        upsert(Theme, {"slug": slug}, name=name, order=order)
        for order, (slug, name) in enumerate(PILLARS, start=1)
    ]


def load_conference():
    conference = Event.objects.filter(slug=CONFERENCE_SLUG).first() or Event(slug=CONFERENCE_SLUG)
    conference.title = "Global Ministerial Conference on Ending Violence Against Children"
    conference.strapline = ""
    conference.summary = (
        "The Global Ministerial Conference on Ending Violence Against Children, 7–8 November 2024, "
        "where 20 countries submitted pledges on online harms to children."
    )
    conference.body = ""
    conference.start_date = datetime.date(2024, 11, 7)
    conference.end_date = datetime.date(2024, 11, 8)
    # The seed page does not say where the conference was held.
    conference.city = ""
    conference.country = ""
    conference.hero_image_alt = "Placeholder banner with the conference's title (no photograph yet)"
    _with_image(conference, "hero_image", conference.title)
    conference.status = Event.Status.PUBLISHED
    conference.publish_at = conference.publish_at or datetime.datetime(2024, 11, 8, 18, tzinfo=datetime.UTC)
    conference.save()
    return conference


def speaker(full_name, **values):
    return upsert(Speaker, {"full_name": full_name}, **values)


def placeholder_speaker(descriptor, country=""):
    """
    A participant the seed describes but does not name: shown by a descriptor that says the name is a
    placeholder (the public sees only the descriptor), with no page.

    Speaker.clean() asks for a consent date for anonymous speakers, as the admin form does. These are not people
    who chose anonymity but names not entered yet, so their consent date stays empty (None) on purpose: they are
    saved with save(), which does not call clean(). An editor who enters the real name records the consent then.
    """
    return speaker(
        f"Name to be entered — {descriptor}",
        identity=Speaker.Identity.ANONYMOUS,
        anonymous_descriptor=f"{descriptor} {PLACEHOLDER_NAME}",
        consent_date=None,
        country=country,
    )


def load_programme(event, organisations):
    marija = speaker(
        "Marija Manojlovic",
        role_title="Executive Director",
        organisation=organisations["Safe Online"],
    )
    camilla = speaker(
        "Camilla Waltersson Grönwall",
        role_title="Minister of Social Affairs",
        organisation=organisations["Government of Sweden"],
        country="SE",
    )
    sessions = [
        {
            "order": 1,
            "kind": Session.Kind.OPENING,
            "title": "Opening of the satellite event",
            "summary": (
                "<p>Marija Manojlovic, Executive Director of Safe Online, kicked off the event. Camilla Waltersson "
                "Grönwall, Minister of Social Affairs of the Government of Sweden, opened it, highlighting the urgent "
                "need for global collaboration to tackle the rising tide of online child sexual abuse.</p>"
            ),
            "participants": [
                (
                    marija,
                    Participation.Role.OPENING_REMARKS,
                    "We stand united at the ‘Safe Digital Futures for Children’ event in Bogotá, bringing together "
                    "world leaders, advocates & survivors to tackle online harms against children. As technology "
                    "evolves, so must our efforts to protect them.",
                ),
                (
                    camilla,
                    Participation.Role.OPENING_REMARKS,
                    "To effectively combat online violence, global collaboration is essential. Countries must share "
                    "best practices, technological solutions & research findings.",
                ),
            ],
        },
        {
            "order": 2,
            "kind": Session.Kind.PANEL,
            "title": "High-level opening panel",
            "summary": (
                "<p>Youth activists and high-level representatives from Governments, civil society, industry and UN "
                "agencies came together to emphasize the importance of collaboration, prevention, and amplifying "
                "youth and survivors’ voices to combat online violence against children.</p>"
                "<p>The panel explored the latest data, trends, and evidence of risks and harms children face in "
                "digital spaces covering children’s digital interactions, risk perceptions, mitigation strategies, "
                "and the impact of emerging technologies like Gen AI and extended reality.</p>"
                "<p>Reflecting on solutions, the panelists highlighted the importance of data-driven approaches, and "
                "the need for collaboration between tech companies and child protection experts to leverage emerging "
                "technologies for child safety.</p>"
            ),
            "participants": [],
        },
        {
            "order": 3,
            "kind": Session.Kind.FILM_SCREENING,
            "title": "Film: Beyond the Screen: Hidden voices of online abuse",
            "summary": (
                "<p>Audiences heard directly from survivors of online child abuse in the film ‘Beyond the Screen: "
                "Hidden voices of online abuse’. The film highlighted the prevalence of online sexual violence and "
                "included the lived experiences of four survivors from around the world.</p>"
            ),
            "participants": [],
        },
        {
            "order": 4,
            "kind": Session.Kind.PANEL,
            "title": "Panel of experts: practical strategies and solutions",
            "summary": (
                "<p>This panel of experts from the UN, Council of Europe, and Government representatives from "
                "Brazil, South Africa and USA, focused on practical strategies and solutions to make digital spaces "
                "safer for children. They shared context-rich information and experiences from different countries, "
                "highlighting strategies, resources, and best practices for policy development, program design, "
                "technology tools, and industry practices. Emphasis was placed on integrating safety features at the "
                "outset of digital tools, rather than retrofitting them.</p>"
            ),
            "participants": [
                (placeholder_speaker("Expert, United Nations"), Participation.Role.PANELLIST, ""),
                (placeholder_speaker("Expert, Council of Europe"), Participation.Role.PANELLIST, ""),
                *[
                    (
                        placeholder_speaker(f"Government representative, {name}", code),
                        Participation.Role.PANELLIST,
                        "",
                    )
                    for code, name in (("BR", "Brazil"), ("ZA", "South Africa"), ("US", "United States"))
                ],
            ],
        },
        {
            "order": 5,
            "kind": Session.Kind.PANEL,
            "title": "High-level representatives: national strategies",
            "summary": (
                "<p>High-level representatives from Ecuador, Jordan, Kenya, Madagascar, Moldova, Uganda shared "
                "diverse strategies: from helplines &amp; specialist training to national plans. The focus was on "
                "enhancing safety through legislation, education &amp; open communication with children.</p>"
            ),
            "participants": [
                (
                    placeholder_speaker(f"High-level representative, {name}", code),
                    Participation.Role.PANELLIST,
                    "",
                )
                for code, name in (
                    ("EC", "Ecuador"),
                    ("JO", "Jordan"),
                    ("KE", "Kenya"),
                    ("MG", "Madagascar"),
                    ("MD", "Moldova"),
                    ("UG", "Uganda"),
                )
            ],
        },
        {
            "order": 6,
            "kind": Session.Kind.PANEL,
            "title": "Urgent threats: survivors, donors and industry",
            "summary": (
                "<p>The panel emphasized the urgency of action, the importance of survivor voices, and the need for "
                "collaborative efforts across sectors to protect children online. Experts including parent of "
                "survivor, donor and tech industry representatives highlighted urgent threats including financial "
                "links to child abuse, AI-generated imagery, and exploitation merging with extremism.</p>"
            ),
            "participants": [
                (placeholder_speaker("Parent of a survivor"), Participation.Role.PANELLIST, ""),
                (placeholder_speaker("Donor representative"), Participation.Role.PANELLIST, ""),
                (placeholder_speaker("Tech industry representative"), Participation.Role.PANELLIST, ""),
            ],
        },
        {
            "order": 7,
            "kind": Session.Kind.CLOSING,
            "title": "Closing remarks",
            "summary": (
                "<p>The closing session emphasized the need for financial commitment from governments, courage in "
                "facing challenges, love for what we’re protecting, and collaborative action. The three Directors "
                "reminded us that creating a safer digital world for children is a complex but crucial task that "
                "requires the efforts of all sectors of society.</p>"
            ),
            "participants": [
                (marija, Participation.Role.CLOSING_REMARKS, ""),
                (placeholder_speaker("Director, Brave Movement"), Participation.Role.CLOSING_REMARKS, ""),
                (
                    placeholder_speaker("Director, WeProtect Global Alliance"),
                    Participation.Role.CLOSING_REMARKS,
                    "",
                ),
            ],
        },
    ]
    result = {}
    for data in sessions:
        participants = data.pop("participants")
        session = upsert(Session, {"event": event, "order": data.pop("order")}, **data)
        keep = []
        for order, (person, role, quote) in enumerate(participants, start=1):
            upsert(
                Participation, {"session": session, "speaker": person}, role=role, order=order, quote=quote
            )
            keep.append(person.pk)
        session.participations.exclude(speaker_id__in=keep).delete()
        result[session.kind if session.kind != Session.Kind.PANEL else f"panel-{session.order}"] = session
    return result


def load_videos(event, sessions):
    _placeholder_video(
        event,
        Video.Kind.FILM,
        order=1,
        session=sessions[Session.Kind.FILM_SCREENING],
        title="Beyond the Screen: Hidden voices of online abuse",
        description=(
            "The film highlights the prevalence of online sexual violence and includes the lived experiences of "
            "four survivors from around the world. (Placeholder: the real film's address is to be entered; this "
            "player shows no film yet.)"
        ),
        content_warning="Survivors describe online sexual violence and abuse they lived through as children.",
        poster_alt="Placeholder poster with the film's title",
    )
    _placeholder_video(
        event,
        Video.Kind.INTERVIEW,
        order=2,
        title="Key insights from interviews with experts: Shaping a Safer Digital Future for Children",
        description=(
            "Experts, survivors, and young activists discuss why online safety must be part of the broader effort "
            "to end violence against children, their hopes for the Ministerial outcomes, AI’s role in tackling "
            "online child exploitation and what world leaders can do to protect children online. (Placeholder: "
            "the real video's address is to be entered; this player shows no video yet.)"
        ),
        poster_alt="Placeholder poster for the interviews",
    )
    # The seed's closing words introduce "some of the videos that summarize the highlights of the event", which
    # its text does not name: one reel stands for them, and says so.
    _placeholder_video(
        event,
        Video.Kind.HIGHLIGHTS,
        order=3,
        title="Highlights of Safe Digital Futures for Children",
        description=(
            "The event's highlights on video. (Placeholder: the real video's address is to be entered; this "
            "player shows no video yet.)"
        ),
        poster_alt="Placeholder poster for the highlights",
    )


def _placeholder_video(event, kind, **fields):
    """The event's video of this kind, with `fields`, a playable placeholder address and a poster of its title."""
    video = Video.objects.filter(event=event, kind=kind).first() or Video(event=event, kind=kind)
    for name, value in fields.items():
        setattr(video, name, value)
    video.provider_url = PLACEHOLDER_VIDEO_URL
    _with_image(video, "poster", video.title, size=(1280, 720))
    video.save()


GALLERIES = [
    "Safe Digital Futures for Children: Tackling Online Harms Through Joint Global Action",
    "Moments of Connection - Safe Digital Futures for Children: Tackling Online Harms",
    "Networking Reception",
    "Breakfast Meet with media",
]


def load_galleries(event, photos_per_gallery=3):
    for order, title in enumerate(GALLERIES, start=1):
        gallery = upsert(Gallery, {"event": event, "title": title}, order=order)
        for number in range(1, photos_per_gallery + 1):
            if gallery.photos.filter(order=number).exists():
                continue
            photo = Photo(
                gallery=gallery,
                order=number,
                alt_text=f"Placeholder image for the album “{title}”, photo {number} of {photos_per_gallery}",
                caption="Placeholder: the event's photographs are to be uploaded.",
            )
            photo.image.save(
                "placeholder.jpg",
                placeholder_image(f"{title} — photo {number}", size=(1200, 800)),
                save=False,
            )
            photo.save()


def load_resources(event):
    resources = [
        (Resource.Kind.CALL_TO_ACTION, "Call to Action from survivors and allies"),
        (Resource.Kind.PRESS_RELEASE, "Event press release"),
        (
            Resource.Kind.OPEN_LETTER,
            "Joint open letter: ‘A historic opportunity to protect children from digital harms’",
        ),
    ]
    for order, (kind, title) in enumerate(resources, start=1):
        resource = Resource.objects.filter(event=event, kind=kind).first() or Resource(event=event, kind=kind)
        # The title is the link text, so the visitor knows before opening it that the PDF is a placeholder.
        resource.title = f"{title} {PLACEHOLDER_DOCUMENT}"
        resource.order = order
        resource.language = "en"
        if not resource.file:
            resource.file.save("placeholder.pdf", placeholder_pdf(title), save=False)
        resource.save()


def remove_placeholder_pledges(conference):
    """
    The seed says 20 countries submitted pledges at the Conference but names none of them, so the demo has no
    pledges: any country, theme, status or date would read as fact. Earlier versions of the demo made placeholder
    pledges; they are removed, and only they (pledges an editor entered are kept).
    """
    CountryPledge.objects.filter(event=conference, pledging_body=PLACEHOLDER_PLEDGE_BODY).delete()


def load_event(conference, organisations, themes):
    event = Event.objects.filter(slug=EVENT_SLUG).first() or Event(slug=EVENT_SLUG)
    event.title = "Safe Digital Futures for Children: Tackling Online Harms through Joint Global Action"
    event.strapline = "Tackling online harms through joint global action"
    event.summary = (
        "Safe Online, the Brave Movement, and the WeProtect Global Alliance, with the support from over 15 partners, "
        "hosted the event Safe Digital Futures for Children: Tackling Online Harms through Joint Global Action. The "
        "satellite event leveraged and built momentum towards the Global Ministerial Conference on Ending Violence "
        "Against Children on 7-8 November, 2024."
    )
    event.body = (
        "<p>The satellite event held on 6th November 2024 in Bogota, Colombia, highlighted the growing threat of "
        "digital harms to children and urged world leaders to integrate the online dimension in the wider agenda "
        "and efforts to tackle violence against children.</p>"
        "<p>This event marked a critical step in highlighting the magnitude and complexity of digital harms for "
        "children and in amplifying the urgency of ensuring children can benefit from a safe digital world. The "
        "insights, dialogues and call to action shared are the building blocks of our collective mission and lay a "
        "strong foundation for the ongoing and future work needed to turn conversations into concrete actions.</p>"
    )
    event.pillars_heading = "Concrete actions to secure a safe digital future for children through"
    event.outcomes = (
        "<h3>Growing recognition of the urgent need to address this rapidly evolving crisis</h3>"
        "<p>High-level representatives from over 10 countries spoke at the Satellite event to highlight their "
        "efforts, lessons learned and global needs to make the internet safe for children, and 20 countries "
        "submitted pledges on online harms to children at the Global Ministerial Conference on Ending Violence "
        "Against Children.</p>"
        "<p>Below, you’ll find key moments and materials from the event, including highlights, discussions, and "
        "resources to continue the conversation on creating safer digital spaces for children.</p>"
    )
    # Where the seed has it: last, after the photo albums.
    event.closing = f"<p>{VIDEOS_AND_HASHTAG}</p>"
    event.start_date = event.end_date = datetime.date(2024, 11, 6)
    event.city = "Bogotá"
    event.country = "CO"
    event.time_zone = "America/Bogota"
    event.parent = conference
    event.featured = True
    event.hero_image_alt = (
        "Placeholder banner with the event's title (the event photographs are to be uploaded)"
    )
    _with_image(event, "hero_image", event.title)
    event.status = Event.Status.PUBLISHED
    event.publish_at = event.publish_at or datetime.datetime(2024, 11, 20, 9, tzinfo=datetime.UTC)
    event.save()
    event.pillars.set(themes)

    partners = [
        ("Safe Online", EventPartner.Role.CO_HOST),
        ("Brave Movement", EventPartner.Role.CO_HOST),
        ("WeProtect Global Alliance", EventPartner.Role.CO_HOST),
    ]
    for order, (name, role) in enumerate(partners, start=1):
        upsert(EventPartner, {"event": event, "organisation": organisations[name]}, role=role, order=order)

    # Counted from the records, never typed. The seed says "over 10 countries", so the countries counted from the
    # speakers (10) read "10+". It gives no number of speakers, and the demo's count would include placeholders,
    # so that figure is kept for editors but hidden.
    figures = [
        (HeadlineFigure.Source.GLOBAL_AUDIENCE, "Global audience", "+", False),
        (HeadlineFigure.Source.COUNTRIES, "Countries represented", "+", False),
        (HeadlineFigure.Source.ATTENDEES, "Attendees in person", "+", False),
        (HeadlineFigure.Source.SPEAKERS, "Speakers and panellists", "", True),
        (HeadlineFigure.Source.MEDIA_REACH, "People reached by media coverage", "", False),
    ]
    for order, (source, label, suffix, hidden) in enumerate(figures, start=1):
        upsert(
            HeadlineFigure,
            {"event": event, "source": source},
            label=label,
            suffix=suffix,
            order=order,
            hidden=hidden,
        )
    return event


@transaction.atomic
def load_demo_event():
    """Builds (or brings up to date) the Bogotá demo event; returns it."""
    organisations = load_organisations()
    themes = load_themes()
    conference = load_conference()
    event = load_event(conference, organisations, themes)
    sessions = load_programme(event, organisations)
    load_videos(event, sessions)
    load_galleries(event)
    load_resources(event)
    remove_placeholder_pledges(conference)
    try:
        from media_coverage.demo import load_demo_coverage
    except ImportError:
        pass
    else:
        load_demo_coverage(event)
    return event
