from rest_framework.routers import DefaultRouter

from .views import CartViewSet, DeadLetterViewSet, RackViewSet

router = DefaultRouter()
router.register("racks", RackViewSet, basename="rack")
router.register("carts", CartViewSet, basename="cart")
router.register("dead-letters", DeadLetterViewSet, basename="dead-letter")
urlpatterns = router.urls
