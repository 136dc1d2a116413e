from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "onprem.software"
    label = "onprem_software"
    verbose_name = _("On-prem software updates")
