from rest_framework.routers import SimpleRouter

from .views import RemoteAuditViewSet

router = SimpleRouter()
router.register("remote-audit", RemoteAuditViewSet, basename="remote-audit")
urlpatterns = router.urls
