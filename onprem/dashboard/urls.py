from django.urls import path

from . import cart_views, language, views

app_name = "dashboard"

urlpatterns = [
    path("", views.live, name="live"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:alert_id>/<str:action>/", views.alert_action, name="alert-action"),
    path("carts/<str:device_id>/", cart_views.cart_page, name="cart"),
    path("carts/<str:device_id>/history.json", cart_views.cart_history, name="cart-history"),
    path("carts/<str:device_id>/commands/", cart_views.cart_command, name="cart-command"),
    path("language/", language.choose_language, name="language"),
]
