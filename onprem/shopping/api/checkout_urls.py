"""Checkout and receipts (/api/v1/shopper/...) and the till's calls (/api/v1/till/...)."""

from __future__ import annotations

from django.urls import path

from . import checkout

urlpatterns = [
    path(
        "api/v1/shopper/sessions/<uuid:session_id>/checkout/",
        checkout.CheckoutView.as_view(),
        name="shopper-checkout",
    ),
    path("api/v1/shopper/orders/", checkout.OrderList.as_view(), name="shopper-orders"),
    path(
        "api/v1/shopper/orders/<uuid:order_id>/",
        checkout.OrderDetail.as_view(),
        name="shopper-order",
    ),
    path(
        "api/v1/till/payments/<str:till_code>/",
        checkout.TillPaymentView.as_view(),
        name="till-payment",
    ),
    path(
        "api/v1/till/payments/<str:till_code>/paid/",
        checkout.TillPaidView.as_view(),
        name="till-payment-paid",
    ),
]
