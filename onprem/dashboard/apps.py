from django.apps import AppConfig


class Config(AppConfig):
    name = "onprem.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"

    def ready(self) -> None:
        from onprem.alerts.signals import alert_changed
        from onprem.fleet.signals import batch_stored, devices_went_silent

        from . import broadcast

        batch_stored.connect(broadcast.on_batch_stored, dispatch_uid="dashboard.batch_stored")
        devices_went_silent.connect(broadcast.on_devices_went_silent, dispatch_uid="dashboard.silent")
        alert_changed.connect(broadcast.on_alert_changed, dispatch_uid="dashboard.alert_changed")
