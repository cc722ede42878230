from django.apps import AppConfig


class SafeDigitalConfig(AppConfig):
    name = "safedigital"
    verbose_name = "Safe Digital"
