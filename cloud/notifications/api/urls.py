from django.urls import path

from .views import ChannelNoticesView, ChannelsView, ChannelTestView, ChannelView

urlpatterns = [
    path("notification-channels/", ChannelsView.as_view(), name="notification-channels"),
    path("notification-channels/<int:pk>/", ChannelView.as_view(), name="notification-channel"),
    path(
        "notification-channels/<int:pk>/test/",
        ChannelTestView.as_view(),
        name="notification-channel-test",
    ),
    path(
        "notification-channels/<int:pk>/notices/",
        ChannelNoticesView.as_view(),
        name="notification-channel-notices",
    ),
]
