from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from events.demo import load_demo_event
from safedigital.auth import DEMO_PASSWORD
from safedigital.roles import ADMINISTRATORS, EDITORS, FUNDRAISING

DEMO_STAFF = [
    ("editor", EDITORS, False),
    ("fundraiser", FUNDRAISING, False),
    ("admin", ADMINISTRATORS, True),
]


class Command(BaseCommand):
    help = (
        "Loads the demo event (Safe Digital Futures for Children, Bogotá, 6 November 2024) from the seed page, "
        "with its parent conference, and in development the demo staff logins. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-staff",
            action="store_true",
            help="Do not create the demo staff logins (editor, fundraiser, admin).",
        )

    def handle(self, *args, no_staff=False, **options):
        event = load_demo_event()
        self.stdout.write(self.style.SUCCESS(f"Demo event ready: {event.title} ({event.get_absolute_url()})"))
        if no_staff:
            return
        if not settings.DEBUG:
            raise CommandError("Demo staff logins are for development only (DEBUG is off); use --no-staff.")
        self.stdout.write("Demo staff logins (development only), at /" + settings.ADMIN_URL + ":")
        for username, role, superuser in DEMO_STAFF:
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"email": f"{username}@safedigital.example"}
            )
            user.is_staff = True
            user.is_superuser = superuser
            if created or not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            # The admin is a superuser as well: it sees everything, more than the Administrators role does.
            self.stdout.write(
                f"  {username:<11} password {DEMO_PASSWORD}  ({role}{', superuser' if superuser else ''})"
            )
