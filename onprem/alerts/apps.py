from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "onprem.alerts"
    label = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from onprem.fleet.signals import batch_stored, devices_went_silent
        from onprem.shopping.help import help_requests_changed

        from . import receivers

        batch_stored.connect(receivers.on_batch_stored, dispatch_uid="alerts.batch_stored")
        devices_went_silent.connect(receivers.on_devices_went_silent, dispatch_uid="alerts.devices_went_silent")
        help_requests_changed.connect(receivers.on_help_requests_changed, dispatch_uid="alerts.help_changed")
