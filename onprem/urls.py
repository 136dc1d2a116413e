from django.urls import include, path

from onprem.core.views import healthz
from tierkit.urls import tier_urls

urlpatterns = [
    *tier_urls(healthz),
    path("api/v1/", include("onprem.fleet.api.urls")),
    path("api/v1/", include("onprem.commands.urls")),
    path("api/v1/", include("onprem.uplink.urls")),
    path("", include("onprem.shopping.urls")),
    path("api/v1/", include("onprem.alerts.urls")),
    path("", include("onprem.updates.urls")),
    path("", include("onprem.software.urls")),
    path("dashboard/", include("onprem.dashboard.urls")),
    path("bi/", include("onprem.analytics.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/integrations/cashless/", include("onprem.integrations.cashless.urls")),
    path("api/v1/integrations/erp/", include("onprem.integrations.erp.urls")),
]
# A path under /api/ that matches no route gets a JSON 404 like the API's own.
handler404 = "tierkit.api.errors.not_found"
