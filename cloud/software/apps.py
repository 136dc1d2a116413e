from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "cloud.software"
    label = "software"
    verbose_name = _("On-prem software releases and rollouts")
