from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "cloud.incidents"
    label = "incidents"
    verbose_name = _("Incidents")
