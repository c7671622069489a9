import requests
from django.db import transaction

from shop.models import LedgerEntry, Order


def place_order(customer, total_cents):  # expect: RL201
    order = Order.objects.create(customer=customer, total_cents=total_cents)
    LedgerEntry.objects.create(order=order, amount_cents=total_cents)
    return order


@transaction.atomic
def refund_order(order):
    LedgerEntry.objects.create(order=order, amount_cents=-order.total_cents)
    order.delete()


def order_emails():
    return [order.customer.email for order in Order.objects.all()]  # expect: RL202


def order_emails_batched():
    return [order.customer.email for order in Order.objects.select_related("customer")]


def notify_warehouse(order):
    requests.post("https://warehouse.example/orders", json={"id": order.id})  # expect: RL101


def notify_warehouse_with_timeout(order):
    requests.post("https://warehouse.example/orders", json={"id": order.id}, timeout=5)
