from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "onprem.updates"
    label = "updates"
    verbose_name = _("Firmware updates")
