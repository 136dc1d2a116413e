from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "onprem.updates"
    label = "updates"
    verbose_name = _("Firmware updates")

    def ready(self) -> None:
        from onprem.fleet.signals import batch_stored

        from . import receivers

        batch_stored.connect(receivers.on_batch_stored, dispatch_uid="updates.batch_stored")
