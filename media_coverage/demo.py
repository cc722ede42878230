"""
The seed's media coverage and social-media figures (content/safe-digital-futures-highlights.txt), for the
demo event. Only what the seed says is stated as fact; what it leaves out is a labelled placeholder or empty:
it names no radio station, counts outlets it does not name, and gives no headline, date or reach per mention.
Running it again changes nothing.
"""

from django.db import transaction

from .models import CoverageFigures, MediaMention, Outlet, PlatformFigures, SocialFigures

# The seed: "featured in El Tiempo, Colombia's largest national newspaper, as well as prominent digital
# platforms like Publimetro and Semana. Coverage extended across 30 print and digital outlets. [...] television
# channels including Caracol, a leading private television network in Colombia, Capital, and City Television,
# and was extensively covered on radio." The demo keeps 30 outlets in all, as the issue asks.
NAMED_OUTLETS = [
    ("El Tiempo", Outlet.Medium.PRINT, "Colombia's largest national newspaper"),
    ("Publimetro", Outlet.Medium.DIGITAL, ""),
    ("Semana", Outlet.Medium.DIGITAL, ""),
    ("Caracol", Outlet.Medium.TV, "a leading private television network in Colombia"),
    ("Capital", Outlet.Medium.TV, ""),
    ("City Television", Outlet.Medium.TV, ""),
]
TOTAL_OUTLETS = 30
RADIO_PLACEHOLDER = (
    "Placeholder radio outlet (the seed names no station)",
    "Placeholder: the seed page says the event was covered on radio but names no station.",
)
PRINT_OR_DIGITAL_DESCRIPTION = "Placeholder: the seed page counts print and digital outlets it does not name; print or digital is not known."

REPORTED_REACH = 15_712_224
REACH_SOURCE = "Media monitoring agency report (seed page)"
SOCIAL_SOURCE = "Safe Digital Futures for Children highlights (seed page)"


def _placeholder_outlets():
    """(name, medium, description) of the outlets the seed counts or mentions without naming them."""
    name, description = RADIO_PLACEHOLDER
    outlets = [(name, Outlet.Medium.RADIO, description)]
    unnamed_print_or_digital = TOTAL_OUTLETS - len(NAMED_OUTLETS) - len(outlets)
    # Print or digital is not known for these; they are filed as digital and their name says so.
    outlets += [
        (f"Placeholder print/digital outlet {number}", Outlet.Medium.DIGITAL, PRINT_OR_DIGITAL_DESCRIPTION)
        for number in range(1, unnamed_print_or_digital + 1)
    ]
    return outlets


@transaction.atomic
def load_demo_coverage(event):
    """Add (or bring back) the seed's coverage of `event`: outlets, one mention each, and the figures."""
    outlets = []
    for (name, medium, description), placeholder in [
        *((outlet, False) for outlet in NAMED_OUTLETS),
        *((outlet, True) for outlet in _placeholder_outlets()),
    ]:
        outlet, _created = Outlet.objects.update_or_create(
            name__iexact=name,
            defaults={
                "name": name,
                "medium": medium,
                "country": "" if placeholder else "CO",
                "description": description,
                "placeholder": placeholder,
            },
        )
        outlets.append(outlet)

    for outlet in outlets:
        MediaMention.objects.update_or_create(
            event=event,
            outlet=outlet,
            headline=(
                f"Placeholder headline: coverage of {event.title} in "
                f"{'an outlet the seed does not name' if outlet.placeholder else outlet.name} "
                "(the seed page gives no headline)"
            ),
            defaults={
                "kind": MediaMention.Kind.OTHER,
                # Not "es": the headline is the demo's English placeholder, and the seed gives no article's language.
                "language": "",
                "reach": None,
                "date": None,
                "link": "",
            },
        )

    CoverageFigures.objects.update_or_create(
        event=event,
        defaults={
            "reported_reach": REPORTED_REACH,
            "source": REACH_SOURCE,
            "reach_shown": CoverageFigures.ReachShown.REPORTED,
            "outlet_count_override": None,
        },
    )
    social, _created = SocialFigures.objects.update_or_create(
        event=event,
        defaults={
            "hashtags": "#Act4OnlineSafety #SafeOnline",
            "total_posts": 933,
            "maximum_reach": 2_900_000,
            "impressions": 105_000,
            "countries_reached": 39,
            "source": SOCIAL_SOURCE,
        },
    )
    # The seed: "promoted across multiple social media platforms—LinkedIn, X, Instagram, and Facebook".
    platforms = {
        PlatformFigures.Platform.LINKEDIN: {
            "impressions_uplift_percent": 82,
            "reactions_uplift_percent": 107,
        },
        PlatformFigures.Platform.X: {"top_post_impressions": 46_514, "top_post_engagements": 1_614},
        PlatformFigures.Platform.INSTAGRAM: {},
        PlatformFigures.Platform.FACEBOOK: {},
    }
    for order, (platform, figures) in enumerate(platforms.items()):
        PlatformFigures.objects.update_or_create(
            social=social, platform=platform, defaults={"order": order, **figures}
        )
    return social
