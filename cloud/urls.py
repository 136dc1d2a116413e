from django.urls import include, path

from cloud.core.views import healthz
from tierkit.urls import tier_urls

urlpatterns = [
    *tier_urls(healthz),
    path("", include("cloud.stores.urls")),
    path("", include("cloud.commands.urls")),
    path("", include("cloud.remote.urls")),
    path("", include("cloud.releases.urls")),
    path("", include("cloud.incidents.urls")),
    path("", include("cloud.notifications.urls")),
    path("", include("cloud.software.urls")),
    path("console/", include("cloud.console.urls")),
    # The console's language switch (set_language, POST; LocaleMiddleware reads the cookie).
    path("i18n/", include("django.conf.urls.i18n")),
]
# A path under /api/ that matches no route gets a JSON 404 like the API's own.
handler404 = "tierkit.api.errors.not_found"
