from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "cloud.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
