from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Loads the demo event (Safe Digital Futures for Children, Bogotá 2024). Running it again changes nothing."

    def handle(self, *args, **options):
        self.stdout.write("Demo data: nothing to load yet.")
